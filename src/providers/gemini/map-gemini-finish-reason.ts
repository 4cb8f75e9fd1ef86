/** Gemini stops that mean "blocked by a filter" (safety, recitation, block lists, PII). */
const FILTERED: ReadonlySet<string> = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/**
 * Gemini finishReason → OpenAI finish_reason. Gemini says STOP after function calls, so the
 * caller tells whether the candidate called tools. Other reasons (LANGUAGE, OTHER, malformed
 * calls) have no OpenAI counterpart and read as a plain stop.
 */
export function mapGeminiFinishReason(reason: string | undefined, calledTools: boolean): string | null {
  if (reason === undefined || reason === "" || reason === "FINISH_REASON_UNSPECIFIED") return null;
  if (reason === "MAX_TOKENS") return "length";
  if (FILTERED.has(reason)) return "content_filter";
  return calledTools ? "tool_calls" : "stop";
}
