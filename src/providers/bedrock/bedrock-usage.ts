import type { Usage } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";

/**
 * Converse token usage → canonical usage. Bedrock's `inputTokens` excludes prompt-cache reads and
 * writes (its `totalTokens` includes them); canonical `prompt_tokens` counts every prompt token, with
 * the cached part in `prompt_tokens_details`.
 */
export function canonicalUsageOf(native: unknown): Usage | undefined {
  if (!isRecord(native)) return undefined;
  const input = numberOr(native["inputTokens"], 0);
  const output = numberOr(native["outputTokens"], 0);
  const cacheRead = numberOrUndefined(native["cacheReadInputTokens"]);
  const cacheWrite = numberOrUndefined(native["cacheWriteInputTokens"]);
  const prompt = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: numberOr(native["totalTokens"], prompt + output),
  };
  if (cacheRead !== undefined || cacheWrite !== undefined) {
    usage.prompt_tokens_details = {
      ...(cacheRead !== undefined ? { cached_tokens: cacheRead } : {}),
      ...(cacheWrite !== undefined ? { cache_creation_tokens: cacheWrite } : {}),
    };
  }
  return usage;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}
