import type { BifrostError } from "../schema/error.js";
import type { JsonObject } from "../schema/json.js";

/**
 * The request log: one row per attempt (a fallback attempt is a row of its own, pointing at the
 * request it serves), in Bifrost's field names so its logs API and dashboard read the same.
 * Rows are written in batches by one writer, off the request path; the API reads them back.
 */

/** Bifrost's log states: a row is written once its attempt has ended, so `processing` is rare. */
export type LogStatus = "processing" | "success" | "error";

/** Token counts of one attempt, as the provider reported them (or as counted at a stream's end). */
export interface LogTokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_read_tokens?: number;
  cached_write_tokens?: number;
  reasoning_tokens?: number;
}

export interface LogRow {
  /** The request id (`x-request-id`) for the first attempt; a fresh id for each fallback attempt. */
  id: string;
  /** Fallback attempts: the id of the request they serve. */
  parent_request_id: string | null;
  /** Epoch milliseconds when the attempt started. */
  timestamp: number;
  /** Bifrost's request type: `chat_completion`, `chat_completion_stream`, `embedding`, `file_upload`, … */
  object: string;
  provider: string;
  /** The model as the provider knows it (after any deployment mapping). */
  model: string;
  /** The model as the caller wrote it (`provider/model`, or bare on a drop-in surface). */
  model_requested: string;
  /** The key's name, never its value. */
  selected_key_name: string | null;
  number_of_retries: number;
  /** 0 for the primary target, i for `fallbacks[i-1]`. */
  fallback_index: number;
  status: LogStatus;
  /** Milliseconds from the start of the attempt to its end (a stream's last byte). */
  latency: number | null;
  /** Streams: milliseconds to the first chunk. */
  time_to_first_token: number | null;
  stream: boolean;
  token_usage: LogTokenUsage | null;
  /** USD; null when the model has no price (never a silent 0). */
  cost: number | null;
  stop_reason: string | null;
  error_details: BifrostError | null;
  /** The conversation sent (canonical messages or Responses input); null with content logging off. */
  input_history: unknown;
  /** What came back: the message (text, tool calls, reasoning), embeddings summary, or resource; null with content logging off. */
  output_message: unknown;
  /** Request parameters other than the content (temperature, tools, max_tokens, …). */
  params: JsonObject | null;
  raw_request: unknown;
  raw_response: unknown;
  /** W3C trace id of the request, when tracing is on or the caller sent a `traceparent`. */
  trace_id: string | null;
  /** Governance, once it exists: who made the request. */
  virtual_key_id: string | null;
  virtual_key_name: string | null;
  team_id: string | null;
  customer_id: string | null;
  /** Plain text of the input and output, for `content_search`; empty with content logging off. */
  content_summary: string;
  /** `client.logging_headers` and `x-bf-lh-*` values. */
  metadata: Record<string, string> | null;
}

/** The fields of a row the writer knows as values: everything but the content. */
export type LogScalars = Omit<LogRow, "error_details" | "input_history" | "output_message" | "params" | "raw_request" | "raw_response" | "content_summary">;

/**
 * An attempt as the log writer hands it to the store: its scalars, and its content as the JSON
 * texts the gateway already held — the request body, the answer — so nothing is parsed or
 * serialised again to log it. The store derives `input_history`, `output_message`, `params` and
 * the content summary from these texts (`src/schema/log-content.ts`) when they are read or indexed.
 */
export interface LogEntry extends LogScalars {
  /** The canonical request body as JSON text; null with content logging off or for a request without one. */
  request_text: string | null;
  /** The answer as JSON text: a body (`body`), or a stream's canonical chunks as a JSON array (`chunks`); null when there is none or content logging is off. */
  response_text: string | null;
  response_kind: LogResponseKind | null;
  error_details: BifrostError | null;
  /** `x-bf-send-back-raw-response`: what the provider was sent and answered, as JSON text. */
  raw_request: string | null;
  raw_response: string | null;
}

export type LogResponseKind = "body" | "chunks";

export type LogSortField = "timestamp" | "latency" | "tokens" | "cost";

/** `GET /api/logs` filters (every field optional; lists match any of their values). */
export interface LogFilter {
  providers?: string[];
  models?: string[];
  status?: LogStatus[];
  objects?: string[];
  selectedKeyNames?: string[];
  virtualKeyIds?: string[];
  /** Epoch milliseconds, inclusive. */
  startTime?: number;
  endTime?: number;
  minLatency?: number;
  maxLatency?: number;
  minTokens?: number;
  maxTokens?: number;
  minCost?: number;
  maxCost?: number;
  /** Rows whose cost is unknown (unpriced model or no usage). */
  missingCostOnly?: boolean;
  /** Substring of the content summary. */
  contentSearch?: string;
  parentRequestId?: string;
}

export interface LogPage {
  limit: number;
  offset: number;
  sortBy: LogSortField;
  order: "asc" | "desc";
}

export interface LogStats {
  total_requests: number;
  /** Percent of finished rows (success + error) that succeeded. */
  success_rate: number;
  /** Milliseconds. */
  average_latency: number;
  total_tokens: number;
  total_cost: number;
}

export interface LogSearchResult {
  logs: LogRow[];
  totalCount: number;
  stats: LogStats;
}

/** The distinct values present, for filter pickers. */
export interface LogFilterData {
  models: string[];
  providers: string[];
  selected_key_names: string[];
  objects: string[];
  stop_reasons: string[];
  /** Virtual keys seen, by id with the name they had when last logged. */
  virtual_keys: Array<{ id: string; name: string }>;
}

export interface LogStore {
  /**
   * Inserts entries in one transaction. An attempt already stored (the same id and start time: the
   * same entry written twice) is left as it is; two attempts that share an id (a client reusing its
   * `x-request-id`) are both kept, and `get` answers the first written.
   */
  insertBatch(entries: readonly LogEntry[]): Promise<void>;
  search(filter: LogFilter, page: LogPage): Promise<LogSearchResult>;
  stats(filter: LogFilter): Promise<LogStats>;
  /** The row with this id (the first written, if attempts share it). */
  get(id: string): Promise<LogRow | undefined>;
  filterData(): Promise<LogFilterData>;
  /** Deletes the rows with these ids (every attempt under each); answers how many went. */
  delete(ids: readonly string[]): Promise<number>;
  /** Deletes rows older than the cutoff (epoch ms); answers how many went. */
  deleteOlderThan(cutoff: number): Promise<number>;
  /** Whether any row exists (cheap). */
  hasLogs(): Promise<boolean>;
  close(): Promise<void>;
}
