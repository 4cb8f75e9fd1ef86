import type { ChatRequest } from "../../schema/chat.js";
import type { EmbeddingRequest } from "../../schema/embedding.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import type { RerankRequest } from "../../schema/rerank.js";
import type { ProviderAdapter, ProviderCall } from "../types.js";
import { decodeUpstreamErrorBody } from "../upstream-error.js";
import { trustedPath, upstreamBase, upstreamUrl } from "../upstream-url.js";
import { convertToCohereEmbed, decodeCohereEmbedResponse } from "./cohere-embed.js";
import { convertToCohereRerank, decodeCohereRerankResponse } from "./cohere-rerank.js";
import type { CohereChatResponse, CohereEmbedResponse, CohereRerankResponse } from "./cohere-types.js";
import { convertToCohereChat } from "./convert-to-cohere-chat.js";
import { decodeCohereChatResponse } from "./decode-cohere-chat-response.js";
import { decodeCohereStream } from "./decode-cohere-stream.js";

const DEFAULT_BASE_URL = "https://api.cohere.com";

const PATHS: Partial<Record<Operation, string>> = {
  chat: "/v2/chat",
  embedding: "/v2/embed",
  rerank: "/v2/rerank",
};

/** Cohere's v2 API: chat (streaming as named SSE events), embed and rerank, with a bearer key. */
export const cohereAdapter: ProviderAdapter = {
  name: "cohere",
  supports: (op) => PATHS[op] !== undefined,
  buildRequest(call) {
    const base = upstreamBase(call.settings.baseUrl ?? DEFAULT_BASE_URL);
    const headers: Record<string, string> = { ...call.settings.extraHeaders, "content-type": "application/json" };
    if (call.key.value) headers["authorization"] = `Bearer ${call.key.value}`;
    return { method: "POST", url: upstreamUrl`${base}${trustedPath(PATHS[call.op] ?? "")}`, headers, body: JSON.stringify(nativeBody(call)) };
  },
  decodeResponse(op, native, call) {
    if (!isRecord(native)) return { value: native };
    switch (op) {
      case "embedding":
        return decodeCohereEmbedResponse(native as unknown as CohereEmbedResponse, call.model, call.body?.["encoding_format"] === "base64");
      case "rerank":
        return decodeCohereRerankResponse(native as unknown as CohereRerankResponse, call.model, call.body as RerankRequest | undefined);
      default:
        return decodeCohereChatResponse(native as unknown as CohereChatResponse, call.model);
    }
  },
  streamDecoder: (_op, call) => decodeCohereStream(call.model),
  decodeError: decodeUpstreamErrorBody,
};

/** The native body for one call; the builders throw a 400 GatewayFailure for what Cohere cannot do. */
function nativeBody(call: ProviderCall): object {
  const body: JsonObject = call.body ?? {};
  switch (call.op) {
    case "embedding":
      return convertToCohereEmbed(body as EmbeddingRequest, call.model);
    case "rerank":
      return convertToCohereRerank(body as RerankRequest, call.model);
    default:
      return convertToCohereChat(body as ChatRequest, call.model, call.stream);
  }
}
