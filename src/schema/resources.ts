/**
 * Canonical shapes of non-model resources, OpenAI-shaped (as Bifrost's are). Providers with other
 * wire formats (Anthropic, Gemini) convert into these; provider-specific fields ride along.
 */

export type BatchStatus = "validating" | "failed" | "in_progress" | "finalizing" | "completed" | "expired" | "cancelling" | "cancelled";

export interface BatchRequestCounts {
  total: number;
  completed: number;
  failed: number;
  succeeded: number;
  expired: number;
  canceled: number;
  pending: number;
}

export interface CanonicalBatch {
  id: string;
  object: "batch";
  status: BatchStatus;
  request_counts: BatchRequestCounts;
  created_at: number;
  endpoint?: string;
  input_file_id?: string | null;
  completion_window?: string;
  metadata?: Record<string, string> | null;
  expires_at?: number | null;
  in_progress_at?: number | null;
  completed_at?: number | null;
  cancelling_at?: number | null;
  cancelled_at?: number | null;
  output_file_id?: string | null;
  error_file_id?: string | null;
  /** Anthropic's own status (`in_progress`, `canceling`, `ended`). */
  processing_status?: string;
  /** Anthropic: where the results are. */
  results_url?: string | null;
  archived_at?: number | null;
  /** Gemini: the long-running operation's name. */
  operation_name?: string;
  model?: string;
  [field: string]: unknown;
}

export interface CanonicalFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status?: string;
  expires_at?: number | null;
  [field: string]: unknown;
}

/** One request of an inline batch: OpenAI's `{custom_id, body}` or Anthropic's `{custom_id, params}`. */
export interface BatchRequestItem {
  custom_id: string;
  method?: string;
  url?: string;
  body?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

/** One line of batch results; OpenAI-style `response`, Anthropic-style `result`, or an `error`. */
export interface BatchResultItem {
  custom_id: string;
  response?: { status_code: number; request_id?: string; body: unknown };
  result?: { type: string; [field: string]: unknown };
  error?: { code?: string; message: string } | null;
  [field: string]: unknown;
}

/** Seconds since the epoch from an ISO-8601 time (Anthropic, Gemini); undefined when absent or unreadable. */
export function unixSeconds(iso: unknown): number | undefined {
  if (typeof iso !== "string") return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
