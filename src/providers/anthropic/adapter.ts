import { DEFAULTS } from "../../config/defaults.js";
import type { ChatRequest } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import type { BuiltUpstreamRequest, ProviderAdapter, ProviderCall } from "../types.js";
import { decodeUpstreamErrorBody } from "../upstream-error.js";
import { upstreamBase, upstreamUrl, withQuery, type UpstreamUrl } from "../upstream-url.js";
import type { AnthropicMessage } from "./anthropic-types.js";
import { fromAnthropicMessage } from "./convert-from-anthropic-message.js";
import { fromAnthropicModelList } from "./convert-from-anthropic-models.js";
import { toAnthropicRequest } from "./convert-to-anthropic-request.js";
import { anthropicCountTokensRequest, fromAnthropicTokenCount } from "./count-tokens.js";
import { decodeAnthropicStream } from "./decode-anthropic-stream.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com";
/** Anthropic's page size ceiling for `GET /v1/models`. */
const MODEL_PAGE_SIZE = 1000;

const SUPPORTED: ReadonlySet<Operation> = new Set(["chat", "list_models", "count_tokens"]);

/**
 * Anthropic Messages API: `x-api-key` + `anthropic-version` headers, `/v1/messages` for chat (JSON
 * or SSE), `/v1/models` for the model list. `anthropic-beta` reaches Anthropic as a forwarded header.
 */
export const anthropicAdapter: ProviderAdapter = {
  name: "anthropic",
  supports: (op) => SUPPORTED.has(op),
  buildRequest(call) {
    const base = upstreamBase(call.settings.baseUrl ?? DEFAULT_BASE_URL);
    const headers: Record<string, string> = {
      "anthropic-version": DEFAULTS.anthropicVersion,
      ...call.settings.extraHeaders,
      "x-api-key": call.key.value,
    };
    if (call.op === "list_models") return { method: "GET", url: withQuery(upstreamUrl`${base}/v1/models`, { limit: String(MODEL_PAGE_SIZE) }), headers };
    if (call.op === "count_tokens") return anthropicCountTokensRequest(call, base, headers);
    return messagesRequest(call, base, headers);
  },
  decodeResponse(op, native) {
    if (op === "list_models") return fromAnthropicModelList(native);
    if (op === "count_tokens") return fromAnthropicTokenCount(native);
    if (!isRecord(native)) return { value: native };
    return fromAnthropicMessage(native as unknown as AnthropicMessage, Math.floor(Date.now() / 1000));
  },
  streamDecoder: () => decodeAnthropicStream(),
  decodeError: decodeUpstreamErrorBody,
};

function messagesRequest(call: ProviderCall, base: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const body = toAnthropicRequest((call.body ?? {}) as ChatRequest, call.model, call.stream);
  headers["content-type"] = "application/json";
  return { method: "POST", url: upstreamUrl`${base}/v1/messages`, headers, body: JSON.stringify(body) };
}
