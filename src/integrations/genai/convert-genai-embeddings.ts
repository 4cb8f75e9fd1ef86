import type { GeminiContentEmbedding } from "../../providers/gemini/gemini-types.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";

export type GenaiEmbedMethod = "embedContent" | "batchEmbedContents";

/**
 * `embedContent` ({content, outputDimensionality}) or `batchEmbedContents` ({requests: [...]}) →
 * a canonical embedding request: one text, or one text per request.
 */
export function genaiEmbeddingToCanonical(native: unknown, method: GenaiEmbedMethod, model: string): JsonObject {
  if (!isRecord(native)) throw failure({ status: 400, message: "request body must be a JSON object" });
  const requests = method === "embedContent" ? [native] : Array.isArray(native["requests"]) ? native["requests"] : [];
  if (requests.length === 0) throw failure({ status: 400, message: "requests must be a non-empty array", param: "requests" });
  const texts = requests.map((request, i) => textOf(request, method === "embedContent" ? "content" : `requests[${i}].content`));
  const first = isRecord(requests[0]) ? requests[0] : {};
  const out: JsonObject = { model, input: method === "embedContent" ? texts[0]! : texts };
  if (typeof first["outputDimensionality"] === "number") out["dimensions"] = first["outputDimensionality"];
  if (typeof first["taskType"] === "string") out["task_type"] = first["taskType"];
  return out;
}

function textOf(request: unknown, param: string): string {
  const content = isRecord(request) ? request["content"] : undefined;
  const parts = isRecord(content) && Array.isArray(content["parts"]) ? content["parts"] : undefined;
  if (!parts || parts.length === 0 || !parts.every((p) => isRecord(p) && typeof p["text"] === "string")) {
    throw failure({ status: 400, message: "embedding content must be text parts", param });
  }
  return parts.map((p) => (p as JsonObject)["text"] as string).join("\n");
}

/** A canonical embedding list → `{embedding}` (embedContent) or `{embeddings: [...]}` (batchEmbedContents). */
export function canonicalToGenaiEmbeddings(response: JsonObject, method: GenaiEmbedMethod): JsonObject {
  const data = Array.isArray(response["data"]) ? response["data"].filter(isRecord) : [];
  const embeddings: GeminiContentEmbedding[] = data
    .sort((a, b) => Number(a["index"] ?? 0) - Number(b["index"] ?? 0))
    .map((item) => ({ values: Array.isArray(item["embedding"]) ? (item["embedding"] as number[]) : [] }));
  const extra = isRecord(response["extra_fields"]) ? { extra_fields: response["extra_fields"] } : {};
  return method === "embedContent" ? { embedding: embeddings[0] ?? { values: [] }, ...extra } : { embeddings, ...extra };
}
