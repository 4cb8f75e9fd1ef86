import { mkdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type SqlBool } from "kysely";
import type { IndexSlice, UnindexedRow } from "../kysely/content-indexer.js";
import { KyselyLogStore, type LogStoreOptions } from "../kysely/kysely-log-store.js";
import type { ContentSearchSql } from "../kysely/log-content-search.js";
import { containsPattern } from "../kysely/log-filter-sql.js";
import { filterValuesOf, filterValuesUpsert } from "../kysely/log-filter-values.js";
import { hourlyTotalsOf, hourlyTotalsUpsert, rollupRowOf } from "../kysely/log-rollups.js";
import { CONTENTS_COLUMNS, contentSummaryOfTexts, contentsValuesOf, LOGS_COLUMNS, logsValuesOf } from "../kysely/log-row-codec.js";
import type { LogHourlyTotalsTable, LogsDatabase } from "../kysely/log-tables.js";
import type { LogEntry } from "../log-store.js";
import { applyMigrations } from "./apply-migrations.js";
import { SQLITE_LOG_MIGRATIONS } from "./sqlite-log-schema.js";

/** Bifrost's file name for the request log, beside the config database in the app dir. */
const SQLITE_LOGS_FILE_NAME = "logs.db";

/** How long a statement waits for another connection holding the write lock. */
const BUSY_TIMEOUT_MS = 5_000;

/** Page cache, KiB: enough for the indexes of a million rows, so searches seldom read the file. */
const CACHE_KIB = 65_536;

export interface SqliteLogStoreOptions extends LogStoreOptions {
  /** Page cache of this connection, KiB (default 64 MiB, for searches); a connection that only writes needs far less. */
  cacheKiB?: number;
}

/** The trigram tokenizer indexes three characters at a time: shorter searches cannot use it. */
const TRIGRAM = 3;

/** The hourly totals' columns, in the order the prepared upsert binds them. */
const TOTALS_COLUMNS = ["dimension", "value", "hour", "status", "requests", "latency_sum", "latency_count", "total_tokens", "total_cost"] as const;

const SQLITE_CONTENT_SEARCH: ContentSearchSql = {
  // Three characters or more: the trigram index. Fewer: a scan of the summaries, as the index cannot help.
  indexedMatch(text) {
    if ([...text].length >= TRIGRAM) {
      const phrase = `"${text.replaceAll('"', '""')}"`;
      return sql<SqlBool>`logs.seq in (select rowid from logs_fts where logs_fts match ${phrase})`;
    }
    return sql<SqlBool>`logs.seq in (select seq from log_summaries where content_summary like ${containsPattern(text)} escape '\\')`;
  },
  // One JSON parameter however many rows, where `in (?, ?, …)` would run into SQLite's limit on parameters.
  seqIn: (seqs) => sql<SqlBool>`logs.seq in (select value from json_each(${JSON.stringify(seqs)}))`,
  like: "like",
};

/** The request log in a SQLite file (`<appDir>/logs.db` unless `logs_store.config.path` says otherwise). */
export class SqliteLogStore extends KyselyLogStore {
  private readonly insertLog: Database.Statement;
  private readonly insertContents: Database.Statement;
  private readonly upsertTotals: Database.Statement;
  private readonly upsertFilterValue: Database.Statement;
  private readonly readWatermark: Database.Statement<[], { indexed_seq: number }>;
  private readonly unindexedRows: Database.Statement<[number, number], UnindexedRow>;
  private readonly insertId: Database.Statement;
  private readonly insertSummary: Database.Statement;
  private readonly insertFullText: Database.Statement;
  private readonly writeWatermark: Database.Statement;

