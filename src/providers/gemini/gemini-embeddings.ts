import { encodeEmbeddingBase64, type EmbeddingData, type EmbeddingResponse } from "../../schema/embedding.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { GeminiEmbedContentRequest } from "./gemini-types.js";

/** The Gemini API method and body for an embedding request: `embedContent` for one text, `batchEmbedContents` for many. */
export function geminiEmbeddingRequest(body: JsonObject, model: string, provider: string): { method: "embedContent" | "batchEmbedContents"; body: JsonObject } {
  const texts = embeddingTexts(body, provider);
  const options = embeddingOptions(body);
  if (typeof body["input"] === "string") return { method: "embedContent", body: { content: { parts: [{ text: texts[0]! }] }, ...options } };
  const requests: GeminiEmbedContentRequest[] = texts.map((text) => ({ model: `models/${model}`, content: { parts: [{ text }] }, ...options }));
  return { method: "batchEmbedContents", body: { requests } };
}

/** Vertex's `predict` body for text embedding models. */
export function vertexEmbeddingRequest(body: JsonObject, provider: string): JsonObject {
  const taskType = typeof body["task_type"] === "string" ? { task_type: body["task_type"] } : {};
  const instances = embeddingTexts(body, provider).map((content) => ({ content, ...taskType }));
  const dimensions = typeof body["dimensions"] === "number" ? { parameters: { outputDimensionality: body["dimensions"] } } : {};
  return { instances, ...dimensions };
}

/** `{embedding}` (embedContent) or `{embeddings: []}` (batchEmbedContents) → an OpenAI embedding list. */
export function decodeGeminiEmbeddings(native: unknown, model: string, requestBody: JsonObject | undefined): EmbeddingResponse {
  const record = isRecord(native) ? native : {};
  const list = Array.isArray(record["embeddings"]) ? record["embeddings"] : isRecord(record["embedding"]) ? [record["embedding"]] : [];
  const vectors = list.map((item) => (isRecord(item) && Array.isArray(item["values"]) ? (item["values"] as number[]) : []));
  return embeddingList(vectors, model, requestBody, undefined);
}

/** Vertex `predict` → an OpenAI embedding list, with usage from each prediction's token count. */
export function decodeVertexEmbeddings(native: unknown, model: string, requestBody: JsonObject | undefined): EmbeddingResponse {
  const predictions = isRecord(native) && Array.isArray(native["predictions"]) ? native["predictions"] : [];
  let tokens = 0;
  const vectors = predictions.map((prediction) => {
    const embeddings = isRecord(prediction) && isRecord(prediction["embeddings"]) ? prediction["embeddings"] : {};
    const statistics = isRecord(embeddings["statistics"]) ? embeddings["statistics"] : {};
    if (typeof statistics["token_count"] === "number") tokens += statistics["token_count"];
    return Array.isArray(embeddings["values"]) ? (embeddings["values"] as number[]) : [];
  });
  return embeddingList(vectors, model, requestBody, tokens);
}

function embeddingList(vectors: number[][], model: string, requestBody: JsonObject | undefined, tokens: number | undefined): EmbeddingResponse {
  const base64 = requestBody?.["encoding_format"] === "base64";
  const data: EmbeddingData[] = vectors.map((vector, index) => ({
    object: "embedding",
    index,
    embedding: base64 ? encodeEmbeddingBase64(vector) : vector,
  }));
  const response: EmbeddingResponse = { object: "list", data, model };
  if (tokens !== undefined) response.usage = { prompt_tokens: tokens, total_tokens: tokens };
  return response;
}

function embeddingTexts(body: JsonObject, provider: string): string[] {
  const input = body["input"];
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === "string")) return input;
  throw failure({ status: 400, message: `${provider} embeddings take text input (a string or an array of strings), not token ids`, param: "input" });
}

function embeddingOptions(body: JsonObject): Partial<GeminiEmbedContentRequest> {
  const options: Partial<GeminiEmbedContentRequest> = {};
  if (typeof body["dimensions"] === "number") options.outputDimensionality = body["dimensions"];
  if (typeof body["task_type"] === "string") options.taskType = body["task_type"];
  if (typeof body["title"] === "string") options.title = body["title"];
  return options;
}
