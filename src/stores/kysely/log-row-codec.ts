import type { Insertable, Selectable } from "kysely";
import type { BifrostError } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import type { LogRow, LogTokenUsage } from "../log-store.js";
import type { LogContentsTable, LogsTable } from "./log-tables.js";

/** A row as the tables hold it: the searchable part and its contents (whose `seq` is known only once `logs` has it). */
export interface EncodedLogRow {
  log: Insertable<LogsTable>;
  contents: Omit<Insertable<LogContentsTable>, "seq">;
}

export function encodeLogRow(row: LogRow): EncodedLogRow {
  const usage = row.token_usage;
  return {
    log: {
      id: row.id,
      parent_request_id: row.parent_request_id,
      timestamp: row.timestamp,
      object_type: row.object,
      provider: row.provider,
      model: row.model,
      model_requested: row.model_requested,
      selected_key_name: row.selected_key_name,
      number_of_retries: row.number_of_retries,
      fallback_index: row.fallback_index,
      status: row.status,
      latency: row.latency,
      time_to_first_token: row.time_to_first_token,
      stream: row.stream ? 1 : 0,
      token_usage: usage === null ? null : JSON.stringify(usage),
      prompt_tokens: usage?.prompt_tokens ?? null,
      completion_tokens: usage?.completion_tokens ?? null,
      total_tokens: usage?.total_tokens ?? null,
      cost: row.cost,
      stop_reason: row.stop_reason,
      trace_id: row.trace_id,
      virtual_key_id: row.virtual_key_id,
      virtual_key_name: row.virtual_key_name,
      team_id: row.team_id,
      customer_id: row.customer_id,
    },
    contents: {
      error_details: jsonOrNull(row.error_details),
      input_history: jsonOrNull(row.input_history),
      output_message: jsonOrNull(row.output_message),
      params: jsonOrNull(row.params),
      raw_request: jsonOrNull(row.raw_request),
      raw_response: jsonOrNull(row.raw_response),
      metadata: jsonOrNull(row.metadata),
      content_summary: row.content_summary,
    },
  };
}

/** `logs` joined with `log_contents` (the contents are null where a row has none). */
export type StoredLogRow = Omit<Selectable<LogsTable>, "seq"> & { [K in Exclude<keyof LogContentsTable, "seq">]: LogContentsTable[K] | null };

export function decodeLogRow(stored: StoredLogRow): LogRow {
  return {
    id: stored.id,
    parent_request_id: stored.parent_request_id,
    timestamp: Number(stored.timestamp),
    object: stored.object_type,
    provider: stored.provider,
    model: stored.model,
    model_requested: stored.model_requested,
    selected_key_name: stored.selected_key_name,
    number_of_retries: stored.number_of_retries,
    fallback_index: stored.fallback_index,
    status: stored.status,
    latency: stored.latency,
    time_to_first_token: stored.time_to_first_token,
    stream: stored.stream === 1,
    token_usage: parseOrNull<LogTokenUsage>(stored.token_usage),
    cost: stored.cost,
    stop_reason: stored.stop_reason,
    error_details: parseOrNull<BifrostError>(stored.error_details),
    input_history: parseOrNull<unknown>(stored.input_history),
    output_message: parseOrNull<unknown>(stored.output_message),
    params: parseOrNull<JsonObject>(stored.params),
    raw_request: parseOrNull<unknown>(stored.raw_request),
    raw_response: parseOrNull<unknown>(stored.raw_response),
    trace_id: stored.trace_id,
    virtual_key_id: stored.virtual_key_id,
    virtual_key_name: stored.virtual_key_name,
    team_id: stored.team_id,
    customer_id: stored.customer_id,
    content_summary: stored.content_summary ?? "",
    metadata: parseOrNull<Record<string, string>>(stored.metadata),
  };
}

/** `undefined` and `null` are both "not recorded". */
function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
