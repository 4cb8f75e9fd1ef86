import type { CohereFinishReason } from "./cohere-types.js";

/**
 * Cohere's finish reason → OpenAI's. `ERROR_TOXIC` / `ERROR_LIMIT` are v1 names Cohere still documents;
 * `ERROR` and `TIMEOUT` have no OpenAI equivalent and are passed on lower-cased rather than disguised as `stop`.
 */
export function mapCohereFinishReason(reason: string | undefined): string | null {
  switch (reason) {
    case undefined:
      return null;
    case "COMPLETE":
    case "STOP_SEQUENCE":
      return "stop";
    case "MAX_TOKENS":
    case "ERROR_LIMIT":
      return "length";
    case "TOOL_CALL":
      return "tool_calls";
    case "ERROR_TOXIC":
      return "content_filter";
    default:
      return reason.toLowerCase();
  }
}

/** OpenAI's finish reason → Cohere's, for the `/cohere` surface. */
export function toCohereFinishReason(reason: string | null | undefined): CohereFinishReason {
  switch (reason) {
    case "length":
      return "MAX_TOKENS";
    case "tool_calls":
    case "function_call":
      return "TOOL_CALL";
    case "content_filter":
    case "error":
      return "ERROR";
    case "timeout":
      return "TIMEOUT";
    default:
      return "COMPLETE";
  }
}
