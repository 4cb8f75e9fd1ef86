import { isRecord } from "../../schema/json.js";
import { patchOfCostFields, patchSchedule } from "./cost-fields.js";
import type { PriceSchedule } from "./price-sheet.js";

/**
 * A price table in LiteLLM's `model_prices_and_context_window.json` format (which Bifrost's
 * datasheet also uses): `{ "<model key>": { litellm_provider | provider, mode, <cost fields> } }`.
 * Keys are a model name, or `provider/model` with LiteLLM's provider name in front.
 */

/** Which request types an entry can price, from its `mode`. */
type ModeFamily = "text" | "embedding" | "rerank" | "any";

const MODE_FAMILIES: ReadonlyMap<string, ModeFamily> = new Map([
  ["chat", "text"],
  ["completion", "text"],
  ["responses", "text"],
  ["embedding", "embedding"],
  ["rerank", "rerank"],
]);

/** LiteLLM's provider names that differ from Iris's; Bifrost's datasheet already uses Iris's. */
const IRIS_PROVIDER_OF_LITELLM: ReadonlyMap<string, string> = new Map([
  ["text-completion-openai", "openai"],
  ["azure_ai", "azure"],
  ["azure_text", "azure"],
  ["bedrock_converse", "bedrock"],
  ["cohere_chat", "cohere"],
  ["fireworks_ai", "fireworks"],
  ["fireworks_ai-embedding-models", "fireworks"],
]);

type TableEntry = Partial<Record<ModeFamily, PriceSchedule>>;

/** Provider (lower-case Iris name, "" for entries that name none) and model (lower case) → the entry's prices by mode. */
export interface PriceTable {
  readonly entries: ReadonlyMap<string, TableEntry>;
}

/** Reads a parsed table; throws when it is not a JSON object of entries, so a bad download keeps the table in use. */
export function parsePriceTable(json: unknown): PriceTable {
  if (!isRecord(json)) throw new Error("the price table is not a JSON object of models");
  const entries = new Map<string, TableEntry>();
  for (const [key, value] of Object.entries(json)) {
    if (key === "sample_spec" || !isRecord(value)) continue;
    const mode = typeof value["mode"] === "string" ? MODE_FAMILIES.get(value["mode"]) : "any";
    if (mode === undefined) continue;
    const schedule = patchSchedule(undefined, patchOfCostFields(value));
    if (!schedule) continue;
    const named = typeof value["litellm_provider"] === "string" ? value["litellm_provider"] : value["provider"];
    const { provider, model } = splitKey(key.toLowerCase(), typeof named === "string" ? irisProviderName(named.toLowerCase()) : undefined);
    const entry = entries.get(entryKey(provider, model)) ?? {};
    entry[mode] ??= schedule;
    entries.set(entryKey(provider, model), entry);
  }
  return { entries };
}

/**
 * The table's price for `model` served by `provider`: under the provider's own name, then its
 * base family (a custom provider), then an entry naming no provider. Bedrock models are also
 * tried without an inference-profile ARN and without a cross-region prefix (`us.`, `eu.`, …).
 */
export function tablePrices(table: PriceTable, provider: string, family: string, model: string, requestType: string): PriceSchedule | undefined {
  const mode = modeFamilyOf(requestType);
  if (mode === undefined) return undefined;
  const providers = provider === family ? [provider, ""] : [provider, family, ""];
  for (const name of modelNames(family, model.toLowerCase())) {
    for (const owner of providers) {
      const entry = table.entries.get(entryKey(owner, name));
      const schedule = entry && (entry[mode] ?? entry.any);
      if (schedule) return schedule;
    }
  }
  return undefined;
}

function modeFamilyOf(requestType: string): ModeFamily | undefined {
  switch (requestType) {
    case "chat_completion":
    case "text_completion":
    case "responses":
      return "text";
    case "embedding":
      return "embedding";
    case "rerank":
      return "rerank";
    default:
      return undefined;
  }
}

const BEDROCK_REGION_PREFIX = /^(us|eu|apac|au|jp|ca|us-gov|global)\./;

function modelNames(family: string, model: string): string[] {
  if (family !== "bedrock") return [model];
  const profile = model.startsWith("arn:") ? model.slice(model.lastIndexOf("/") + 1) : model;
  const names = new Set([model, profile, profile.replace(BEDROCK_REGION_PREFIX, "")]);
  return [...names];
}

function irisProviderName(litellm: string): string {
  if (litellm === "vertex_ai" || litellm.startsWith("vertex_ai-")) return "vertex";
  return IRIS_PROVIDER_OF_LITELLM.get(litellm) ?? litellm;
}

/** `groq/llama-3.3-70b-versatile` of provider groq → model `llama-3.3-70b-versatile`; a prefix that names another provider is part of the model (`openai/gpt-4o` on openrouter). */
function splitKey(key: string, provider: string | undefined): { provider: string; model: string } {
  const slash = key.indexOf("/");
  if (slash <= 0) return { provider: provider ?? "", model: key };
  const prefix = irisProviderName(key.slice(0, slash));
  if (provider === undefined) return { provider: prefix, model: key.slice(slash + 1) };
  return prefix === provider ? { provider, model: key.slice(slash + 1) } : { provider, model: key };
}

function entryKey(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}
