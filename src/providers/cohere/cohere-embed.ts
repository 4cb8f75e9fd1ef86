import { encodeEmbeddingBase64, type EmbeddingRequest, type EmbeddingResponse } from "../../schema/embedding.js";
import { failure } from "../../schema/error.js";
import type { CohereEmbedRequest, CohereEmbedResponse } from "./cohere-types.js";

/**
 * Cohere requires `input_type` for v3+ embedding models; like Bifrost, a request that does not say
 * gets `search_document` (embedding a corpus is the common case).
 */
const DEFAULT_COHERE_INPUT_TYPE = "search_document";

/**
 * Canonical embedding request → Cohere `/v2/embed`. Floats are always asked for: base64 is encoded
 * by Iris (OpenAI's little-endian float32), so both encodings carry the very same numbers.
 * Cohere-only fields `input_type`, `truncate` and `max_tokens` pass through.
 */
export function convertToCohereEmbed(body: EmbeddingRequest, model: string): CohereEmbedRequest {
  const out: CohereEmbedRequest = {
    model,
    texts: textsOf(body.input),
    input_type: typeof body["input_type"] === "string" ? body["input_type"] : DEFAULT_COHERE_INPUT_TYPE,
    embedding_types: ["float"],
  };
  if (typeof body.dimensions === "number") out.output_dimension = body.dimensions;
  if (body["truncate"] === "NONE" || body["truncate"] === "START" || body["truncate"] === "END") out.truncate = body["truncate"];
  if (typeof body["max_tokens"] === "number") out.max_tokens = body["max_tokens"];
  return out;
}

function textsOf(input: EmbeddingRequest["input"]): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((item): item is string => typeof item === "string")) return input;
  throw failure({ status: 400, message: "cohere embeds text only; input must be a string or an array of strings (not token ids)", param: "input" });
}

/** Cohere embed response → OpenAI's embedding list, base64-encoded when the request asked for it. */
export function decodeCohereEmbedResponse(native: CohereEmbedResponse, model: string, base64: boolean): EmbeddingResponse {
  const vectors = native.embeddings?.float ?? [];
  const prompt = native.meta?.billed_units?.input_tokens ?? native.meta?.tokens?.input_tokens ?? 0;
  return {
    object: "list",
    data: vectors.map((vector, index) => ({ object: "embedding", index, embedding: base64 ? encodeEmbeddingBase64(vector) : vector })),
    model,
    usage: { prompt_tokens: prompt, total_tokens: prompt },
    ...(native.id ? { id: native.id } : {}),
  };
}
