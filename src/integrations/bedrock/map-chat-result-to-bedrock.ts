import { isRecord } from "../../schema/json.js";
import type { BedrockStopReason, BedrockTokenUsage } from "../../providers/bedrock/types.js";

/** OpenAI `finish_reason` → Converse `stopReason`. */
export function mapFinishReasonToBedrock(reason: unknown): BedrockStopReason {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "content_filtered";
    default:
      return "end_turn";
  }
}

/**
 * Canonical usage → Converse usage: `prompt_tokens` includes cached tokens, Bedrock's `inputTokens`
 * does not, so cache reads and writes are taken out and reported on their own.
 */
export function mapUsageToBedrock(usage: unknown): BedrockTokenUsage {
  const u = isRecord(usage) ? usage : {};
  const details = isRecord(u["prompt_tokens_details"]) ? u["prompt_tokens_details"] : {};
  const cacheRead = numberOr(details["cached_tokens"]);
  const cacheWrite = numberOr(details["cache_creation_tokens"]);
  const prompt = numberOr(u["prompt_tokens"]);
  const completion = numberOr(u["completion_tokens"]);
  return {
    inputTokens: Math.max(0, prompt - cacheRead - cacheWrite),
    outputTokens: completion,
    totalTokens: typeof u["total_tokens"] === "number" ? u["total_tokens"] : prompt + completion,
    ...(cacheRead > 0 || cacheWrite > 0 ? { cacheReadInputTokens: cacheRead, cacheWriteInputTokens: cacheWrite } : {}),
  };
}

function numberOr(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Milliseconds the gateway measured, from a response's or chunk's `extra_fields.latency`. */
export function latencyOf(body: unknown): number {
  const extra = isRecord(body) ? body["extra_fields"] : undefined;
  return isRecord(extra) ? numberOr(extra["latency"]) : 0;
}
