import { performance } from "node:perf_hooks";
import { Kysely, PostgresDialect, sql, type SqlBool } from "kysely";
import type { PostgresSettings } from "../../config/types.js";
import type { IndexSlice, UnindexedRow } from "../kysely/content-indexer.js";
import { KyselyLogStore, type LogStoreOptions } from "../kysely/kysely-log-store.js";
import type { ContentSearchSql } from "../kysely/log-content-search.js";
import { containsPattern } from "../kysely/log-filter-sql.js";
import { filterValuesOf, filterValuesUpsert } from "../kysely/log-filter-values.js";
import { hourlyTotalsOf, hourlyTotalsUpsert, rollupRowOf } from "../kysely/log-rollups.js";
import { CONTENTS_COLUMNS, contentSummaryOfTexts, contentsValuesOf, LOGS_COLUMNS, logsValuesOf } from "../kysely/log-row-codec.js";
import type { LogsDatabase } from "../kysely/log-tables.js";
import type { LogEntry } from "../log-store.js";
import { ensureTrigramIndex, migratePostgresLogs } from "./postgres-log-schema.js";
import { createPostgresPool } from "./postgres-pool.js";

/** Rows per INSERT: each column is one array parameter, so this bounds only the statement's size (texts included). */
const INSERT_CHUNK = 1_000;

/** Totals upserted per statement: nine parameters each stays far under PostgreSQL's 65,535 a statement. */
const UPSERT_CHUNK = 1_000;

/**
 * Any fixed number. Writers hold it shared while they insert; the content indexer takes it
 * exclusively for a moment to learn the highest `seq` below which no insert is still in flight (see readHorizon).
 */
const WRITE_LOCK = 0x1415_6c70;

/** PostgreSQL's type of each column, for the arrays a batch is sent as. */
const COLUMN_TYPES: Record<(typeof LOGS_COLUMNS)[number] | (typeof CONTENTS_COLUMNS)[number], string> = {
  id: "text",
  timestamp: "bigint",
  parent_request_id: "text",
  object_type: "text",
  provider: "text",
  model: "text",
  selected_key_name: "text",
  virtual_key_id: "text",
  status: "text",
  latency: "double precision",
  total_tokens: "bigint",
  cost: "double precision",
  stop_reason: "text",
  model_requested: "text",
  number_of_retries: "integer",
  fallback_index: "integer",
  time_to_first_token: "double precision",
  stream: "smallint",
  prompt_tokens: "bigint",
  completion_tokens: "bigint",
  cached_read_tokens: "bigint",
  cached_write_tokens: "bigint",
  reasoning_tokens: "bigint",
  trace_id: "text",
  virtual_key_name: "text",
  team_id: "text",
  customer_id: "text",
  metadata: "text",
  error_details: "text",
  raw_request: "text",
  raw_response: "text",
  request_text: "text",
  response_text: "text",
  response_kind: "text",
};

const POSTGRES_CONTENT_SEARCH: ContentSearchSql = {
  // ILIKE: case-insensitive, as SQLite's trigram index is; pg_trgm's GIN index serves it.
  indexedMatch: (text) => sql<SqlBool>`logs.seq in (select seq from log_summaries where content_summary ilike ${containsPattern(text)} escape '\\')`,
  seqIn: (seqs) => sql<SqlBool>`logs.seq = any(${seqs}::bigint[])`,
  like: "ilike",
};

/** The request log in PostgreSQL (`logs_store.type: "postgres"`), through the same queries as SQLite's. */
export class PostgresLogStore extends KyselyLogStore {
  /** Every row with a `seq` up to this is committed (or rolled back) for good: the content indexer goes no further. */
  private horizon = 0;
  private lastWatermark = 0;

  private constructor(
    db: Kysely<LogsDatabase>,
    /** Whether `content_search` has its trigram index (false: it scans; see ensureTrigramIndex). */
    readonly contentSearchIndexed: boolean,
    options: LogStoreOptions,
  ) {
    super(db, { contentSearch: POSTGRES_CONTENT_SEARCH, deletion: { seqsMayBeReused: false } }, options);
  }

