import { z } from "zod";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { RerankRequest } from "../../schema/rerank.js";
import type { CohereRerankResponse } from "../../providers/cohere/cohere-types.js";
import { parseCohereBody } from "./parse-cohere-body.js";

const cohereRerankSchema = z.looseObject({
  model: z.string({ message: "model is required and must be a string" }).min(1, "model must not be empty"),
  query: z.string({ message: "query is required and must be a string" }),
  documents: z.array(z.string(), { message: "documents must be an array of strings" }).min(1, "documents must not be empty"),
  top_n: z.number().int().positive().optional(),
  max_tokens_per_doc: z.number().int().positive().optional(),
});

/** Cohere `/v2/rerank` body → canonical rerank request. */
export function convertCohereRerankRequest(raw: unknown, targetProvider: string): RerankRequest {
  const native = parseCohereBody(cohereRerankSchema, raw);
  const out: RerankRequest = { model: native.model, query: native.query, documents: native.documents };
  if (native.top_n !== undefined) out.top_n = native.top_n;
  if (native.max_tokens_per_doc !== undefined) out.max_tokens_per_doc = native.max_tokens_per_doc;
  if (targetProvider === "cohere" && typeof native["priority"] === "number") out["priority"] = native["priority"];
  return out;
}

/** Canonical rerank response → Cohere's: ranked indexes and scores, search units billed. */
export function encodeCohereRerankResponse(body: JsonObject): CohereRerankResponse & { extra_fields?: unknown } {
  const results = Array.isArray(body["results"]) ? body["results"].filter(isRecord) : [];
  const usage = isRecord(body["usage"]) ? body["usage"] : undefined;
  const searchUnits = usage && typeof usage["search_units"] === "number" ? usage["search_units"] : undefined;
  return {
    ...(typeof body["id"] === "string" ? { id: body["id"] } : {}),
    results: results.map((r) => ({ index: Number(r["index"]), relevance_score: Number(r["relevance_score"]) })),
    meta: { api_version: { version: "2" }, ...(searchUnits !== undefined ? { billed_units: { search_units: searchUnits } } : {}) },
    ...(body["extra_fields"] !== undefined ? { extra_fields: body["extra_fields"] } : {}),
  };
}
