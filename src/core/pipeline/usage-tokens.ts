import { isRecord, type JsonObject } from "../../schema/json.js";

/**
 * Token counts from an attempt's canonical usage, whichever family of names it carries: chat,
 * completions and embeddings say `prompt_tokens` / `completion_tokens`; Responses says
 * `input_tokens` / `output_tokens`. A count the usage does not carry is 0.
 */
export interface UsageTokens {
  input: number;
  output: number;
  /** Prompt tokens read from the provider's prompt cache. */
  cacheRead: number;
  /** Prompt tokens written to it (Anthropic, Bedrock). */
  cacheWrite: number;
}

export function usageTokensOf(usage: JsonObject): UsageTokens {
  const details = usage["prompt_tokens_details"] ?? usage["input_tokens_details"];
  return {
    input: count(usage["prompt_tokens"] ?? usage["input_tokens"]),
    output: count(usage["completion_tokens"] ?? usage["output_tokens"]),
    cacheRead: isRecord(details) ? count(details["cached_tokens"]) : 0,
    cacheWrite: isRecord(details) ? count(details["cache_creation_tokens"]) : 0,
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
