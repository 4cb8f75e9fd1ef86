import type { Generated } from "kysely";
import type { LogStatus } from "../log-store.js";

/**
 * The log store's tables, the same on SQLite and PostgreSQL. `logs` holds only what is filtered,
 * sorted or summed, so a scan for stats reads a few hundred bytes a row; the bulky JSON of each
 * row (messages, raw bodies, errors) lives in `log_contents`, read only for the rows a page shows.
 * Both are keyed by `seq`, an integer the database assigns, so the join and SQLite's full-text
 * index can use the cheapest key there is; `id` (the request id) is unique beside it.
 */
export interface LogsTable {
  seq: Generated<number>;
  id: string;
  parent_request_id: string | null;
  /** Epoch milliseconds. */
  timestamp: number;
  /** Bifrost's column name for the request type (`object` on the wire). */
  object_type: string;
  provider: string;
  model: string;
  model_requested: string;
  selected_key_name: string | null;
  number_of_retries: number;
  fallback_index: number;
  status: LogStatus;
  latency: number | null;
  time_to_first_token: number | null;
  /** 0 or 1: one integer type reads the same from both databases. */
  stream: number;
  /** JSON of the whole usage; the counts below are copied out of it for filters and sorts. */
  token_usage: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  stop_reason: string | null;
  trace_id: string | null;
  virtual_key_id: string | null;
  virtual_key_name: string | null;
  team_id: string | null;
  customer_id: string | null;
}

/** JSON columns are text; null stands for "not recorded". */
export interface LogContentsTable {
  seq: number;
  error_details: string | null;
  input_history: string | null;
  output_message: string | null;
  params: string | null;
  raw_request: string | null;
  raw_response: string | null;
  metadata: string | null;
  content_summary: string;
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

/** Sums of the rows of one hour (epoch ms / 3,600,000) and status; see log-hourly-totals.ts. */
export interface LogHourlyTotalsTable {
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
  log_filter_values: LogFilterValuesTable;
  log_hourly_totals: LogHourlyTotalsTable;
}
