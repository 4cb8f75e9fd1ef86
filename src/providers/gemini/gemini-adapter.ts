import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import type { Operation } from "../../schema/request-type.js";
import type { BuiltUpstreamRequest, ProviderAdapter, ProviderCall } from "../types.js";
import { pathSegment, trustedPath, upstreamBase, upstreamUrl, withQuery, type UpstreamUrl } from "../upstream-url.js";
import { buildGeminiRequest } from "./build-gemini-request.js";
import { fromGeminiTokenCount, geminiCountTokensRequest } from "./count-tokens.js";
import { decodeGeminiResponse } from "./decode-gemini-response.js";
import { geminiStreamDecoder } from "./decode-gemini-stream.js";
import { decodeGeminiEmbeddings, geminiEmbeddingRequest } from "./gemini-embeddings.js";
import { decodeGeminiError } from "./gemini-error.js";
import { decodeGeminiModelList } from "./gemini-models.js";
import type { GeminiGenerateContentResponse } from "./gemini-types.js";

const GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";
const LIST_PAGE_SIZE = 1000;

const SUPPORTED: ReadonlySet<Operation> = new Set(["chat", "embedding", "list_models", "count_tokens"]);

/** The Gemini API (generativelanguage.googleapis.com), authenticated with an `x-goog-api-key`. */
export const geminiAdapter: ProviderAdapter = {
  name: "gemini",
  supports: (op) => SUPPORTED.has(op),
  buildRequest(call) {
    const models = upstreamUrl`${upstreamBase(call.settings.baseUrl ?? GEMINI_BASE_URL)}/v1beta/models`;
    const headers: Record<string, string> = { ...call.settings.extraHeaders, "x-goog-api-key": call.key.value };
    if (call.op === "list_models") return { method: "GET", url: withQuery(models, { pageSize: String(LIST_PAGE_SIZE) }), headers };
    const model = geminiModelName(call.model);
    const modelUrl = upstreamUrl`${models}/${pathSegment(model, "model")}`;
    headers["content-type"] = "application/json";
    if (call.op === "count_tokens") return geminiCountTokensRequest(call, modelUrl, model, headers);
    if (call.op === "embedding") return geminiEmbeddingsRequest(call, modelUrl, model, headers);
    return geminiChatRequest(call, modelUrl, headers);
  },
  decodeResponse(op, native, call) {
    if (op === "embedding") return decodeGeminiEmbeddings(native, call.model, call.body);
    if (op === "list_models") return decodeGeminiModelList(native);
    if (op === "count_tokens") return fromGeminiTokenCount(native);
    return decodeGeminiResponse(native as GeminiGenerateContentResponse, call.model);
  },
  streamDecoder: (_op, call) => geminiStreamDecoder(call.model),
  decodeError: decodeGeminiError,
};

/** POST `<modelUrl>:generateContent`, or `:streamGenerateContent?alt=sse` for streams. */
export function geminiChatRequest(call: ProviderCall, modelUrl: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const body = buildGeminiRequest(bodyOf(call) as ChatRequest, call.settings.name);
  const url = call.stream ? upstreamUrl`${modelUrl}:streamGenerateContent?alt=sse` : upstreamUrl`${modelUrl}:generateContent`;
  return { method: "POST", url, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** POST `<modelUrl>:embedContent` for one text, `:batchEmbedContents` for several. */
function geminiEmbeddingsRequest(call: ProviderCall, modelUrl: UpstreamUrl, model: string, headers: Record<string, string>): BuiltUpstreamRequest {
  const { method, body } = geminiEmbeddingRequest(bodyOf(call), model, call.settings.name);
  return { method: "POST", url: upstreamUrl`${modelUrl}:${trustedPath(method)}`, headers, body: JSON.stringify(body) };
}

/** Callers may write the model as Google does (`models/gemini-2.5-flash`). */
function geminiModelName(model: string): string {
  return model.replace(/^models\//, "");
}

export function bodyOf(call: ProviderCall): Record<string, unknown> {
  if (!call.body) throw failure({ status: 400, message: `${call.op} needs a request body` });
  return call.body;
}
