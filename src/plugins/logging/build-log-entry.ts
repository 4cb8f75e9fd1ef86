import type { BytesResult, EngineResult, StreamChunk } from "../../core/engine-result.js";
import type { Attempt, AttemptEnd } from "../../core/pipeline/plugin.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { LogEntry, LogResponseKind, LogTokenUsage } from "../../stores/log-store.js";

/** An attempt that has ended, as the logging plugin queues it: the entry is built later, by the writer, off the request path. */
export interface EndedAttempt {
  attempt: Attempt;
  end: AttemptEnd;
  /** Stream chunks as they passed (only with content logging on). */
  chunks: StreamChunk[] | undefined;
}

export interface EntryOptions {
  /** `client.disable_content_logging`: no request or answer text. */
  contentLogging: boolean;
}

/**
 * One attempt as an entry of the request log. Its content is the JSON text the gateway already
 * held — the caller's body when it was canonical, the provider's answer as passed on, a stream's
 * chunks joined — so nothing is parsed to log it (the store reads the texts when asked).
 */
export function buildLogEntry({ attempt, end, chunks }: EndedAttempt, options: EntryOptions): LogEntry {
  const request = attempt.request;
  const result = end.status === "success" ? end.result : undefined;
  const usage = attempt.usage;
  const response = options.contentLogging ? responseTextOf(result, chunks) : undefined;
  const extra = result?.kind === "json" && result.json === undefined && isRecord(result.body["extra_fields"]) ? result.body["extra_fields"] : undefined;
  return {
    id: attempt.attemptId,
    parent_request_id: attempt.parentRequestId ?? null,
    timestamp: attempt.startedAt,
    object: attempt.requestType,
    provider: attempt.provider,
    model: attempt.model,
    model_requested: modelRequested(attempt),
    selected_key_name: attempt.keyName ?? null,
    number_of_retries: attempt.retries,
    fallback_index: attempt.fallbackIndex,
    status: end.status === "success" ? "success" : "error",
    latency: attempt.durationMs === undefined ? null : Math.round(attempt.durationMs),
    time_to_first_token: attempt.firstChunkMs === undefined ? null : Math.round(attempt.firstChunkMs),
    stream: request.stream,
    token_usage: usage ? tokenUsageOf(usage) : null,
    cost: attempt.cost,
    stop_reason: attempt.finishReason ?? null,
    error_details: end.status === "success" ? null : end.error,
    request_text: options.contentLogging && request.body ? (request.bodyText ?? JSON.stringify(request.body)) : null,
    response_text: response?.text ?? null,
    response_kind: response?.kind ?? null,
    raw_request: extra?.["raw_request"] === undefined ? null : JSON.stringify(extra["raw_request"]),
    raw_response: extra?.["raw_response"] === undefined ? null : JSON.stringify(extra["raw_response"]),
    trace_id: attempt.traceId ?? null,
    virtual_key_id: attempt.caller?.virtualKeyId ?? null,
    virtual_key_name: attempt.caller?.virtualKeyName ?? null,
    team_id: attempt.caller?.teamId ?? null,
    customer_id: attempt.caller?.customerId ?? null,
    metadata: null,
  };
}

/** The answer as JSON text: a body as the gateway passed it on, or a stream's chunks as one JSON array. */
function responseTextOf(
  result: EngineResult | BytesResult | undefined,
  chunks: readonly StreamChunk[] | undefined,
): { text: string; kind: LogResponseKind } | undefined {
  if (chunks && chunks.length > 0) {
    let text = "[";
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      if (i > 0) text += ",";
      text += chunk.json ?? JSON.stringify(chunk.data);
    }
    return { text: `${text}]`, kind: "chunks" };
  }
  if (result?.kind !== "json") return undefined;
  return { text: result.json ?? JSON.stringify(result.body), kind: "body" };
}

/** The model as the caller wrote it for this attempt: the request's model, or the fallback's. */
function modelRequested(attempt: Attempt): string {
  if (attempt.fallbackIndex === 0) return attempt.request.model ?? attempt.model;
  return attempt.request.fallbacks?.[attempt.fallbackIndex - 1] ?? attempt.model;
}

function tokenUsageOf(usage: JsonObject): LogTokenUsage {
  const prompt = numberOr(usage["prompt_tokens"] ?? usage["input_tokens"]);
  const completion = numberOr(usage["completion_tokens"] ?? usage["output_tokens"]);
  const out: LogTokenUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: numberOr(usage["total_tokens"], prompt + completion) };
  const promptDetails = detailsOf(usage, "prompt_tokens_details", "input_tokens_details");
  const cached = promptDetails?.["cached_tokens"];
  if (typeof cached === "number") out.cached_read_tokens = cached;
  const written = promptDetails?.["cache_creation_tokens"] ?? usage["cache_creation_input_tokens"];
  if (typeof written === "number") out.cached_write_tokens = written;
  const reasoning = detailsOf(usage, "completion_tokens_details", "output_tokens_details")?.["reasoning_tokens"];
  if (typeof reasoning === "number") out.reasoning_tokens = reasoning;
  return out;
}

function detailsOf(usage: JsonObject, chatName: string, responsesName: string): JsonObject | undefined {
  const details = usage[chatName] ?? usage[responsesName];
  return isRecord(details) ? details : undefined;
}

function numberOr(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
