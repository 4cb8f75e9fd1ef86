import type { ChatRequest } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";
import type { AnthropicMessage } from "../anthropic/anthropic-types.js";
import { fromAnthropicMessage } from "../anthropic/convert-from-anthropic-message.js";
import { toAnthropicRequest } from "../anthropic/convert-to-anthropic-request.js";
import { decodeAnthropicStream } from "../anthropic/decode-anthropic-stream.js";
import type { BuiltUpstreamRequest, ChunkDecoder, ProviderCall } from "../types.js";
import { pathSegment, upstreamUrl, type UpstreamUrl } from "../upstream-url.js";

/** The Messages API version Vertex's Anthropic publisher expects in the body. */
const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** Claude models on Vertex are served by the Anthropic publisher, in Anthropic's own wire format. */
export function isVertexAnthropicModel(model: string): boolean {
  return model.startsWith("claude");
}

/**
 * POST `…/publishers/anthropic/models/{model}:rawPredict` (`:streamRawPredict` for streams) with an
 * Anthropic Messages body that names no model and carries `anthropic_version`.
 */
export function vertexAnthropicRequest(call: ProviderCall, locationUrl: UpstreamUrl, model: string, headers: Record<string, string>): BuiltUpstreamRequest {
  const { model: _named, ...messages } = toAnthropicRequest((call.body ?? {}) as ChatRequest, model, call.stream);
  const body = { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...messages };
  const modelUrl = upstreamUrl`${locationUrl}/publishers/anthropic/models/${pathSegment(model, "model")}`;
  return {
    method: "POST",
    url: call.stream ? upstreamUrl`${modelUrl}:streamRawPredict` : upstreamUrl`${modelUrl}:rawPredict`,
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

export function decodeVertexAnthropicResponse(native: unknown): Record<string, unknown> {
  if (!isRecord(native)) return { value: native };
  return fromAnthropicMessage(native as unknown as AnthropicMessage, Math.floor(Date.now() / 1000));
}

export function vertexAnthropicStreamDecoder(): ChunkDecoder {
  return decodeAnthropicStream();
}
