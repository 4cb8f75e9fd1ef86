import type { ChatRequest } from "../../schema/chat.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import { countTokensBodyAsChat } from "../../schema/count-tokens-body.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { upstreamUrl, type UpstreamUrl } from "../upstream-url.js";
import { buildGeminiRequest } from "./build-gemini-request.js";

/**
 * `POST models/{model}:countTokens`. The request goes as `generateContentRequest` (not bare
 * `contents`) so the system instruction and tools are counted too.
 */
export function geminiCountTokensRequest(call: ProviderCall, modelUrl: UpstreamUrl, model: string, headers: Record<string, string>): BuiltUpstreamRequest {
  const chat: ChatRequest = countTokensBodyAsChat(call.body ?? {});
  const body = { generateContentRequest: { model: `models/${model}`, ...buildGeminiRequest(chat, call.settings.name) } };
  return { method: "POST", url: upstreamUrl`${modelUrl}:countTokens`, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** `{totalTokens}` → the canonical count. Google leaves zero-valued fields out, so a missing total is 0. */
export function fromGeminiTokenCount(native: unknown): JsonObject {
  const total = isRecord(native) ? native["totalTokens"] : undefined;
  return { object: "response.input_tokens", input_tokens: typeof total === "number" ? total : 0 };
}
