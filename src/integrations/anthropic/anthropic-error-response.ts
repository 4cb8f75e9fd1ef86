import type { BifrostError } from "../../schema/error.js";
import { ANTHROPIC_ERROR_STATUS, anthropicErrorTypeFor } from "../../providers/anthropic/anthropic-error-types.js";
import type { AnthropicErrorBody } from "../../providers/anthropic/anthropic-types.js";

/**
 * A BifrostError as Anthropic would have answered it: `{type:'error', error:{type, message}}`.
 * An Anthropic upstream's own type is kept when it belongs to the status (other providers reuse
 * names like `invalid_request_error` for any status); otherwise the type follows the status.
 */
export function anthropicErrorBody(err: BifrostError): AnthropicErrorBody {
  const own = err.error.type;
  const keepsOwn = Object.hasOwn(ANTHROPIC_ERROR_STATUS, own) && ANTHROPIC_ERROR_STATUS[own] === err.status_code;
  return { type: "error", error: { type: keepsOwn ? own : anthropicErrorTypeFor(err.status_code), message: err.error.message } };
}
