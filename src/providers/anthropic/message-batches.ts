import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { unixSeconds, type BatchStatus, type BatchRequestItem, type CanonicalBatch } from "../../schema/resources.js";
import { jsonRequest, pathId } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { upstreamUrl, withQuery, type UpstreamUrl } from "../upstream-url.js";
import { anthropicPageQuery } from "./anthropic-page-query.js";
import { toAnthropicRequest } from "./convert-to-anthropic-request.js";

/** Anthropic's Message Batch object (`GET /v1/messages/batches/{id}`). */
export interface AnthropicMessageBatch {
  id: string;
  type: "message_batch";
  processing_status: "in_progress" | "canceling" | "ended";
  request_counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
  created_at: string;
  expires_at?: string | null;
  ended_at?: string | null;
  cancel_initiated_at?: string | null;
  archived_at?: string | null;
  results_url?: string | null;
}

/**
 * Anthropic's Message Batches API. A batch is a list of `{custom_id, params}` Messages requests;
 * OpenAI-style `{custom_id, body}` chat requests are converted. Results are JSONL, one per request.
 */
export function anthropicBatchRequest(call: ProviderCall, base: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const batches = upstreamUrl`${base}/v1/messages/batches`;
  switch (call.op) {
    case "batch_create":
      return jsonRequest("POST", batches, headers, { requests: nativeRequests(call) });
    case "batch_list":
      return { method: "GET", url: withQuery(batches, anthropicPageQuery(call.query)), headers };
    case "batch_retrieve":
      return { method: "GET", url: upstreamUrl`${batches}/${pathId(call)}`, headers };
    case "batch_cancel":
      return { method: "POST", url: upstreamUrl`${batches}/${pathId(call)}/cancel`, headers };
    default:
      return { method: "GET", url: upstreamUrl`${batches}/${pathId(call)}/results`, headers, expect: "jsonl" };
  }
}

function nativeRequests(call: ProviderCall): JsonObject[] {
  const requests = call.body?.["requests"];
  if (!Array.isArray(requests) || requests.length === 0) {
    throw failure({ status: 400, message: "an Anthropic batch needs a non-empty requests array of {custom_id, params}", param: "requests" });
  }
  return (requests as BatchRequestItem[]).map((item, i) => {
    if (!isRecord(item) || typeof item.custom_id !== "string") {
      throw failure({ status: 400, message: `requests[${i}] needs a string custom_id`, param: `requests[${i}].custom_id` });
    }
    if (isRecord(item.params)) return { custom_id: item.custom_id, params: item.params };
    if (!isRecord(item.body))
      throw failure({ status: 400, message: `requests[${i}] needs params (a Messages request) or body (a chat request)`, param: `requests[${i}]` });
    const requested = typeof item.body["model"] === "string" ? item.body["model"].replace(/^anthropic\//, "") : call.model;
    return { custom_id: item.custom_id, params: toAnthropicRequest(item.body as ChatRequest, requested, false) };
  });
}

export function decodeAnthropicBatch(op: Operation, native: unknown, call: ProviderCall): JsonObject {
  if (op === "batch_results") return { batch_id: call.resourceId, results: native };
  if (!isRecord(native)) return { value: native };
  if (op !== "batch_list") return canonicalBatch(native as unknown as AnthropicMessageBatch);
  const data = Array.isArray(native["data"]) ? native["data"].filter(isRecord).map((b) => canonicalBatch(b as unknown as AnthropicMessageBatch)) : [];
  return { object: "list", data, first_id: native["first_id"] ?? null, last_id: native["last_id"] ?? null, has_more: native["has_more"] === true };
}

/** Anthropic message batch → canonical batch; Anthropic's own status and results URL ride along. */
function canonicalBatch(batch: AnthropicMessageBatch): CanonicalBatch {
  const c = batch.request_counts;
  return {
    id: batch.id,
    object: "batch",
    endpoint: "/v1/messages",
    status: statusOf(batch),
    request_counts: {
      total: c.processing + c.succeeded + c.errored + c.canceled + c.expired,
      completed: c.succeeded,
      failed: c.errored,
      succeeded: c.succeeded,
      expired: c.expired,
      canceled: c.canceled,
      pending: c.processing,
    },
    created_at: unixSeconds(batch.created_at) ?? 0,
    expires_at: unixSeconds(batch.expires_at) ?? null,
    completed_at: unixSeconds(batch.ended_at) ?? null,
    cancelling_at: unixSeconds(batch.cancel_initiated_at) ?? null,
    archived_at: unixSeconds(batch.archived_at) ?? null,
    processing_status: batch.processing_status,
    results_url: batch.results_url ?? null,
  };
}

function statusOf(batch: AnthropicMessageBatch): BatchStatus {
  if (batch.processing_status === "in_progress") return "in_progress";
  if (batch.processing_status === "canceling") return "cancelling";
  return batch.cancel_initiated_at ? "cancelled" : "completed";
}
