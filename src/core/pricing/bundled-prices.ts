import { calcPrice, type ConditionalPrice, type ModelPrice, type TieredPrices } from "@pydantic/genai-prices";
import type { PriceConstraint, PriceSchedule, PriceSheet, TokenRate } from "./price-sheet.js";

/**
 * The price table bundled with `@pydantic/genai-prices`, read through its model matching (dated
 * names, Bedrock region prefixes, Azure's fallback to the OpenAI and Anthropic tables, Claude on
 * Vertex) and turned into a price schedule once per model, so pricing a request never runs the
 * library's general unit calculation (about 15 µs a call) on the way.
 */

/**
 * Iris provider (or a custom provider's base family) → the table's provider id. Not here, so
 * unpriced by the bundled table: nebius, parasail and huggingface (the table has no prices for
 * them) and the self-hosted ollama, vllm and sgl.
 */
const TABLE_PROVIDER_IDS: ReadonlyMap<string, string> = new Map([
  ["openai", "openai"],
  ["azure", "azure"],
  ["anthropic", "anthropic"],
  ["gemini", "google"],
  ["vertex", "google"],
  ["bedrock", "aws"],
  ["cohere", "cohere"],
  ["groq", "groq"],
  ["cerebras", "cerebras"],
  ["xai", "x-ai"],
  ["openrouter", "openrouter"],
  ["fireworks", "fireworks"],
  ["perplexity", "perplexity"],
  ["mistral", "mistral"],
  ["deepseek", "deepseek"],
]);

/** No tokens: the call only resolves the model; its price is read from the model it found. */
const NO_USAGE = { input_tokens: 0, output_tokens: 0 };

/** The bundled prices of `model` as `provider` serves it, or undefined when the table has none. */
export function bundledSchedule(provider: string, model: string): PriceSchedule | undefined {
  const providerId = TABLE_PROVIDER_IDS.get(provider);
  if (providerId === undefined) return undefined;
  let found;
  try {
    found = calcPrice(NO_USAGE, withoutArnPrefix(model), { providerId });
  } catch {
    // The library validates the prices it finds; a model it cannot price is unpriced here too.
    return undefined;
  }
  if (!found) return undefined;
  const prices = found.model.prices;
  return Array.isArray(prices) ? conditionalSchedule(prices) : oneSheet(sheetOfModelPrice(prices));
}

/** A Bedrock inference-profile ARN names the model after its last slash (`…:inference-profile/us.anthropic.claude…`). */
function withoutArnPrefix(model: string): string {
  return model.startsWith("arn:") ? model.slice(model.lastIndexOf("/") + 1) : model;
}

function oneSheet(sheet: PriceSheet | undefined): PriceSchedule | undefined {
  return sheet ? [{ sheet }] : undefined;
}

function conditionalSchedule(prices: readonly ConditionalPrice[]): PriceSchedule | undefined {
  const schedule = prices.flatMap(({ constraint, prices: modelPrice }) => {
    const sheet = sheetOfModelPrice(modelPrice);
    if (!sheet) return [];
    if (!constraint) return [{ sheet }];
    const when = constraintOf(constraint);
    // A constraint this code cannot read must not turn into "always".
    return when ? [{ when, sheet }] : [];
  });
  return schedule.length > 0 ? schedule : undefined;
}

function constraintOf(constraint: NonNullable<ConditionalPrice["constraint"]>): PriceConstraint | undefined {
  if ("start_date" in constraint) {
    const startsAt = Date.parse(`${constraint.start_date}T00:00:00Z`);
    return Number.isNaN(startsAt) ? undefined : { kind: "from", startsAt };
  }
  const startSecond = secondOfUtcDay(constraint.start_time);
  const endSecond = secondOfUtcDay(constraint.end_time);
  return startSecond === undefined || endSecond === undefined ? undefined : { kind: "daily", startSecond, endSecond };
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` → seconds since UTC midnight. */
function secondOfUtcDay(time: string): number | undefined {
  const match = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!match) return undefined;
  const local = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  const offset = match[4] === "Z" ? 0 : (match[5] === "-" ? -1 : 1) * (Number(match[6]) * 3600 + Number(match[7]) * 60);
  return (((local - offset) % 86_400) + 86_400) % 86_400;
}

/** The token and request prices of one of the table's model prices; other units (audio, images, searches) Iris has no usage for. */
function sheetOfModelPrice(price: ModelPrice): PriceSheet | undefined {
  const input = rateOf(price["input_mtok"]);
  if (!input) return undefined;
  const sheet: PriceSheet = { input };
  const output = rateOf(price["output_mtok"]);
  const cacheRead = rateOf(price["cache_read_mtok"]);
  const cacheWrite = rateOf(price["cache_write_mtok"]);
  const reasoning = rateOf(price["output_reasoning_mtok"]);
  const requestsPerThousand = price["requests_kcount"];
  if (output) sheet.output = output;
  if (cacheRead) sheet.cacheRead = cacheRead;
  if (cacheWrite) sheet.cacheWrite = cacheWrite;
  if (reasoning) sheet.reasoning = reasoning;
  if (typeof requestsPerThousand === "number") sheet.perRequest = requestsPerThousand / 1000;
  return sheet;
}

function rateOf(price: number | TieredPrices | undefined): TokenRate | undefined {
  if (price === undefined) return undefined;
  if (typeof price === "number") return { base: price, tiers: [] };
  return { base: price.base, tiers: price.tiers.map((tier) => ({ above: tier.start, rate: tier.price })).sort((a, b) => a.above - b.above) };
}