  private constructor(
    private readonly database: Database.Database,
    db: Kysely<LogsDatabase>,
    options: LogStoreOptions,
  ) {
    super(db, { contentSearch: SQLITE_CONTENT_SEARCH, deletion: { seqsMayBeReused: true } }, options);
    // Positional parameters: binding an object by name costs more per row (measured; bench/README.md).
    const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");
    this.insertLog = database.prepare(
      `insert into logs (${LOGS_COLUMNS.join(", ")}) values (${placeholders(LOGS_COLUMNS.length)}) on conflict (timestamp, id) do nothing`,
    );
    this.insertContents = database.prepare(
      `insert into log_contents (seq, ${CONTENTS_COLUMNS.join(", ")}) values (${placeholders(CONTENTS_COLUMNS.length + 1)})`,
    );
    // kysely writes the upserts (the same SQL as PostgreSQL's); compiled once for one row, run once per group.
    const sampleTotals = Object.fromEntries(TOTALS_COLUMNS.map((column) => [column, 0])) as unknown as LogHourlyTotalsTable;
    this.upsertTotals = database.prepare(hourlyTotalsUpsert(db, [sampleTotals]).compile().sql);
    this.upsertFilterValue = database.prepare(filterValuesUpsert(db, [{ kind: "model", value: "", label: "" }]).compile().sql);
    this.readWatermark = database.prepare("select indexed_seq from log_index_state");
    this.unindexedRows = database.prepare(
      `select logs.seq, logs.id, logs.object_type, c.request_text, c.response_text, c.response_kind
       from logs left join log_contents c on c.seq = logs.seq where logs.seq > ? order by logs.seq limit ?`,
    );
    this.insertId = database.prepare("insert into log_ids (id, seq) values (?, ?) on conflict do nothing");
    this.insertSummary = database.prepare("insert into log_summaries (seq, content_summary) values (?, ?) on conflict do nothing");
    this.insertFullText = database.prepare("insert into logs_fts (rowid, content_summary) values (?, ?)");
    this.writeWatermark = database.prepare("update log_index_state set indexed_seq = ?");
  }

  /** Opens (creating if needed) the file: WAL, a busy timeout, and every pending migration applied. */
  static async open(file: string, options: SqliteLogStoreOptions = {}): Promise<SqliteLogStore> {
    mkdirSync(path.dirname(file), { recursive: true });
    const database = new Database(file);
    try {
      database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      database.pragma("journal_mode = WAL");
      // Logs are not money: a power cut may lose the last batches, never corrupt the file. NORMAL
      // skips the fsync per commit that FULL (iris.db's setting) pays.
      database.pragma("synchronous = NORMAL");
      database.pragma(`cache_size = -${options.cacheKiB ?? CACHE_KIB}`);
    } catch (err) {
      database.close();
      throw err;
    }
    const db = new Kysely<LogsDatabase>({ dialect: new SqliteDialect({ database }) });
    try {
      await applyMigrations(db, SQLITE_LOG_MIGRATIONS, SQLITE_LOGS_FILE_NAME);
      return new SqliteLogStore(database, db, options);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  /**
   * One synchronous transaction of prepared statements: each row and its contents, then an upsert
   * per hourly total and filter value the inserted rows touch (a batch of a thousand rows touches
   * a few hundred at most). Nothing is parsed or serialised but the rare error and metadata.
   */
  protected async insertEntries(entries: readonly LogEntry[]): Promise<void> {
    // Holding kysely's connection keeps this transaction out of any of kysely's (a prune's batch) in flight.
    await this.db.connection().execute(() => {
      this.database
        .transaction(() => {
          const inserted: LogEntry[] = [];
          for (const entry of entries) {
            const added = this.insertLog.run(logsValuesOf(entry));
            if (added.changes === 0) continue;
            this.insertContents.run(added.lastInsertRowid, contentsValuesOf(entry));
            inserted.push(entry);
          }
          for (const group of hourlyTotalsOf(inserted.map(rollupRowOf), 1)) this.upsertTotals.run(TOTALS_COLUMNS.map((column) => group[column]));
          for (const value of filterValuesOf(inserted)) this.upsertFilterValue.run(value.kind, value.value, value.label);
        })
        // Immediate: the write lock first, so a second process writing the file waits instead of failing mid-batch.
        .immediate();
      return Promise.resolve();
    });
  }

  /** One slice of the content indexer, in one synchronous transaction: the rows' ids, summaries and full-text entries, then the watermark. */
  protected indexSlice(maxRows: number, deadline: number): Promise<IndexSlice> {
    return this.db.connection().execute(() => {
      const slice = this.database
        .transaction(() => {
          const watermark = this.readWatermark.get()?.indexed_seq ?? 0;
          const rows = this.unindexedRows.all(watermark, maxRows);
          let done = 0;
          for (const row of rows) {
            this.insertId.run(row.id, row.seq);
            const summary = contentSummaryOfTexts(row.request_text, row.response_text, row.response_kind, row.object_type);
            if (summary !== "") {
              this.insertSummary.run(row.seq, summary);
              this.insertFullText.run(row.seq, summary);
            }
            done++;
            if (performance.now() >= deadline) break;
          }
          if (done > 0) this.writeWatermark.run(rows[done - 1]!.seq);
          return { rows: done, caughtUp: done === rows.length && rows.length < maxRows };
        })
        .immediate();
      return Promise.resolve(slice);
    });
  }
}
