import { DEFAULTS } from "../../config/defaults.js";
import type { KeySettings } from "../../config/types.js";
import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import type { ProviderAdapter, ProviderCall, UpstreamRequest } from "../types.js";
import { decodeUpstreamErrorBody } from "../upstream-error.js";
import { pathSegment, upstreamBase, upstreamUrl, type UpstreamUrl } from "../upstream-url.js";
import { decodeBedrockEmbedding, embeddingFamilyOf, toBedrockEmbeddingBody } from "./bedrock-embeddings.js";
import { toConverseRequest } from "./convert-to-bedrock-converse.js";
import { decodeBedrockResponse } from "./decode-bedrock-response.js";
import { bedrockStreamDecoder } from "./decode-bedrock-stream.js";
import { bedrockEventStreamFramer } from "./event-stream.js";
import { signAwsRequest } from "./sign-aws-request.js";

/** The SigV4 service name of Bedrock Runtime. */
const SIGNING_SERVICE = "bedrock";

/**
 * AWS Bedrock Runtime: chat through Converse / ConverseStream (binary event-stream responses),
 * embeddings through InvokeModel (Titan, Cohere). Requests are signed with SigV4 per attempt, or
 * carry a Bedrock API key as a bearer token when the key has no access key pair.
 */
export const bedrockAdapter: ProviderAdapter = {
  name: "bedrock",
  supports: (op) => op === "chat" || op === "embedding",
  deploymentFor: (model, key) => modelIdFor(model, key),
  buildRequest(call) {
    const modelId = modelIdFor(call.model, call.key);
    // The model id or ARN is one segment (`/` and `:` encoded), as AWS SDKs send and sign it.
    const modelRoot = upstreamUrl`${runtimeOrigin(call)}/model/${pathSegment(modelId, "model")}`;
    const headers = { ...call.settings.extraHeaders, "content-type": "application/json", accept: "application/json" };
    if (call.op === "embedding") {
      const family = embeddingFamilyOf(call.model, modelId);
      if (!family) {
        throw failure({
          status: 400,
          message: `bedrock embeddings support amazon.titan-embed-* and cohere.embed-* models (not ${call.model})`,
          param: "model",
        });
      }
      return { method: "POST", url: upstreamUrl`${modelRoot}/invoke`, headers, body: JSON.stringify(toBedrockEmbeddingBody(call.body ?? {}, family)) };
    }
    const converse = toConverseRequest(chatBodyOf(call), modelId);
    if (call.stream) headers.accept = "application/vnd.amazon.eventstream";
    const url = call.stream ? upstreamUrl`${modelRoot}/converse-stream` : upstreamUrl`${modelRoot}/converse`;
    return { method: "POST", url, headers, body: JSON.stringify(converse) };
  },
  authorize: (req, call) => Promise.resolve(authorizeBedrockRequest(req, call.key)),
  decodeResponse(op, native, call) {
    if (op === "embedding") {
      const family = embeddingFamilyOf(call.model, modelIdFor(call.model, call.key)) ?? "titan";
      return decodeBedrockEmbedding(native, family, call.model, call.body?.["encoding_format"] === "base64");
    }
    return decodeBedrockResponse(native, call.model);
  },
  streamDecoder: (_op, call) => bedrockStreamDecoder(call.model),
  streamFraming: bedrockEventStreamFramer,
  decodeError: decodeUpstreamErrorBody,
};

/** The model id in the URL: a key's deployment (inference profile) for the model, under the key's ARN when set. */
function modelIdFor(model: string, key: KeySettings): string {
  const deployment = key.bedrock?.deployments[model] ?? model;
  const arn = key.bedrock?.arn;
  if (!arn || deployment.startsWith("arn:")) return deployment;
  return `${arn.replace(/\/+$/, "")}/${deployment}`;
}

function regionOf(key: KeySettings): string {
  return key.bedrock?.region ?? DEFAULTS.bedrockRegion;
}

function runtimeOrigin(call: ProviderCall): UpstreamUrl {
  return upstreamBase(call.settings.baseUrl ?? `https://bedrock-runtime.${regionOf(call.key)}.amazonaws.com`);
}

function chatBodyOf(call: ProviderCall): ChatRequest {
  const body = call.body;
  if (!body || !Array.isArray(body["messages"])) throw failure({ status: 400, message: "messages is required", param: "messages" });
  return body as ChatRequest;
}

/** SigV4 with the key's access key pair (and session token), else the key's value as a Bedrock API key. */
export function authorizeBedrockRequest(req: UpstreamRequest, key: KeySettings, now?: Date): UpstreamRequest {
  const credentials = key.bedrock;
  if (credentials?.accessKey && credentials.secretKey) {
    return signAwsRequest(
      req,
      {
        accessKeyId: credentials.accessKey,
        secretAccessKey: credentials.secretKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
      { service: SIGNING_SERVICE, region: regionOf(key) },
      now,
    );
  }
  if (key.value) return { ...req, headers: { ...req.headers, authorization: `Bearer ${key.value}` } };
  throw failure({
    status: 401,
    message: `bedrock key '${key.name}' has no credentials: set bedrock_key_config.access_key and secret_key, or a Bedrock API key as value`,
  });
}
