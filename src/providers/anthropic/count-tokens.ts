import { isRecord, type JsonObject } from "../../schema/json.js";
import { countTokensBodyAsChat } from "../../schema/count-tokens-body.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { upstreamUrl, type UpstreamUrl } from "../upstream-url.js";
import type { AnthropicMessagesRequest } from "./anthropic-types.js";
import { toAnthropicRequest } from "./convert-to-anthropic-request.js";

/** The Messages fields `POST /v1/messages/count_tokens` takes; sampling and length settings are refused there. */
const COUNTED_FIELDS: ReadonlyArray<keyof AnthropicMessagesRequest> = ["model", "messages", "system", "tools", "tool_choice", "thinking", "output_config"];

/** Anthropic's token counting: the Messages request it would send, cut down to what counting accepts. */
export function anthropicCountTokensRequest(call: ProviderCall, base: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const full = toAnthropicRequest(countTokensBodyAsChat(call.body ?? {}), call.model, false);
  const body: Partial<AnthropicMessagesRequest> = {};
  for (const field of COUNTED_FIELDS) if (full[field] !== undefined) Object.assign(body, { [field]: full[field] });
  return {
    method: "POST",
    url: upstreamUrl`${base}/v1/messages/count_tokens`,
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** `{input_tokens}` → the canonical count (OpenAI's `response.input_tokens` object). */
export function fromAnthropicTokenCount(native: unknown): JsonObject {
  return { object: "response.input_tokens", input_tokens: isRecord(native) ? native["input_tokens"] : undefined };
}
