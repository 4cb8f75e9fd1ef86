import { sql, type Kysely, type SqlBool } from "kysely";
import type { LogsDatabase } from "./log-tables.js";

export type LogSqlDialect = "sqlite" | "postgres";

/** One step of a log store's schema; each store applies its list in order, once. */
export interface LogMigration {
  description: string;
  up(db: Kysely<LogsDatabase>): Promise<void>;
}

/**
 * Only what the logs API's common queries need, and nothing a row pays for without a use: every
 * index entry is a b-tree insert on the request log's hot path (~0.8 µs each on SQLite, measured).
 * Counts and stats come from `log_hourly_totals`, so no index carries the columns stats sum.
 *
 * - `(timestamp, id)`: the newest page; unique, so the same attempt written twice is one row.
 * - `(column, timestamp)` per filter: "this model, newest first" walks one index and stops after a
 *   page. Ties on the timestamp are put in id order by a sort of the tied rows only.
 * - Partial where most rows would add nothing: no key name, no virtual key, not a fallback, and
 *   `success` (a status filter that includes success walks the timestamp index instead, as nearly
 *   every row matches; the filter SQL adds `status <> 'success'` otherwise, so the planner can use it).
 * - No index for sorting by latency, tokens or cost: such a sort reads the filtered rows and keeps
 *   the top of them (bench/README.md has the figures at a million rows).
 */
const LOG_INDEXES: ReadonlyArray<{ name: string; columns: string[]; unique?: boolean; where?: string }> = [
  { name: "idx_logs_timestamp_id", columns: ["timestamp", "id"], unique: true },
  { name: "idx_logs_provider", columns: ["provider", "timestamp"] },
  { name: "idx_logs_model", columns: ["model", "timestamp"] },
  { name: "idx_logs_object_type", columns: ["object_type", "timestamp"] },
  { name: "idx_logs_status", columns: ["status", "timestamp"], where: "status <> 'success'" },
  { name: "idx_logs_selected_key_name", columns: ["selected_key_name", "timestamp"], where: "selected_key_name is not null" },
  { name: "idx_logs_virtual_key_id", columns: ["virtual_key_id", "timestamp"], where: "virtual_key_id is not null" },
  { name: "idx_logs_parent_request_id", columns: ["parent_request_id"], where: "parent_request_id is not null" },
];

/** The tables of schema version 2 (see log-tables.ts), without their indexes. */
export async function createLogTables(db: Kysely<LogsDatabase>, dialect: LogSqlDialect): Promise<void> {
  // SQLite: an INTEGER PRIMARY KEY is the rowid itself, which the full-text index points at.
  const seqType = dialect === "sqlite" ? "integer" : "bigint";
  // Tables keyed by a composite key are stored once, in key order, instead of as a table plus an index.
  const keyedByPrimaryKey = dialect === "sqlite" ? sql`without rowid` : sql``;
  // PostgreSQL: "by default", so that an upgrade can copy rows with the seq they had.
  await db.schema
    .createTable("logs")
    .addColumn("seq", seqType, (c) => (dialect === "sqlite" ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity()))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("timestamp", "bigint", (c) => c.notNull())
    .addColumn("parent_request_id", "text")
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("selected_key_name", "text")
    .addColumn("virtual_key_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("latency", "double precision")
    .addColumn("total_tokens", "bigint")
    .addColumn("cost", "double precision")
    .addColumn("stop_reason", "text")
    .execute();
  await db.schema
    .createTable("log_contents")
    .addColumn("seq", seqType, (c) => c.primaryKey())
    .addColumn("model_requested", "text", (c) => c.notNull())
    .addColumn("number_of_retries", "integer", (c) => c.notNull())
    .addColumn("fallback_index", "integer", (c) => c.notNull())
    .addColumn("time_to_first_token", "double precision")
    .addColumn("stream", "smallint", (c) => c.notNull())
    .addColumn("prompt_tokens", "bigint")
    .addColumn("completion_tokens", "bigint")
    .addColumn("cached_read_tokens", "bigint")
    .addColumn("cached_write_tokens", "bigint")
    .addColumn("reasoning_tokens", "bigint")
    .addColumn("trace_id", "text")
    .addColumn("virtual_key_name", "text")
    .addColumn("team_id", "text")
    .addColumn("customer_id", "text")
    .addColumn("metadata", "text")
    .addColumn("error_details", "text")
    .addColumn("raw_request", "text")
    .addColumn("raw_response", "text")
    .addColumn("request_text", "text")
    .addColumn("response_text", "text")
    .addColumn("response_kind", "text")
    .execute();
  await db.schema
    .createTable("log_ids")
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("seq", seqType, (c) => c.notNull())
    .addPrimaryKeyConstraint("pk_log_ids", ["id", "seq"])
    .modifyEnd(keyedByPrimaryKey)
    .execute();
  await db.schema
    .createTable("log_summaries")
    .addColumn("seq", seqType, (c) => c.primaryKey())
    .addColumn("content_summary", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("log_index_state")
    .addColumn("indexed_seq", seqType, (c) => c.notNull())
    .execute();
  await db.insertInto("log_index_state").values({ indexed_seq: 0 }).execute();
  await db.schema
    .createTable("log_filter_values")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("pk_log_filter_values", ["kind", "value"])
    .modifyEnd(keyedByPrimaryKey)
    .execute();
  await db.schema
    .createTable("log_hourly_totals")
    .addColumn("dimension", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("hour", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("requests", "bigint", (c) => c.notNull())
    .addColumn("latency_sum", "double precision", (c) => c.notNull())
    .addColumn("latency_count", "bigint", (c) => c.notNull())
    .addColumn("total_tokens", "bigint", (c) => c.notNull())
    .addColumn("total_cost", "double precision", (c) => c.notNull())
    .addPrimaryKeyConstraint("pk_log_hourly_totals", ["dimension", "value", "hour", "status"])
    .modifyEnd(keyedByPrimaryKey)
    .execute();
}

/** The indexes of `logs` (created after a migration has copied its rows in: building an index once is cheaper than row by row). */
export async function createLogIndexes(db: Kysely<LogsDatabase>): Promise<void> {
  for (const index of LOG_INDEXES) {
    let create = db.schema.createIndex(index.name).on("logs").columns(index.columns);
    if (index.unique) create = create.unique();
    if (index.where) create = create.where(sql.raw<SqlBool>(index.where));
    await create.execute();
  }
}
