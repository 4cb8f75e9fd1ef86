import { encodeEmbeddingBase64, type EmbeddingData, type EmbeddingResponse } from "../../schema/embedding.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";

/**
 * Embeddings through InvokeModel (`POST /model/{id}/invoke`), whose body is the model family's own:
 * Amazon Titan text embeddings take one `inputText`; Cohere Embed takes a batch of `texts`.
 */
export type BedrockEmbeddingFamily = "titan" | "cohere";

export function embeddingFamilyOf(...modelIds: readonly string[]): BedrockEmbeddingFamily | undefined {
  for (const id of modelIds) {
    if (/amazon\.titan-embed/i.test(id)) return "titan";
    if (/cohere\.embed/i.test(id)) return "cohere";
  }
  return undefined;
}

export function toBedrockEmbeddingBody(body: JsonObject, family: BedrockEmbeddingFamily): JsonObject {
  const texts = inputTexts(body["input"]);
  if (family === "titan") {
    if (texts.length !== 1) throw failure({ status: 400, message: "bedrock Titan embeddings take one input per request", param: "input" });
    return { inputText: texts[0], ...(typeof body["dimensions"] === "number" ? { dimensions: body["dimensions"] } : {}) };
  }
  if (body["dimensions"] !== undefined && body["dimensions"] !== null) {
    throw failure({ status: 400, message: "bedrock Cohere embeddings do not support dimensions", param: "dimensions" });
  }
  const inputType = typeof body["input_type"] === "string" ? body["input_type"] : "search_document";
  return { texts, input_type: inputType };
}

function inputTexts(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === "string")) return input;
  throw failure({ status: 400, message: "bedrock embeddings take text input (a string or an array of strings), not token arrays", param: "input" });
}

export function decodeBedrockEmbedding(native: unknown, family: BedrockEmbeddingFamily, model: string, base64: boolean): EmbeddingResponse {
  const response = isRecord(native) ? native : {};
  const vectors = family === "titan" ? titanVectors(response) : cohereVectors(response);
  const data: EmbeddingData[] = vectors.map((vector, index) => ({
    object: "embedding",
    index,
    embedding: base64 ? encodeEmbeddingBase64(vector) : vector,
  }));
  const tokens = response["inputTextTokenCount"];
  return {
    object: "list",
    data,
    model,
    ...(typeof tokens === "number" ? { usage: { prompt_tokens: tokens, total_tokens: tokens } } : {}),
  };
}

function titanVectors(response: JsonObject): number[][] {
  return Array.isArray(response["embedding"]) ? [response["embedding"] as number[]] : [];
}

/** Cohere answers `embeddings: number[][]`, or `{float: number[][]}` when embedding types were asked for. */
function cohereVectors(response: JsonObject): number[][] {
  const embeddings = response["embeddings"];
  if (Array.isArray(embeddings)) return embeddings as number[][];
  if (isRecord(embeddings) && Array.isArray(embeddings["float"])) return embeddings["float"] as number[][];
  return [];
}
