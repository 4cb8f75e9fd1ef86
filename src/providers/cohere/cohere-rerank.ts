import { rerankDocumentText, type RerankRequest, type RerankResponse, type RerankResult } from "../../schema/rerank.js";
import type { CohereRerankRequest, CohereRerankResponse } from "./cohere-types.js";

/**
 * Canonical rerank → Cohere `/v2/rerank`. v2 ranks plain strings and no longer returns documents,
 * so objects are sent as their `text` and `return_documents` is answered by the gateway.
 */
export function convertToCohereRerank(body: RerankRequest, model: string): CohereRerankRequest {
  const out: CohereRerankRequest = { model, query: body.query, documents: body.documents.map(rerankDocumentText) };
  if (typeof body.top_n === "number") out.top_n = body.top_n;
  if (typeof body.max_tokens_per_doc === "number") out.max_tokens_per_doc = body.max_tokens_per_doc;
  if (typeof body["priority"] === "number") out.priority = body["priority"];
  return out;
}

/** Cohere rerank response → canonical: most relevant first, documents filled in from the request when asked. */
export function decodeCohereRerankResponse(native: CohereRerankResponse, model: string, request: RerankRequest | undefined): RerankResponse {
  const documents = request?.documents ?? [];
  const results: RerankResult[] = (native.results ?? []).map((r) => ({ index: r.index, relevance_score: r.relevance_score }));
  results.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  if (request?.return_documents === true) {
    for (const result of results) {
      const doc = documents[result.index];
      if (doc !== undefined) result.document = typeof doc === "string" ? { text: doc } : doc;
    }
  }
  const response: RerankResponse = { ...(native.id ? { id: native.id } : {}), results, model };
  const tokens = native.meta?.tokens;
  const searchUnits = native.meta?.billed_units?.search_units;
  if (tokens || typeof searchUnits === "number") {
    const prompt = tokens?.input_tokens ?? 0;
    const completion = tokens?.output_tokens ?? 0;
    response.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    if (typeof searchUnits === "number") response.usage.search_units = searchUnits;
  }
  return response;
}
