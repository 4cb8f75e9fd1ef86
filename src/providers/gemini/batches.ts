import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { unixSeconds, type BatchResultItem, type BatchRequestItem, type BatchStatus, type CanonicalBatch } from "../../schema/resources.js";
import { jsonRequest } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { answeredSegment, pathSegment, upstreamUrl, withQuery, type PathSegment, type UpstreamUrl } from "../upstream-url.js";
import { buildGeminiRequest } from "./build-gemini-request.js";
import { decodeGeminiResponse } from "./decode-gemini-response.js";
import { bareResourceId, resourceIdSegment, resourceName } from "./gemini-resource-names.js";
import type { GeminiGenerateContentResponse } from "./gemini-types.js";

/** Gemini's GenerateContentBatch (int64 counts are strings). */
interface GeminiBatch {
  name?: string;
  model?: string;
  displayName?: string;
  createTime?: string;
  endTime?: string;
  state?: string;
  batchStats?: { requestCount?: string; successfulRequestCount?: string; failedRequestCount?: string; pendingRequestCount?: string };
  output?: GeminiBatchOutput;
}

interface GeminiBatchOutput {
  responsesFile?: string;
  inlinedResponses?: { inlinedResponses?: GeminiInlinedResponse[] };
}

interface GeminiInlinedResponse {
  response?: GeminiGenerateContentResponse;
  error?: { code?: number; message?: string };
  metadata?: { key?: string };
}

/** The long-running operation a batch is served as. */
interface GeminiBatchOperation {
  name: string;
  metadata?: GeminiBatch;
  done?: boolean;
  response?: GeminiBatchOutput;
}

/** One line of a batch's responses file. */
interface GeminiResultLine {
  key?: string;
  response?: GeminiGenerateContentResponse;
  error?: { code?: number; message?: string };
}

const BATCH_STATUS: Readonly<Record<string, BatchStatus>> = {
  PENDING: "validating",
  RUNNING: "in_progress",
  SUCCEEDED: "completed",
  FAILED: "failed",
  CANCELLED: "cancelled",
  EXPIRED: "expired",
};

/**
 * Gemini batch mode: `models/{model}:batchGenerateContent` with inline requests (`{request,
 * metadata:{key}}`) or an uploaded JSONL file; a batch is then an operation under `batches/`.
 * Results are the responses file (JSONL) or, for inline batches, inside the finished operation.
 */
export function geminiBatchRequest(call: ProviderCall, origin: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const root = upstreamUrl`${origin}/v1beta`;
  switch (call.op) {
    case "batch_create":
      return createBatch(call, root, headers);
    case "batch_list": {
      const query = { pageSize: call.query?.get("limit") ?? undefined, pageToken: call.query?.get("after") ?? undefined };
      return { method: "GET", url: withQuery(upstreamUrl`${root}/batches`, query), headers };
    }
    case "batch_retrieve":
      return { method: "GET", url: upstreamUrl`${root}/batches/${batchId(call)}`, headers };
    case "batch_cancel": {
      const batch = upstreamUrl`${root}/batches/${batchId(call)}`;
      // Cancelling answers `{}`; the batch as it now stands is read right after.
      return { method: "POST", url: upstreamUrl`${batch}:cancel`, headers, next: () => ({ method: "GET", url: batch, headers }) };
    }
    default:
      return {
        method: "GET",
        url: upstreamUrl`${root}/batches/${batchId(call)}`,
        headers,
        next: ({ body }) => {
          const file = outputOf(body as GeminiBatchOperation)?.responsesFile;
          if (file)
            return { method: "GET", url: upstreamUrl`${origin}/download/v1beta/files/${responsesFileId(file)}:download?alt=media`, headers, expect: "jsonl" };
          if ((body as GeminiBatchOperation).done !== true)
            throw failure({ status: 400, message: "batch has no results yet; results are available once it is done" });
          return undefined;
        },
      };
  }
}

function createBatch(call: ProviderCall, root: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const model = (call.model || (typeof call.body?.["model"] === "string" ? call.body["model"] : "")).replace(/^(gemini\/)?(models\/)?/, "");
  if (!model) throw failure({ status: 400, message: "a Gemini batch needs a model, e.g. gemini/gemini-2.5-flash", param: "model" });
  const metadata = isRecord(call.body?.["metadata"]) ? call.body["metadata"] : {};
  const displayName = typeof metadata["display_name"] === "string" ? metadata["display_name"] : "iris-batch";
  const batch = { display_name: displayName, input_config: inputConfig(call) };
  return jsonRequest("POST", upstreamUrl`${root}/models/${pathSegment(model, "model")}:batchGenerateContent`, headers, { batch });
}

