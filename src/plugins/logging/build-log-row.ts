import type { StreamChunk } from "../../core/engine-result.js";
import type { Attempt, AttemptEnd } from "../../core/pipeline/plugin.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { LogRow, LogTokenUsage } from "../../stores/log-store.js";
import { accumulateChatChunks, finalResponseOf } from "./stream-accumulator.js";

/** An attempt that has ended, as the logging plugin queues it: the row is built later, by the writer, off the request path. */
export interface EndedAttempt {
  attempt: Attempt;
  end: AttemptEnd;
  /** Stream chunks as they passed (only with content logging on). */
  chunks: StreamChunk[] | undefined;
}

export interface RowOptions {
  /** `client.disable_content_logging`: no input, output or content summary. */
  contentLogging: boolean;
}

/** Body fields that are the content itself (logged as input), not parameters. */
const CONTENT_FIELDS = new Set(["model", "messages", "input", "prompt", "instructions", "fallbacks", "stream", "documents", "query", "texts"]);

/** How much of the input and output the content search can see. */
const SUMMARY_CHARS = 2_000;

/** One attempt as a row of the request log, in Bifrost's field names. */
export function buildLogRow({ attempt, end, chunks }: EndedAttempt, options: RowOptions): LogRow {
  const request = attempt.request;
  const body = request.body;
  const result = end.status === "success" ? end.result : undefined;
  const answer = result?.kind === "json" ? result.body : undefined;
  const usage = attempt.usage ?? (isRecord(answer?.["usage"]) ? answer["usage"] : undefined);
  if (usage && attempt.usage === undefined) attempt.usage = usage;
  const output = options.contentLogging ? outputOf(attempt, answer, chunks) : null;
  const input = options.contentLogging ? inputOf(body) : null;
  const extra = isRecord(answer?.["extra_fields"]) ? answer["extra_fields"] : undefined;
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
    stop_reason: attempt.finishReason ?? finishReasonOf(answer),
    error_details: end.status === "success" ? null : end.error,
    input_history: input,
    output_message: output,
    params: body ? paramsOf(body) : null,
    raw_request: extra?.["raw_request"] ?? null,
    raw_response: extra?.["raw_response"] ?? null,
    trace_id: traceIdOf(request.traceparent),
    virtual_key_id: null,
    virtual_key_name: null,
    team_id: null,
    customer_id: null,
    content_summary: options.contentLogging ? summaryOf(input, output) : "",
    metadata: null,
  };
}

/** The model as the caller wrote it for this attempt: the request's model, or the fallback's. */
function modelRequested(attempt: Attempt): string {
  if (attempt.fallbackIndex === 0) return attempt.request.model ?? attempt.model;
  return attempt.request.fallbacks?.[attempt.fallbackIndex - 1] ?? attempt.model;
}

function inputOf(body: JsonObject | undefined): unknown {
  if (!body) return null;
  if (Array.isArray(body["messages"])) return body["messages"];
  if (body["input"] !== undefined) return body["instructions"] !== undefined ? { instructions: body["instructions"], input: body["input"] } : body["input"];
  if (body["prompt"] !== undefined) return body["prompt"];
  if (body["query"] !== undefined) return { query: body["query"], documents: body["documents"] };
  return null;
}

function outputOf(attempt: Attempt, answer: JsonObject | undefined, chunks: readonly StreamChunk[] | undefined): unknown {
  if (chunks && chunks.length > 0) {
    const data = chunks.map((chunk) => chunk.data);
    return attempt.requestType === "responses_stream" ? (finalResponseOf(data)?.["output"] ?? null) : accumulateChatChunks(data);
  }
  if (!answer) return null;
  const choices = answer["choices"];
  if (Array.isArray(choices)) {
    const first: unknown = choices[0];
    if (isRecord(first)) return first["message"] ?? first["text"] ?? null;
  }
  if (Array.isArray(answer["output"])) return answer["output"];
  if (Array.isArray(answer["data"]) && attempt.requestType === "embedding") return { embeddings: answer["data"].length };
  const { extra_fields: _extra, ...rest } = answer;
  return rest;
}

function paramsOf(body: JsonObject): JsonObject | null {
  const params: JsonObject = {};
  let any = false;
  for (const key in body) {
    if (CONTENT_FIELDS.has(key)) continue;
    params[key] = body[key];
    any = true;
  }
  return any ? params : null;
}

function tokenUsageOf(usage: JsonObject): LogTokenUsage {
  const prompt = numberOr(usage["prompt_tokens"] ?? usage["input_tokens"]);
  const completion = numberOr(usage["completion_tokens"] ?? usage["output_tokens"]);
  const out: LogTokenUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: numberOr(usage["total_tokens"], prompt + completion) };
  const promptDetails = isRecord(usage["prompt_tokens_details"])
    ? usage["prompt_tokens_details"]
    : isRecord(usage["input_tokens_details"])
      ? usage["input_tokens_details"]
      : undefined;
  const cached = promptDetails?.["cached_tokens"];
  if (typeof cached === "number") out.cached_read_tokens = cached;
  const written = promptDetails?.["cache_creation_tokens"] ?? usage["cache_creation_input_tokens"];
  if (typeof written === "number") out.cached_write_tokens = written;
  const completionDetails = isRecord(usage["completion_tokens_details"])
    ? usage["completion_tokens_details"]
    : isRecord(usage["output_tokens_details"])
      ? usage["output_tokens_details"]
      : undefined;
  const reasoning = completionDetails?.["reasoning_tokens"];
  if (typeof reasoning === "number") out.reasoning_tokens = reasoning;
  return out;
}

function numberOr(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function finishReasonOf(answer: JsonObject | undefined): string | null {
  const choices = answer?.["choices"];
  if (!Array.isArray(choices)) return null;
  const first: unknown = choices[0];
  return isRecord(first) && typeof first["finish_reason"] === "string" ? first["finish_reason"] : null;
}

/** The trace id of a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). */
function traceIdOf(traceparent: string | undefined): string | null {
  const match = traceparent === undefined ? null : /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent.trim());
  return match?.[1] ?? null;
}

/** Plain text of the input and the output, for content search. */
function summaryOf(input: unknown, output: unknown): string {
  const parts: string[] = [];
  collectText(input, parts);
  collectText(output, parts);
  const text = parts.join("\n");
  return text.length > SUMMARY_CHARS ? text.slice(0, SUMMARY_CHARS) : text;
}

/** Every string under `content`, `text`, `arguments`, `input`, `query` (or the value itself when it is text), depth-first. */
function collectText(value: unknown, parts: string[], depth = 0): void {
  if (depth > 8 || parts.length > 64) return;
  if (typeof value === "string") {
    parts.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectText(item, parts, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  for (const key of ["content", "text", "reasoning", "arguments", "input", "query", "instructions"]) {
    if (value[key] !== undefined) collectText(value[key], parts, depth + 1);
  }
  if (Array.isArray(value["tool_calls"])) collectText(value["tool_calls"], parts, depth + 1);
  if (isRecord(value["function"])) collectText(value["function"], parts, depth + 1);
}
