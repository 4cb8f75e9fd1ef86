import type { BifrostError } from "../../schema/error.js";
import type { RequestType } from "../../schema/request-type.js";

/**
 * The `error_type` label of `bifrost_error_requests_total`: Bifrost's closed vocabulary of why a
 * request failed (core/schemas/errors.go ClassifyErrorType), worked out the same way — a wire
 * marker first, then the status code, then who made the error.
 */
export type ErrorType =
  | "caller_model_unknown"
  | "caller_invalid_request"
  | "caller_cancelled"
  | "provider_auth_failed"
  | "provider_billing"
  | "provider_rate_limited"
  | "provider_overloaded"
  | "provider_server_error"
  | "provider_timeout"
  | "provider_connection_failed"
  | "bifrost_dropped"
  | "bifrost_internal"
  | "_OTHER";

/** Error `type` markers: Bifrost's wire values, and the ones Iris's engine writes for the same failures. */
const MARKERS: Readonly<Record<string, ErrorType>> = {
  request_cancelled: "caller_cancelled",
  request_timed_out: "provider_timeout",
  request_dropped: "bifrost_dropped",
  provider_connection_failed: "provider_connection_failed",
  network_error: "provider_connection_failed",
};

/** Request types whose only addressable resource is the model, so a 404 can only mean an unknown model. */
const MODEL_ADDRESSED = new Set<RequestType>([
  "text_completion",
  "text_completion_stream",
  "embedding",
  "speech",
  "speech_stream",
  "transcription",
  "transcription_stream",
  "image_generation",
  "image_generation_stream",
  "rerank",
  "count_tokens",
]);

export function classifyErrorType(error: BifrostError, requestType: RequestType): ErrorType {
  const marked = MARKERS[error.type] ?? MARKERS[error.error.type];
  if (marked) return marked;
  const status = error.status_code;
  // The engine's only own 429 is a provider queue that is full: the request was shed, not rate-limited upstream.
  if (status === 429 && error.is_bifrost_error) return "bifrost_dropped";
  const byStatus = classifyStatus(status, requestType);
  if (byStatus) return byStatus;
  return error.is_bifrost_error ? "bifrost_internal" : "_OTHER";
}

function classifyStatus(status: number, requestType: RequestType): ErrorType | undefined {
  if (status === 401 || status === 403) return "provider_auth_failed";
  if (status === 402) return "provider_billing";
  if (status === 429) return "provider_rate_limited";
  if (status === 404) return MODEL_ADDRESSED.has(requestType) ? "caller_model_unknown" : "caller_invalid_request";
  if (status === 499) return "caller_cancelled";
  if (status === 503 || status === 529) return "provider_overloaded";
  if (status === 504) return "provider_timeout";
  if (status >= 400 && status < 500) return "caller_invalid_request";
  if (status >= 500) return "provider_server_error";
  return undefined;
}