  /**
   * Connects, applies pending migrations and makes sure of the content search index. `onIdleError`
   * hears of idle connections the server ended (the pool replaces them).
   */
  static async open(settings: PostgresSettings, onIdleError: (err: Error) => void = () => {}, options: LogStoreOptions = {}): Promise<PostgresLogStore> {
    const db = new Kysely<LogsDatabase>({ dialect: new PostgresDialect({ pool: createPostgresPool(settings, onIdleError) }) });
    try {
      await migratePostgresLogs(db);
      return new PostgresLogStore(db, await ensureTrigramIndex(db), options);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  /**
   * One transaction: each chunk of entries is one statement with an array per column, inserting
   * `logs` and `log_contents` together; then the hourly totals and filter values of the rows inserted.
   */
  protected async insertEntries(entries: readonly LogEntry[]): Promise<void> {
    // The first entry of a (timestamp, id) wins, as a second one would conflict with it in the same statement.
    const firsts = new Map<string, LogEntry>();
    for (const entry of entries) {
      const key = `${entry.timestamp}\u0000${entry.id}`;
      if (!firsts.has(key)) firsts.set(key, entry);
    }
    const rows = [...firsts.values()];
    await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock_shared(${WRITE_LOCK})`.execute(trx);
      const inserted: LogEntry[] = [];
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK);
        const { rows: added } = await insertChunk(chunk).execute(trx);
        for (const { i } of added) inserted.push(chunk[Number(i) - 1]!);
      }
      const totals = hourlyTotalsOf(inserted.map(rollupRowOf), 1);
      for (let start = 0; start < totals.length; start += UPSERT_CHUNK) await hourlyTotalsUpsert(trx, totals.slice(start, start + UPSERT_CHUNK)).execute();
      const values = filterValuesOf(inserted);
      if (values.length > 0) await filterValuesUpsert(trx, values).execute();
    });
  }

  /**
   * One slice of the content indexer: the watermark row locked (one indexer at a time, however many
   * replicas), the rows after it up to the horizon read and locked against deletion, their ids and
   * summaries written, the watermark moved past them.
   */
  protected async indexSlice(maxRows: number, deadline: number): Promise<IndexSlice> {
    if (this.horizon <= this.lastWatermark) this.horizon = await this.readHorizon();
    const horizon = this.horizon;
    return this.db.transaction().execute(async (trx) => {
      const { rows: state } = await sql<{ indexed_seq: number }>`select indexed_seq from log_index_state for update`.execute(trx);
      const watermark = Number(state[0]?.indexed_seq ?? 0);
      this.lastWatermark = watermark;
      if (watermark >= horizon) return { rows: 0, caughtUp: true };
      const { rows } = await sql<UnindexedRow>`select logs.seq, logs.id, logs.object_type, c.request_text, c.response_text, c.response_kind
        from logs left join log_contents c on c.seq = logs.seq
        where logs.seq > ${watermark} and logs.seq <= ${horizon} order by logs.seq limit ${maxRows} for key share of logs`.execute(trx);
      const ids: Array<{ id: string; seq: number }> = [];
      const summaries: Array<{ seq: number; content_summary: string }> = [];
      for (const row of rows) {
        const seq = Number(row.seq);
        ids.push({ id: row.id, seq });
        const summary = contentSummaryOfTexts(row.request_text, row.response_text, row.response_kind, row.object_type);
        if (summary !== "") summaries.push({ seq, content_summary: summary });
        if (performance.now() >= deadline) break;
      }
      if (ids.length > 0)
        await trx
          .insertInto("log_ids")
          .values(ids)
          .onConflict((oc) => oc.doNothing())
          .execute();
      if (summaries.length > 0)
        await trx
          .insertInto("log_summaries")
          .values(summaries)
          .onConflict((oc) => oc.doNothing())
          .execute();
      // Every row up to the horizon has been seen once a slice reads fewer than it may: rows deleted meanwhile leave gaps.
      const through = ids.length === rows.length && rows.length < maxRows ? horizon : ids[ids.length - 1]!.seq;
      await trx.updateTable("log_index_state").set({ indexed_seq: through }).execute();
      this.lastWatermark = through;
      return { rows: ids.length, caughtUp: through >= horizon };
    });
  }

  /**
   * The highest `seq` below which every insert has finished. Sequence values are handed out when a
   * row is inserted, not when it commits, so a replica's batch still in flight may hold a lower one
   * than a batch already committed; waiting for the write lock exclusively lets those finish first.
   */
  private readHorizon(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
      const last = await trx
        .selectFrom("logs")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirst();
      return Number(last?.seq ?? 0);
    });
  }
}

/** `logs` and `log_contents` of a chunk in one statement: column arrays unnested, inserted rows answered by their place in the chunk (1-based). */
function insertChunk(chunk: readonly LogEntry[]) {
  const logs = chunk.map(logsValuesOf);
  const contents = chunk.map(contentsValuesOf);
  const arrays = [
    ...LOGS_COLUMNS.map((column, c) => sql`${logs.map((row) => row[c] ?? null)}::${sql.raw(COLUMN_TYPES[column])}[]`),
    ...CONTENTS_COLUMNS.map((column, c) => sql`${contents.map((row) => row[c] ?? null)}::${sql.raw(COLUMN_TYPES[column])}[]`),
  ];
  const names = sql.raw([...LOGS_COLUMNS, ...CONTENTS_COLUMNS, "i"].join(", "));
  const logColumns = sql.raw(LOGS_COLUMNS.join(", "));
  const contentColumns = sql.raw(CONTENTS_COLUMNS.join(", "));
  const contentValues = sql.raw(CONTENTS_COLUMNS.map((column) => `v.${column}`).join(", "));
  return sql<{ i: number }>`with v as (select * from unnest(${sql.join(arrays)}) with ordinality as v(${names})),
    ins as (insert into logs (${logColumns}) select ${logColumns} from v order by i on conflict (timestamp, id) do nothing returning seq, id, timestamp),
    c as (insert into log_contents (seq, ${contentColumns}) select ins.seq, ${contentValues} from ins join v on v.id = ins.id and v.timestamp = ins.timestamp)
    select v.i from ins join v on v.id = ins.id and v.timestamp = ins.timestamp`;
}
