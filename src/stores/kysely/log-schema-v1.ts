import type { Kysely } from "kysely";
import type { LogSqlDialect } from "./log-schema.js";

/**
 * Schema version 1 of the log store, as it shipped: migration step 1 of both stores creates it and
 * step 2 (log-schema.ts) moves its rows to version 2. Frozen: a step that has shipped is never edited.
 */

/** What stats summed: carried by every filter's index in version 1. */
const STATS_COLUMNS = ["status", "latency", "total_tokens", "cost"];

/**
 * Every filter of the logs API has an index that orders by (timestamp, id) after its column, so
 * "rows of this model, newest first" walks one index and stops after a page, and that then holds
 * the columns stats sum, so counting and summing the same rows is an index-only scan. Sorts by
 * latency, tokens or cost end in `id` for the same reason: ties broken by id keep pages stable.
 */
const LOG_INDEXES: ReadonlyArray<{ name: string; columns: string[] }> = [
  { name: "idx_logs_timestamp", columns: ["timestamp", "id"] },
  { name: "idx_logs_ts_provider_status", columns: ["timestamp", "provider", "status"] },
  { name: "idx_logs_provider", columns: ["provider", "timestamp", "id", ...STATS_COLUMNS] },
  { name: "idx_logs_model", columns: ["model", "timestamp", "id", ...STATS_COLUMNS] },
  { name: "idx_logs_status", columns: ["status", "timestamp", "id", "latency", "total_tokens", "cost"] },
  { name: "idx_logs_object_type", columns: ["object_type", "timestamp", "id", ...STATS_COLUMNS] },
  { name: "idx_logs_selected_key_name", columns: ["selected_key_name", "timestamp", "id", ...STATS_COLUMNS] },
  { name: "idx_logs_virtual_key_id", columns: ["virtual_key_id", "timestamp", "id", ...STATS_COLUMNS] },
  { name: "idx_logs_parent_request_id", columns: ["parent_request_id"] },
  { name: "idx_logs_stop_reason", columns: ["stop_reason"] },
  { name: "idx_logs_latency", columns: ["latency", "id"] },
  { name: "idx_logs_total_tokens", columns: ["total_tokens", "id"] },
  { name: "idx_logs_cost", columns: ["cost", "id"] },
  { name: "idx_logs_stats", columns: ["timestamp", ...STATS_COLUMNS] },
];

/** The tables and indexes both stores shared in version 1; each store added its own content search on top. */
export async function createLogTablesV1<DB>(db: Kysely<DB>, dialect: LogSqlDialect): Promise<void> {
  // SQLite: an INTEGER PRIMARY KEY is the rowid itself, which the full-text index points at.
  const seqType = dialect === "sqlite" ? "integer" : "bigint";
  await db.schema
    .createTable("logs")
    .addColumn("seq", seqType, (c) => (dialect === "sqlite" ? c.primaryKey() : c.primaryKey().generatedAlwaysAsIdentity()))
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("parent_request_id", "text")
    .addColumn("timestamp", "bigint", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("model_requested", "text", (c) => c.notNull())
    .addColumn("selected_key_name", "text")
    .addColumn("number_of_retries", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("fallback_index", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("latency", "double precision")
    .addColumn("time_to_first_token", "double precision")
    .addColumn("stream", "smallint", (c) => c.notNull().defaultTo(0))
    .addColumn("token_usage", "text")
    .addColumn("prompt_tokens", "bigint")
    .addColumn("completion_tokens", "bigint")
    .addColumn("total_tokens", "bigint")
    .addColumn("cost", "double precision")
    .addColumn("stop_reason", "text")
    .addColumn("trace_id", "text")
    .addColumn("virtual_key_id", "text")
    .addColumn("virtual_key_name", "text")
    .addColumn("team_id", "text")
    .addColumn("customer_id", "text")
    .execute();
  await db.schema
    .createTable("log_contents")
    .addColumn("seq", seqType, (c) => c.primaryKey())
    .addColumn("error_details", "text")
    .addColumn("input_history", "text")
    .addColumn("output_message", "text")
    .addColumn("params", "text")
    .addColumn("raw_request", "text")
    .addColumn("raw_response", "text")
    .addColumn("metadata", "text")
    .addColumn("content_summary", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .createTable("log_filter_values")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("pk_log_filter_values", ["kind", "value"])
    .execute();
  await db.schema
    .createTable("log_hourly_totals")
    .addColumn("hour", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("requests", "bigint", (c) => c.notNull())
    .addColumn("latency_sum", "double precision", (c) => c.notNull())
    .addColumn("latency_count", "bigint", (c) => c.notNull())
    .addColumn("total_tokens", "bigint", (c) => c.notNull())
    .addColumn("total_cost", "double precision", (c) => c.notNull())
    .addPrimaryKeyConstraint("pk_log_hourly_totals", ["hour", "status"])
    .execute();
  for (const index of LOG_INDEXES) await db.schema.createIndex(index.name).on("logs").columns(index.columns).execute();
}
