import type { Usage } from "../../schema/chat.js";
import type { AnthropicUsage } from "./anthropic-types.js";

/**
 * Anthropic usage → canonical usage. Anthropic's `input_tokens` excludes cached tokens while
 * OpenAI's `prompt_tokens` includes them, so cache reads and writes are added back and reported
 * in the details.
 */
export function mapAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage.output_tokens ?? 0;
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
  };
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (typeof thinking === "number") out.completion_tokens_details = { reasoning_tokens: thinking };
  return out;
}

/** Later usage counters overwrite earlier ones (message_delta repeats message_start's totals). */
export function mergeAnthropicUsage(base: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...base };
  for (const [name, value] of Object.entries(update)) if (value !== null && value !== undefined) merged[name] = value;
  return merged;
}