function inputConfig(call: ProviderCall): JsonObject {
  const fileId = call.body?.["input_file_id"];
  if (typeof fileId === "string" && fileId) return { file_name: resourceName(fileId, "files") };
  const requests = call.body?.["requests"];
  if (!Array.isArray(requests) || requests.length === 0) {
    throw failure({ status: 400, message: "a batch needs input_file_id (an uploaded JSONL file) or a non-empty requests array", param: "input_file_id" });
  }
  const items = (requests as BatchRequestItem[]).map((item) => ({
    request: isRecord(item.params) ? item.params : buildGeminiRequest((item.body ?? {}) as ChatRequest, call.settings.name),
    metadata: { key: item.custom_id },
  }));
  return { requests: { requests: items } };
}

function batchId(call: ProviderCall): PathSegment {
  return resourceIdSegment(call.resourceId ?? "", "batches", "batch_id");
}

/** The batch's responses file (`files/abc`), as Gemini named it: checked like any id before it goes in a path. */
function responsesFileId(name: string): PathSegment {
  return answeredSegment(bareResourceId(name, "files"), "responsesFile");
}

function outputOf(operation: GeminiBatchOperation): GeminiBatchOutput | undefined {
  return operation.response ?? operation.metadata?.output;
}

export function decodeGeminiBatch(op: Operation, native: unknown, call: ProviderCall): JsonObject {
  if (op === "batch_results") return { batch_id: call.resourceId, results: resultsOf(native, call.model) };
  if (!isRecord(native)) return { value: native };
  if (op !== "batch_list") return canonicalBatch(native as unknown as GeminiBatchOperation);
  const operations = Array.isArray(native["operations"]) ? native["operations"] : Array.isArray(native["batches"]) ? native["batches"] : [];
  const token = typeof native["nextPageToken"] === "string" && native["nextPageToken"] ? native["nextPageToken"] : undefined;
  const data = operations.filter(isRecord).map((o) => canonicalBatch(o as unknown as GeminiBatchOperation));
  return { object: "list", data, has_more: token !== undefined, ...(token ? { after: token } : {}) };
}

/** Results from a responses file (its parsed lines) or from an inline batch's finished operation. */
function resultsOf(native: unknown, model: string): BatchResultItem[] {
  if (Array.isArray(native)) return native.filter(isRecord).map((line) => resultItem(line as GeminiResultLine, model));
  const inlined = isRecord(native) ? (outputOf(native as unknown as GeminiBatchOperation)?.inlinedResponses?.inlinedResponses ?? []) : [];
  return inlined.map((r) =>
    resultItem({ key: r.metadata?.key ?? "", ...(r.response ? { response: r.response } : {}), ...(r.error ? { error: r.error } : {}) }, model),
  );
}

function resultItem(line: GeminiResultLine, model: string): BatchResultItem {
  const custom_id = line.key ?? "";
  if (line.response) return { custom_id, response: { status_code: 200, body: decodeGeminiResponse(line.response, model) } };
  return { custom_id, error: { code: String(line.error?.code ?? "unknown"), message: line.error?.message ?? "request failed" } };
}

function canonicalBatch(operation: GeminiBatchOperation): CanonicalBatch {
  const batch = operation.metadata ?? {};
  const stats = batch.batchStats ?? {};
  const succeeded = Number(stats.successfulRequestCount ?? 0);
  const failed = Number(stats.failedRequestCount ?? 0);
  const responsesFile = outputOf(operation)?.responsesFile;
  const state = (batch.state ?? "").replace(/^(BATCH|JOB)_STATE_/, "");
  return {
    id: bareResourceId(operation.name, "batches"),
    object: "batch",
    status: BATCH_STATUS[state] ?? (operation.done ? "completed" : "in_progress"),
    request_counts: {
      total: Number(stats.requestCount ?? 0),
      completed: succeeded,
      failed,
      succeeded,
      expired: 0,
      canceled: 0,
      pending: Number(stats.pendingRequestCount ?? 0),
    },
    created_at: unixSeconds(batch.createTime) ?? 0,
    completed_at: unixSeconds(batch.endTime) ?? null,
    output_file_id: responsesFile ? bareResourceId(responsesFile, "files") : null,
    operation_name: operation.name,
    ...(batch.model ? { model: batch.model.replace(/^models\//, "") } : {}),
    ...(batch.displayName ? { metadata: { display_name: batch.displayName } } : {}),
    done: operation.done === true,
  };
}
