import type { ChatRequest } from "./chat.js";
import type { JsonObject } from "./json.js";
import { convertResponsesToChat } from "./convert-responses-to-chat.js";

/**
 * The canonical body of a `count_tokens` operation is what the caller's surface speaks: a Responses
 * request (`input`, `instructions`) from `/v1/responses/input_tokens`, or a canonical chat request
 * (`messages`) from the Anthropic and GenAI surfaces. Each counter converts at most once.
 */
export function isChatShapedCountBody(body: JsonObject): boolean {
  return Array.isArray(body["messages"]);
}

/** The body as a canonical chat request, for counters that speak chat (Anthropic, Gemini, the bundled tokenizer). */
export function countTokensBodyAsChat(body: JsonObject): ChatRequest {
  return isChatShapedCountBody(body) ? (body as ChatRequest) : convertResponsesToChat(body);
}
