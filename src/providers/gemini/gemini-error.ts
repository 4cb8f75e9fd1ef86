import type { ErrorDetails } from "../../schema/error.js";
import { decodeUpstreamErrorBody } from "../upstream-error.js";

/**
 * Google's error body `{error: {code, message, status}}` → error details: the message kept, the
 * status (`RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, …) as the type, the numeric code as the code.
 * Vertex sometimes wraps the body in a one-element array.
 */
export function decodeGeminiError(status: number, bodyText: string): ErrorDetails {
  const trimmed = bodyText.trimStart();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.length > 0) return decodeUpstreamErrorBody(status, JSON.stringify(parsed[0]));
    } catch {
      // not JSON: the text itself is the message
    }
  }
  return decodeUpstreamErrorBody(status, bodyText);
}
