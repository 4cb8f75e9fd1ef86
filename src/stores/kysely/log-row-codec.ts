import type { Selectable } from "kysely";
import type { BifrostError } from "../../schema/error.js";
import { contentSummaryOf, logContentOf } from "../../schema/log-content.js";
import type { LogEntry, LogResponseKind, LogRow, LogTokenUsage } from "../log-store.js";
import type { LogContentsTable, LogsTable } from "./log-tables.js";

/**
 * An entry in, a row out. Writing encodes scalars only — the content texts are stored as the
 * gateway held them — in a fixed column order, so each store can bind them positionally (SQLite)
 * or as one array per column (PostgreSQL). Reading parses the texts of the rows asked for.
 */

/** A column's value as bound: text, a number, or null. */
type SqlValue = string | number | null;

export const LOGS_COLUMNS = [
  "id",
  "timestamp",
  "parent_request_id",
  "object_type",
  "provider",
  "model",
  "selected_key_name",
  "virtual_key_id",
  "status",
  "latency",
  "total_tokens",
  "cost",
  "stop_reason",
] as const satisfies ReadonlyArray<keyof LogsTable>;

export const CONTENTS_COLUMNS = [
  "model_requested",
  "number_of_retries",
  "fallback_index",
  "time_to_first_token",
  "stream",
  "prompt_tokens",
  "completion_tokens",
  "cached_read_tokens",
  "cached_write_tokens",
  "reasoning_tokens",
  "trace_id",
  "virtual_key_name",
  "team_id",
  "customer_id",
  "metadata",
  "error_details",
  "raw_request",
  "raw_response",
  "request_text",
  "response_text",
  "response_kind",
] as const satisfies ReadonlyArray<keyof LogContentsTable>;

/** The values of `LOGS_COLUMNS`, in that order. */
export function logsValuesOf(entry: LogEntry): SqlValue[] {
  return [
    entry.id,
    entry.timestamp,
    entry.parent_request_id,
    entry.object,
    entry.provider,
    entry.model,
    entry.selected_key_name,
    entry.virtual_key_id,
    entry.status,
    entry.latency,
    entry.token_usage?.total_tokens ?? null,
    entry.cost,
    entry.stop_reason,
  ];
}

/** The values of `CONTENTS_COLUMNS`, in that order. Only the rare parts are serialised: metadata and errors. */
export function contentsValuesOf(entry: LogEntry): SqlValue[] {
  const usage = entry.token_usage;
  return [
    entry.model_requested,
    entry.number_of_retries,
    entry.fallback_index,
    entry.time_to_first_token,
    entry.stream ? 1 : 0,
    usage?.prompt_tokens ?? null,
    usage?.completion_tokens ?? null,
    usage?.cached_read_tokens ?? null,
    usage?.cached_write_tokens ?? null,
    usage?.reasoning_tokens ?? null,
    entry.trace_id,
    entry.virtual_key_name,
    entry.team_id,
    entry.customer_id,
    entry.metadata === null ? null : JSON.stringify(entry.metadata),
    entry.error_details === null ? null : JSON.stringify(entry.error_details),
    entry.raw_request,
    entry.raw_response,
    entry.request_text,
    entry.response_text,
    entry.response_kind,
  ];
}

/** `logs` joined with `log_contents`, as read back (a row's contents are null if it has none). */
export type StoredLogRow = Omit<Selectable<LogsTable>, "seq"> & { [K in Exclude<keyof LogContentsTable, "seq">]: LogContentsTable[K] | null };

export function decodeLogRow(stored: StoredLogRow): LogRow {
  const content = logContentOf(stored.request_text, stored.response_text, responseKindOf(stored.response_kind), stored.object_type);
  return {
    id: stored.id,
    parent_request_id: stored.parent_request_id,
    timestamp: Number(stored.timestamp),
    object: stored.object_type,
    provider: stored.provider,
    model: stored.model,
    model_requested: stored.model_requested ?? stored.model,
    selected_key_name: stored.selected_key_name,
    number_of_retries: stored.number_of_retries ?? 0,
    fallback_index: stored.fallback_index ?? 0,
    status: stored.status,
    latency: stored.latency,
    time_to_first_token: stored.time_to_first_token,
    stream: stored.stream === 1,
    token_usage: tokenUsageOf(stored),
    cost: stored.cost,
    stop_reason: stored.stop_reason,
    error_details: parseOrNull<BifrostError>(stored.error_details),
    input_history: content.input_history,
    output_message: content.output_message,
    params: content.params,
    raw_request: parseOrNull<unknown>(stored.raw_request),
    raw_response: parseOrNull<unknown>(stored.raw_response),
    trace_id: stored.trace_id,
    virtual_key_id: stored.virtual_key_id,
    virtual_key_name: stored.virtual_key_name,
    team_id: stored.team_id,
    customer_id: stored.customer_id,
    content_summary: contentSummaryOf(content),
    metadata: parseOrNull<Record<string, string>>(stored.metadata),
  };
}

/** The searchable text of a row's content (what the content indexer stores and full-text indexes). */
export function contentSummaryOfTexts(requestText: string | null, responseText: string | null, responseKind: string | null, requestType: string): string {
  if (requestText === null && responseText === null) return "";
  return contentSummaryOf(logContentOf(requestText, responseText, responseKindOf(responseKind), requestType));
}

function responseKindOf(kind: string | null): LogResponseKind | null {
  return kind === "body" || kind === "chunks" ? kind : null;
}

/** `total_tokens` is null exactly when the attempt had no usage; the optional counts are there only when reported. */
function tokenUsageOf(stored: StoredLogRow): LogTokenUsage | null {
  if (stored.total_tokens === null) return null;
  const usage: LogTokenUsage = {
    prompt_tokens: Number(stored.prompt_tokens ?? 0),
    completion_tokens: Number(stored.completion_tokens ?? 0),
    total_tokens: Number(stored.total_tokens),
  };
  if (stored.cached_read_tokens !== null) usage.cached_read_tokens = Number(stored.cached_read_tokens);
  if (stored.cached_write_tokens !== null) usage.cached_write_tokens = Number(stored.cached_write_tokens);
  if (stored.reasoning_tokens !== null) usage.reasoning_tokens = Number(stored.reasoning_tokens);
  return usage;
}

function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
