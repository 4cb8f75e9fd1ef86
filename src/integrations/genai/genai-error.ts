import type { GeminiErrorBody } from "../../providers/gemini/gemini-types.js";
import type { BifrostError } from "../../schema/error.js";

/** Google's canonical status names for HTTP codes (google.rpc.Code). */
const GOOGLE_STATUS: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const GOOGLE_STATUS_NAMES = new Set(Object.values(GOOGLE_STATUS));

/**
 * A BifrostError → Google's error body. The status name is Google's own when the error came from
 * Gemini (kept as the error type), else the one Google uses for the HTTP code.
 */
export function toGenaiError(err: BifrostError): GeminiErrorBody {
  const code = err.status_code;
  const status = GOOGLE_STATUS_NAMES.has(err.error.type) ? err.error.type : (GOOGLE_STATUS[code] ?? (code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"));
  return { error: { code, message: err.error.message, status } };
}
