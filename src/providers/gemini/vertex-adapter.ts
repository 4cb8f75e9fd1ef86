import type { KeySettings, VertexKeySettings } from "../../config/types.js";
import { failure } from "../../schema/error.js";
import type { Operation } from "../../schema/request-type.js";
import type { ProviderAdapter, ProviderCall } from "../types.js";
import { pathSegment, upstreamBase, upstreamUrl, type UpstreamUrl } from "../upstream-url.js";
import { decodeGeminiResponse } from "./decode-gemini-response.js";
import { geminiStreamDecoder } from "./decode-gemini-stream.js";
import { bodyOf, geminiChatRequest } from "./gemini-adapter.js";
import { decodeVertexEmbeddings, vertexEmbeddingRequest } from "./gemini-embeddings.js";
import { decodeGeminiError } from "./gemini-error.js";
import type { GeminiGenerateContentResponse } from "./gemini-types.js";
import { decodeVertexAnthropicResponse, isVertexAnthropicModel, vertexAnthropicRequest, vertexAnthropicStreamDecoder } from "./vertex-anthropic.js";
import { vertexAccessToken } from "./vertex-auth.js";

const SUPPORTED: ReadonlySet<Operation> = new Set(["chat", "embedding"]);
const ENDPOINT_ID = /^\d+$/;

/**
 * Vertex AI: Gemini's wire format under a project and region (Claude models in Anthropic's format
 * from the Anthropic publisher), authenticated with an OAuth2 access token from the key's service
 * account, or the key's value used as an access token.
 */
export const vertexAdapter: ProviderAdapter = {
  name: "vertex",
  supports: (op) => SUPPORTED.has(op),
  deploymentFor: (model, key) => key.vertex?.deployments[model] ?? model,
  buildRequest(call) {
    const headers = { ...call.settings.extraHeaders };
    const location = vertexLocationUrl(call);
    const deployment = deploymentOf(call);
    if (call.op === "chat" && isVertexAnthropicModel(deployment)) return vertexAnthropicRequest(call, location, deployment, headers);
    const model = pathSegment(deployment, "model");
    const modelUrl = ENDPOINT_ID.test(deployment) ? upstreamUrl`${location}/endpoints/${model}` : upstreamUrl`${location}/publishers/google/models/${model}`;
    if (call.op === "embedding") {
      const body = vertexEmbeddingRequest(bodyOf(call), call.settings.name);
      return { method: "POST", url: upstreamUrl`${modelUrl}:predict`, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) };
    }
    return geminiChatRequest(call, modelUrl, headers);
  },
  async authorize(req, call) {
    const vertex = vertexKeyOf(call.key);
    const token = vertex.credentials ? await vertexAccessToken(vertex, call.settings.timeoutMs) : call.key.value;
    if (!token) throw failure({ status: 401, message: `vertex key '${call.key.name}' has neither auth_credentials nor an access token value` });
    return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
  },
  decodeResponse(op, native, call) {
    if (op === "embedding") return decodeVertexEmbeddings(native, call.model, call.body);
    if (isVertexAnthropicModel(deploymentOf(call))) return decodeVertexAnthropicResponse(native);
    return decodeGeminiResponse(native as GeminiGenerateContentResponse, call.model);
  },
  streamDecoder: (_op, call) => (isVertexAnthropicModel(deploymentOf(call)) ? vertexAnthropicStreamDecoder() : geminiStreamDecoder(call.model)),
  decodeError: decodeGeminiError,
};

/**
 * `https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}` (`global` is
 * served from aiplatform.googleapis.com); `network_config.base_url` replaces the origin.
 */
function vertexLocationUrl(call: ProviderCall): UpstreamUrl {
  const vertex = vertexKeyOf(call.key);
  const origin = upstreamBase(call.settings.baseUrl ?? defaultOrigin(vertex.region));
  return upstreamUrl`${origin}/v1/projects/${pathSegment(vertex.projectId, "project_id")}/locations/${pathSegment(vertex.region, "region")}`;
}

/** The key's deployment for the model: another model name, or a numeric tuned-model endpoint id. */
function deploymentOf(call: ProviderCall): string {
  return call.key.vertex?.deployments[call.model] ?? call.model;
}

function defaultOrigin(region: string): string {
  return region === "global" ? "https://aiplatform.googleapis.com" : `https://${region}-aiplatform.googleapis.com`;
}

function vertexKeyOf(key: KeySettings): VertexKeySettings {
  if (!key.vertex) throw failure({ status: 400, message: `vertex key '${key.name}' has no vertex_key_config (project_id, region, auth_credentials)` });
  return key.vertex;
}
