import { randomUUID } from "node:crypto";
import { z } from "zod";
import { encodeEmbeddingBase64, type EmbeddingRequest } from "../../schema/embedding.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { CohereEmbedResponse } from "../../providers/cohere/cohere-types.js";
import { parseCohereBody } from "./parse-cohere-body.js";

/** Embedding types the gateway can produce from float vectors (base64 = little-endian float32, like OpenAI's). */
const PRODUCIBLE_TYPES = new Set(["float", "base64"]);

const cohereEmbedSchema = z.looseObject({
  model: z.string({ message: "model is required and must be a string" }).min(1, "model must not be empty"),
  texts: z.array(z.string(), { message: "texts must be an array of strings" }).min(1, "texts must not be empty"),
  input_type: z.string({ message: "input_type must be a string" }).optional(),
  embedding_types: z.array(z.string(), { message: "embedding_types must be an array of strings" }).optional(),
  output_dimension: z.number().int().positive().optional(),
});

export interface CanonicalEmbed {
  request: EmbeddingRequest;
  /** What the Cohere caller asked to get back, in its order. */
  embeddingTypes: string[];
  texts: string[];
}

/**
 * Cohere `/v2/embed` body (texts) → canonical embedding request. Images and mixed `inputs` have no
 * canonical form and are refused; `input_type`, `truncate` and `max_tokens` go on for Cohere models.
 */
export function convertCohereEmbedRequest(raw: unknown, targetProvider: string): CanonicalEmbed {
  for (const field of ["images", "inputs"] as const) {
    if (isRecord(raw) && raw[field] !== undefined) {
      throw failure({ status: 400, message: `${field} cannot be embedded through the gateway; send texts`, param: field });
    }
  }
  const parsed = parseCohereBody(cohereEmbedSchema, raw);
  const native: JsonObject = parsed;
  const texts = parsed.texts;
  const embeddingTypes = parsed.embedding_types ?? ["float"];
  const unsupported = embeddingTypes.find((t) => !PRODUCIBLE_TYPES.has(t));
  if (unsupported) throw failure({ status: 400, message: `embedding_types ${unsupported} is not supported; use float or base64`, param: "embedding_types" });
  const request: EmbeddingRequest = { model: parsed.model, input: texts, encoding_format: "float" };
  if (parsed.output_dimension !== undefined) request.dimensions = parsed.output_dimension;
  if (targetProvider === "cohere") {
    for (const field of ["input_type", "truncate", "max_tokens"]) if (native[field] !== undefined) request[field] = native[field];
  }
  return { request, embeddingTypes, texts };
}

/** Canonical embedding list → Cohere `embeddings_by_type` response. */
export function encodeCohereEmbedResponse(body: JsonObject, asked: CanonicalEmbed): CohereEmbedResponse & { extra_fields?: unknown } {
  const data = Array.isArray(body["data"]) ? body["data"].filter(isRecord) : [];
  const vectors = [...data]
    .sort((a, b) => Number(a["index"] ?? 0) - Number(b["index"] ?? 0))
    .map((item) => (Array.isArray(item["embedding"]) ? (item["embedding"] as number[]) : []));
  const embeddings: CohereEmbedResponse["embeddings"] = {};
  for (const type of asked.embeddingTypes) {
    if (type === "float") embeddings.float = vectors;
    if (type === "base64") embeddings.base64 = vectors.map(encodeEmbeddingBase64);
  }
  const usage = isRecord(body["usage"]) ? body["usage"] : {};
  const input = typeof usage["prompt_tokens"] === "number" ? usage["prompt_tokens"] : 0;
  return {
    id: typeof body["id"] === "string" ? body["id"] : randomUUID(),
    embeddings,
    texts: asked.texts,
    meta: { api_version: { version: "2" }, billed_units: { input_tokens: input } },
    response_type: "embeddings_by_type",
    ...(body["extra_fields"] !== undefined ? { extra_fields: body["extra_fields"] } : {}),
  };
}
