import type { BifrostError } from "../../schema/error.js";
import { bedrockExceptionForStatus } from "../../providers/bedrock/bedrock-exceptions.js";

export interface BedrockErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { message: string };
}

/**
 * A BifrostError in Bedrock's error shape: `{message}` with the exception name in
 * `x-amzn-errortype`, which is what the AWS SDKs read to raise ValidationException,
 * ThrottlingException, AccessDeniedException and the rest.
 */
export function bedrockErrorResponse(err: BifrostError): BedrockErrorResponse {
  return {
    status: err.status_code,
    headers: { "content-type": "application/json", "x-amzn-errortype": bedrockExceptionForStatus(err.status_code) },
    body: { message: err.error.message },
  };
}
