import type { Engine } from "../engine.js";
import type { EngineResult } from "../engine-result.js";
import type { EngineRequest } from "../engine-request.js";
import { parseModelString, type ModelRef } from "../routing/model-string.js";
import { GatewayFailure, failure, type BifrostError } from "../../schema/error.js";
import type { ExtraFields } from "../../schema/extra-fields.js";
import type { JsonObject } from "../../schema/json.js";
import { loadTokenizer } from "./bundled-tokenizers.js";
import { chooseTokenizer, type TokenizerName } from "./choose-tokenizer.js";
import { countChatInputTokens } from "./count-input-tokens.js";
import { countTokensBodyAsChat } from "../../schema/count-tokens-body.js";

/** One count: the model as the caller wrote it, and the canonical count_tokens body (see count-tokens-body.ts). */
export type CountTokensRequest = Pick<EngineRequest, "defaultProvider" | "pinnedKey" | "forwardHeaders" | "sendBackRaw" | "signal"> & {
  model: string;
  body: JsonObject;
};

export interface CountTokensExtraFields extends ExtraFields {
  /** `provider`: the provider's own counting endpoint answered; `local`: the bundled tokenizer counted. */
  count_source: "provider" | "local";
  tokenizer?: TokenizerName;
  /** True when the tokenizer stands in for the model's own, or content it cannot read (images, PDFs) was estimated. */
  approximate?: boolean;
  /** Why a provider that has a counting endpoint was not used. */
  fallback_reason?: string;
}

export interface TokenCount {
  input_tokens: number;
  extra_fields: CountTokensExtraFields;
}

/** Upstream statuses that say the counting endpoint does not exist there (an Azure resource, a proxy). */
const ENDPOINT_MISSING_STATUSES: ReadonlySet<number> = new Set([404, 405, 501]);
/** A 404 about the model or deployment is the caller's mistake, not a missing endpoint. */
const UNKNOWN_MODEL = /model|deployment/i;

/**
 * Counts a request's input tokens: with the provider's own counting endpoint when it has one,
 * otherwise with the bundled tokenizer for the model's family (and `extra_fields` says which).
 */
export async function countTokens(engine: Engine, req: CountTokensRequest): Promise<TokenCount> {
  const started = performance.now();
  const ref = parseModelString(req.model, req.defaultProvider);
  if (ref && engine.providerNames.includes(ref.provider) && !engine.supports(ref.provider, "count_tokens")) {
    return countLocally(ref, req.body, started, undefined);
  }
  // Everything else goes to the engine: the provider's own count, or the engine's usual error for a bad model or an unconfigured provider.
  try {
    return providerCount(await engine.execute({ ...req, op: "count_tokens", stream: false }));
  } catch (err) {
    if (!ref || !(err instanceof GatewayFailure) || !endpointMissing(err.body)) throw err;
    return countLocally(ref, req.body, started, `${ref.provider} answered ${err.status} from its counting endpoint: ${err.body.error.message}`);
  }
}

function providerCount(result: EngineResult): TokenCount {
  if (result.kind !== "json") throw new Error("count_tokens answered with a stream");
  const tokens = result.body["input_tokens"];
  const extra = result.body["extra_fields"] as ExtraFields;
  if (typeof tokens !== "number") {
    throw failure({
      status: 502,
      message: `provider '${extra.provider}' answered its counting endpoint without a token count`,
      extra: { provider: extra.provider, request_type: "count_tokens" },
    });
  }
  return { input_tokens: tokens, extra_fields: { ...extra, count_source: "provider" } };
}

function endpointMissing(err: BifrostError): boolean {
  if (err.is_bifrost_error || !ENDPOINT_MISSING_STATUSES.has(err.status_code)) return false;
  return err.status_code !== 404 || !UNKNOWN_MODEL.test(`${err.error.code ?? ""} ${err.error.message}`);
}

async function countLocally(ref: ModelRef, body: JsonObject, started: number, fallbackReason: string | undefined): Promise<TokenCount> {
  const chat = countTokensBodyAsChat(body);
  const choice = chooseTokenizer(ref.model);
  const tokenizer = await loadTokenizer(choice.name);
  const count = countChatInputTokens(chat, tokenizer);
  const extra: CountTokensExtraFields = {
    request_type: "count_tokens",
    provider: ref.provider,
    model_requested: ref.model,
    latency: Math.round(performance.now() - started),
    chunk_index: 0,
    count_source: "local",
    tokenizer: tokenizer.name,
    approximate: !choice.ownTokenizer || count.estimatedContent,
  };
  if (fallbackReason) extra.fallback_reason = fallbackReason;
  return { input_tokens: count.tokens, extra_fields: extra };
}
