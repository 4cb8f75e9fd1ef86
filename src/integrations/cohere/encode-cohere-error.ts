import type { BifrostError } from "../../schema/error.js";
import type { CohereErrorBody } from "../../providers/cohere/cohere-types.js";

/** A gateway error in Cohere's shape (`{id, message}`), answered with the error's own status. */
export function encodeCohereError(err: BifrostError): { status: number; body: CohereErrorBody } {
  return { status: err.status_code, body: { id: err.event_id, message: err.error.message } };
}
