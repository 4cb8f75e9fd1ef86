import type { Generated } from "kysely";
import type { LogResponseKind, LogStatus } from "../log-store.js";

/**
 * The log store's tables, the same on SQLite and PostgreSQL (schema version 2).
 *
 * `logs` holds only what is filtered, sorted or summed (about a hundred bytes a row), so scans and
 * index lookups read few pages; everything else of a row — the request and answer as the JSON texts
 * the gateway held, errors, the less used scalars — is in `log_contents`, read only for the rows a
 * page shows. Both are keyed by `seq`, an integer the database assigns in insertion order.
 *
 * What is costly to keep up to date on every insert is built afterwards, by the store's content
 * indexer, for the rows up to a watermark (`log_index_state`): the content summaries and their
 * full-text index (`log_summaries`), and the id → seq map (`log_ids`; a request id is random, so an
 * index on it takes a random page per row). Reads add the rows after the watermark by scanning them.
 */
export interface LogsTable {
  seq: Generated<number>;
  id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  parent_request_id: string | null;
  /** Bifrost's column name for the request type (`object` on the wire). */
  object_type: string;
  provider: string;
  model: string;
  selected_key_name: string | null;
  virtual_key_id: string | null;
  status: LogStatus;
  latency: number | null;
  /** Null when the attempt has no usage (then `log_contents` has no token counts either). */
  total_tokens: number | null;
  cost: number | null;
  stop_reason: string | null;
}

/** The rest of a row. JSON columns are text; null stands for "not recorded". */
export interface LogContentsTable {
  seq: number;
  model_requested: string;
  number_of_retries: number;
  fallback_index: number;
  time_to_first_token: number | null;
  /** 0 or 1: one integer type reads the same from both databases. */
  stream: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cached_read_tokens: number | null;
  cached_write_tokens: number | null;
  reasoning_tokens: number | null;
  trace_id: string | null;
  virtual_key_name: string | null;
  team_id: string | null;
  customer_id: string | null;
  metadata: string | null;
  error_details: string | null;
  raw_request: string | null;
  raw_response: string | null;
  /** The canonical request body, as the gateway held it. */
  request_text: string | null;
  /** The answer's body, or a stream's chunks as a JSON array (see `response_kind`). */
  response_text: string | null;
  response_kind: LogResponseKind | null;
}

/** Request id → row, for rows up to the watermark. Not unique: two attempts may share an id (a client reusing `x-request-id`). */
export interface LogIdsTable {
  id: string;
  seq: number;
}

/** The searchable text of each indexed row that has any (see `contentSummaryOf`). */
export interface LogSummariesTable {
  seq: number;
  content_summary: string;
}

/** One row: every row with `seq <= indexed_seq` has its summary and id indexed (or was deleted). */
export interface LogIndexStateTable {
  indexed_seq: number;
}

/**
 * The distinct values the filter pickers offer, kept up to date as rows are written, so
 * `filterdata` reads a handful of rows instead of scanning the store for DISTINCT values.
 */
export interface LogFilterValuesTable {
  kind: FilterValueKind;
  value: string;
  /** What to show: the value itself, or a virtual key's name. */
  label: string;
}

export type FilterValueKind = "model" | "provider" | "selected_key_name" | "object" | "stop_reason" | "virtual_key";

/** What the hourly totals are kept by: every row, and each value of each filter dimension. */
export type RollupDimension = "all" | FilterValueKind;

/** Sums of the rows of one hour (epoch ms / 3,600,000) and status that have `value` in `dimension`; see log-rollups.ts. */
export interface LogHourlyTotalsTable {
  dimension: RollupDimension;
  /** The dimension's value ("" for `all`). */
  value: string;
  hour: number;
  status: LogStatus;
  requests: number;
  latency_sum: number;
  latency_count: number;
  total_tokens: number;
  total_cost: number;
}

export interface LogsDatabase {
  logs: LogsTable;
  log_contents: LogContentsTable;
  log_ids: LogIdsTable;
  log_summaries: LogSummariesTable;
  log_index_state: LogIndexStateTable;
  log_filter_values: LogFilterValuesTable;
  log_hourly_totals: LogHourlyTotalsTable;
}
