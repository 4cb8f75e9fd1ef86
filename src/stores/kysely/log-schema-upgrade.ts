import { sql, type Insertable, type Kysely } from "kysely";
import type { BifrostError } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { LogEntry, LogStatus, LogTokenUsage } from "../log-store.js";
import { filterValuesOf, filterValuesUpsert } from "./log-filter-values.js";
import { hourlyTotalsOf, hourlyTotalsUpsert, rollupRowOf } from "./log-rollups.js";
import { CONTENTS_COLUMNS, contentsValuesOf, LOGS_COLUMNS, logsValuesOf } from "./log-row-codec.js";
import { createLogIndexes, createLogTables, type LogSqlDialect } from "./log-schema.js";
import type { LogContentsTable, LogsDatabase, LogsTable } from "./log-tables.js";

/** Version 1 rows copied per statement: ~22 columns each stays under SQLite's and PostgreSQL's limits on parameters. */
const COPY_CHUNK = 1_000;

/**
 * Schema version 1 → 2, after the store's own step has renamed version 1's `logs` and
 * `log_contents` to `logs_v1` and `log_contents_v1` (and dropped what only it had). Every row is
 * kept: its content, stored in version 1 as the parsed conversation, answer and parameters, is
 * written back as the request and answer texts those read from, so it reads as it did; the hourly
 * totals and filter values are rebuilt from the rows, and the content indexer indexes them again.
 */
export async function upgradeLogTablesToV2(db: Kysely<LogsDatabase>, dialect: LogSqlDialect): Promise<void> {
  await db.schema.dropTable("log_hourly_totals").execute();
  await db.schema.dropTable("log_filter_values").execute();
  await createLogTables(db, dialect);
  for (let after = 0; ;) {
    const { rows } = await sql<V1Row>`select l.*, c.error_details, c.input_history, c.output_message, c.params, c.raw_request, c.raw_response, c.metadata
      from logs_v1 l left join log_contents_v1 c on c.seq = l.seq where l.seq > ${after} order by l.seq limit ${COPY_CHUNK}`.execute(db);
    if (rows.length === 0) break;
    const entries = rows.map(entryOfV1Row);
    await db
      .insertInto("logs")
      .values(rows.map((row, i) => ({ seq: Number(row.seq), ...rowOf<Insertable<LogsTable>>(LOGS_COLUMNS, logsValuesOf(entries[i]!)) })))
      .execute();
    await db
      .insertInto("log_contents")
      .values(rows.map((row, i) => ({ seq: Number(row.seq), ...rowOf<Omit<LogContentsTable, "seq">>(CONTENTS_COLUMNS, contentsValuesOf(entries[i]!)) })))
      .execute();
    const totals = hourlyTotalsOf(entries.map(rollupRowOf), 1);
    for (let start = 0; start < totals.length; start += COPY_CHUNK) await hourlyTotalsUpsert(db, totals.slice(start, start + COPY_CHUNK)).execute();
    const values = filterValuesOf(entries);
    if (values.length > 0) await filterValuesUpsert(db, values).execute();
    after = Number(rows[rows.length - 1]!.seq);
  }
  await db.schema.dropTable("log_contents_v1").execute();
  await db.schema.dropTable("logs_v1").execute();
  await createLogIndexes(db);
}

/** A row as inserted: the codec's values under its column names. */
function rowOf<T>(columns: readonly string[], values: ReadonlyArray<string | number | null>): T {
  return Object.fromEntries(columns.map((column, i) => [column, values[i] ?? null])) as T;
}

/** A version 1 row: `logs` with its JSON columns from `log_contents`. */
interface V1Row {
  seq: number;
  id: string;
  parent_request_id: string | null;
  timestamp: number;
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
  stream: number;
  token_usage: string | null;
  cost: number | null;
  stop_reason: string | null;
  trace_id: string | null;
  virtual_key_id: string | null;
  virtual_key_name: string | null;
  team_id: string | null;
  customer_id: string | null;
  error_details: string | null;
  input_history: string | null;
  output_message: string | null;
  params: string | null;
  raw_request: string | null;
  raw_response: string | null;
  metadata: string | null;
}

function entryOfV1Row(row: V1Row): LogEntry {
  const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
  return {
    id: row.id,
    parent_request_id: row.parent_request_id,
    timestamp: Number(row.timestamp),
    object: row.object_type,
    provider: row.provider,
    model: row.model,
    model_requested: row.model_requested,
    selected_key_name: row.selected_key_name,
    number_of_retries: row.number_of_retries,
    fallback_index: row.fallback_index,
    status: row.status,
    latency: row.latency,
    time_to_first_token: row.time_to_first_token,
    stream: Number(row.stream) === 1,
    token_usage: parse(row.token_usage) as LogTokenUsage | null,
    cost: row.cost,
    stop_reason: row.stop_reason,
    error_details: parse(row.error_details) as BifrostError | null,
    request_text: requestTextOfV1(parse(row.input_history), parse(row.params)),
    response_text: responseTextOfV1(parse(row.output_message)),
    response_kind: row.output_message === null || row.output_message === "null" ? null : "body",
    raw_request: row.raw_request,
    raw_response: row.raw_response,
    trace_id: row.trace_id,
    virtual_key_id: row.virtual_key_id,
    virtual_key_name: row.virtual_key_name,
    team_id: row.team_id,
    customer_id: row.customer_id,
    metadata: parse(row.metadata) as Record<string, string> | null,
  };
}

/** A request body that `logContentOf` reads back as this conversation and these parameters (the inverse of its `inputOf` and `paramsOf`). */
function requestTextOfV1(input: unknown, params: unknown): string | null {
  if (input === null && params === null) return null;
  const body: JsonObject = isRecord(params) ? { ...params } : {};
  if (Array.isArray(input)) body["messages"] = input;
  else if (isRecord(input) && input["instructions"] !== undefined && input["input"] !== undefined)
    Object.assign(body, { instructions: input["instructions"], input: input["input"] });
  else if (isRecord(input) && input["query"] !== undefined) Object.assign(body, { query: input["query"], documents: input["documents"] });
  else if (input !== null) body["input"] = input;
  return JSON.stringify(body);
}

/** An answer body that `logContentOf` reads back as this output (the inverse of its `outputOf` for bodies). */
function responseTextOfV1(output: unknown): string | null {
  if (output === null) return null;
  if (Array.isArray(output)) return JSON.stringify({ output });
  if (typeof output === "string") return JSON.stringify({ choices: [{ text: output }] });
  if (isRecord(output) && output["role"] !== undefined) return JSON.stringify({ choices: [{ message: output }] });
  return JSON.stringify(output);
}
