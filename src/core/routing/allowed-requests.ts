import type { RequestType } from "../../schema/request-type.js";

const RESPONSES_LIFECYCLE: readonly RequestType[] = ["responses_retrieve", "responses_delete", "responses_cancel", "responses_input_items"];

/**
 * Whether a custom provider's `allowed_requests` lets a request type through, as Bifrost reads it:
 * only the types set to true pass. The Responses lifecycle verbs follow `responses` unless any of
 * them is named, and then each needs its own flag.
 */
export function isRequestAllowed(allowed: ReadonlySet<string>, type: RequestType): boolean {
  if (allowed.has(type)) return true;
  if (!RESPONSES_LIFECYCLE.includes(type)) return false;
  return !RESPONSES_LIFECYCLE.some((verb) => allowed.has(verb)) && allowed.has("responses");
}
