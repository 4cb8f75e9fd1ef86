import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { BatchRequestCounts, BatchRequestItem } from "../../schema/resources.js";
import { multipartText } from "../multipart-body.js";
import { jsonRequest, pathId } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { answeredSegment, upstreamUrl, withQuery, type PathSegment, type UpstreamUrl } from "../upstream-url.js";
import type { OpenAIResourceApi } from "./resource-api.js";

const DEFAULT_ENDPOINT = "/v1/chat/completions";
const DEFAULT_COMPLETION_WINDOW = "24h";

/**
 * OpenAI's Batch API. A batch is created from an uploaded JSONL file (`input_file_id`); inline
 * `requests` are first uploaded as that file. Results are the batch's output file, read as JSONL.
 */
export function openAIBatchRequest(call: ProviderCall, api: OpenAIResourceApi): BuiltUpstreamRequest {
  const batches = upstreamUrl`${api.root}/batches`;
  switch (call.op) {
    case "batch_create":
      return createBatch(call, api, batches);
    case "batch_list":
      return { method: "GET", url: withQuery(batches, call.query), headers: api.headers };
    case "batch_retrieve":
      return { method: "GET", url: upstreamUrl`${batches}/${pathId(call)}`, headers: api.headers };
    case "batch_cancel":
      return { method: "POST", url: upstreamUrl`${batches}/${pathId(call)}/cancel`, headers: api.headers };
    default:
      return {
        method: "GET",
        url: upstreamUrl`${batches}/${pathId(call)}`,
        headers: api.headers,
        next: ({ body }) => ({ method: "GET", url: upstreamUrl`${api.root}/files/${outputFileOf(body)}/content`, headers: api.headers, expect: "jsonl" }),
      };
  }
}

function createBatch(call: ProviderCall, api: OpenAIResourceApi, batches: UpstreamUrl): BuiltUpstreamRequest {
  const { requests, ...fields } = call.body ?? {};
  if (typeof fields["input_file_id"] === "string") return jsonRequest("POST", batches, api.headers, fields);
  if (!Array.isArray(requests) || requests.length === 0) {
    throw failure({ status: 400, message: "a batch needs input_file_id (an uploaded JSONL file) or a non-empty requests array", param: "input_file_id" });
  }
  const endpoint = typeof fields["endpoint"] === "string" ? fields["endpoint"] : DEFAULT_ENDPOINT;
  const jsonl = (requests as BatchRequestItem[]).map((item) => JSON.stringify(batchLine(item, endpoint, call.model))).join("\n");
  const form = multipartText([["purpose", "batch"]], { field: "file", filename: "batch-input.jsonl", contentType: "application/jsonl" }, jsonl);
  return {
    method: "POST",
    url: upstreamUrl`${api.root}/files`,
    headers: { ...api.headers, "content-type": form.contentType },
    body: form.body,
    next: ({ body }) =>
      jsonRequest("POST", batches, api.headers, {
        completion_window: DEFAULT_COMPLETION_WINDOW,
        ...fields,
        endpoint,
        input_file_id: isRecord(body) ? body["id"] : undefined,
      }),
  };
}

/** One JSONL line of OpenAI's batch input format. */
function batchLine(item: BatchRequestItem, endpoint: string, model: string): JsonObject {
  const body = { ...(item.body ?? item.params) };
  if (body["model"] === undefined && model) body["model"] = model;
  return { custom_id: item.custom_id, method: item.method ?? "POST", url: item.url ?? endpoint, body };
}

/** The batch's output file, as the provider named it: checked like any id before it goes in a path. */
function outputFileOf(batch: unknown): PathSegment {
  const id = isRecord(batch) ? batch["output_file_id"] : undefined;
  if (typeof id === "string" && id) return answeredSegment(id, "output_file_id");
  const status = isRecord(batch) ? String(batch["status"]) : "unknown";
  throw failure({ status: 400, message: `batch has no results yet (status ${status}); results are available once it is completed` });
}

export function decodeOpenAIBatch(op: ProviderCall["op"], native: unknown, call: ProviderCall): JsonObject {
  if (op === "batch_results") return { batch_id: call.resourceId, results: native };
  if (!isRecord(native)) return { value: native };
  if (op !== "batch_list") return withFullCounts(native);
  const data = Array.isArray(native["data"]) ? native["data"].map((b: unknown) => (isRecord(b) ? withFullCounts(b) : b)) : [];
  return { ...native, data };
}

/** OpenAI counts total/completed/failed; the canonical counts also say what succeeded and what is pending. */
function withFullCounts(batch: JsonObject): JsonObject {
  const counts = isRecord(batch["request_counts"]) ? batch["request_counts"] : {};
  const n = (name: string): number => (typeof counts[name] === "number" ? counts[name] : 0);
  const full: BatchRequestCounts = {
    total: n("total"),
    completed: n("completed"),
    failed: n("failed"),
    succeeded: n("completed"),
    expired: n("expired"),
    canceled: n("canceled"),
    pending: Math.max(0, n("total") - n("completed") - n("failed")),
  };
  return { ...batch, request_counts: full };
}
