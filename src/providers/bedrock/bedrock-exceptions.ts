import type { BedrockStreamExceptionType } from "./types.js";
/**
 * Bedrock's exception names and their HTTP statuses. Top-level errors name the exception in the
 * `x-amzn-errortype` header (PascalCase); errors inside a ConverseStream are event-stream messages
 * with `:message-type: exception` and a camelCase `:exception-type`.
 */

const STATUS_BY_EXCEPTION: Readonly<Record<string, number>> = {
  validationexception: 400,
  accessdeniedexception: 403,
  resourcenotfoundexception: 404,
  modeltimeoutexception: 408,
  modelnotreadyexception: 429,
  throttlingexception: 429,
  servicequotaexceededexception: 429,
  modelerrorexception: 424,
  modelstreamerrorexception: 424,
  internalserverexception: 500,
  serviceunavailableexception: 503,
};

/** HTTP status for a Bedrock exception name (either spelling); unknown names are server errors. */
export function statusOfBedrockException(name: string): number {
  return STATUS_BY_EXCEPTION[name.toLowerCase()] ?? 500;
}

/** The exception a Bedrock SDK raises for an HTTP status (`x-amzn-errortype`). */
export function bedrockExceptionForStatus(status: number): string {
  if (status === 401 || status === 403) return "AccessDeniedException";
  if (status === 404) return "ResourceNotFoundException";
  if (status === 408 || status === 504) return "ModelTimeoutException";
  if (status === 424) return "ModelErrorException";
  if (status === 429) return "ThrottlingException";
  if (status === 503) return "ServiceUnavailableException";
  if (status >= 500) return "InternalServerException";
  return "ValidationException";
}

/** The exception a ConverseStream carries mid-stream for an HTTP status (the five the stream models). */
export function bedrockStreamExceptionForStatus(status: number): BedrockStreamExceptionType {
  if (status === 429) return "throttlingException";
  if (status === 503) return "serviceUnavailableException";
  if (status === 424) return "modelStreamErrorException";
  if (status >= 400 && status < 500) return "validationException";
  return "internalServerException";
}
