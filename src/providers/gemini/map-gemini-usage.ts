import type { Usage } from "../../schema/chat.js";
import type { GeminiUsageMetadata } from "./gemini-types.js";

/**
 * Gemini usageMetadata → canonical usage. Completion tokens include thinking tokens (as OpenAI
 * counts reasoning), reported again as `reasoning_tokens`; cached prompt tokens as `cached_tokens`.
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata): Usage {
  const prompt = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const thoughts = usage.thoughtsTokenCount;
  const completion = (usage.candidatesTokenCount ?? 0) + (thoughts ?? 0);
  const mapped: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
  };
  if (usage.cachedContentTokenCount !== undefined) mapped.prompt_tokens_details = { cached_tokens: usage.cachedContentTokenCount };
  if (thoughts !== undefined) mapped.completion_tokens_details = { reasoning_tokens: thoughts };
  return mapped;
}
