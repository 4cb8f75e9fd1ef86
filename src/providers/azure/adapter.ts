import { DEFAULTS } from "../../config/defaults.js";
import type { Operation } from "../../schema/request-type.js";
import { buildOpenAIRequest, decodeOpenAIResponse, isVerbatimOpenAIResponse, openAIStreamDecoder } from "../openai/adapter.js";
import { openAIQuirks } from "../openai/openai-quirks.js";
import type { ProviderAdapter, ProviderCall } from "../types.js";
import { decodeUpstreamErrorBody } from "../upstream-error.js";
import { pathSegment, upstreamBase, upstreamUrl, type UpstreamUrl } from "../upstream-url.js";

/** Operations served from a deployment path; the rest use Azure's `/openai/v1` surface. */
const DEPLOYMENT_OPERATIONS: ReadonlySet<Operation> = new Set([
  "chat",
  "text_completion",
  "embedding",
  "speech",
  "image_generation",
  "transcription",
  "image_edit",
]);

/**
 * Azure OpenAI: the OpenAI wire format under per-key endpoints and deployments, with an
 * `api-key` header and an `api-version` query parameter.
 */
export const azureAdapter: ProviderAdapter = {
  name: "azure",
  supports: (op) => op !== "rerank",
  deploymentFor: (model, key) => key.azure?.deployments[model] ?? model,
  buildRequest(call) {
    const endpoint = endpointOf(call);
    const headers = { "api-key": call.key.value };
    const apiVersion = { "api-version": call.key.azure?.apiVersion ?? DEFAULTS.azureApiVersion };
    if (DEPLOYMENT_OPERATIONS.has(call.op)) {
      const apiRoot = upstreamUrl`${endpoint}/openai/deployments/${pathSegment(deploymentOf(call), "model")}`;
      return buildOpenAIRequest(call, apiRoot, headers, openAIQuirks, apiVersion);
    }
    if (call.op === "list_models") return buildOpenAIRequest(call, upstreamUrl`${endpoint}/openai`, headers, openAIQuirks, apiVersion);
    return buildOpenAIRequest({ ...call, model: deploymentOf(call) }, upstreamUrl`${endpoint}/openai/v1`, headers, openAIQuirks);
  },
  decodeResponse: (op, native, call) => decodeOpenAIResponse(op, native, call, openAIQuirks),
  verbatimResponse: (op, text, call) => isVerbatimOpenAIResponse(op, text, call, openAIQuirks),
  streamDecoder: (op, call) => openAIStreamDecoder(op, openAIQuirks, call),
  decodeError: decodeUpstreamErrorBody,
};

function deploymentOf(call: ProviderCall): string {
  return call.key.azure?.deployments[call.model] ?? call.model;
}

export function endpointOf(call: ProviderCall): UpstreamUrl {
  const endpoint = call.key.azure?.endpoint ?? call.settings.baseUrl;
  // Config validation requires an endpoint per Azure key or a provider base_url.
  if (!endpoint) throw new Error("azure key has no endpoint");
  return upstreamBase(endpoint);
}
