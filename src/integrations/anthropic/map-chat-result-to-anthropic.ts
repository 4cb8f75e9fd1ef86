import { isRecord } from "../../schema/json.js";
import type { AnthropicStopReason, AnthropicUsage } from "../../providers/anthropic/anthropic-types.js";

/** OpenAI `finish_reason` → Anthropic `stop_reason`. */
export function mapFinishReasonToAnthropic(reason: unknown): AnthropicStopReason {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}

/**
 * Canonical usage → Anthropic usage: OpenAI's `prompt_tokens` includes cached tokens, Anthropic's
 * `input_tokens` does not, so cache reads and writes are taken out and reported on their own.
 */
export function mapUsageToAnthropic(
  usage: unknown,
): Required<Pick<AnthropicUsage, "input_tokens" | "output_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens">> {
  const u = isRecord(usage) ? usage : {};
  const details = isRecord(u["prompt_tokens_details"]) ? u["prompt_tokens_details"] : {};
  const cacheRead = numberOr(details["cached_tokens"]);
  const cacheWrite = numberOr(details["cache_creation_tokens"]);
  return {
    input_tokens: Math.max(0, numberOr(u["prompt_tokens"]) - cacheRead - cacheWrite),
    output_tokens: numberOr(u["completion_tokens"]),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

function numberOr(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
