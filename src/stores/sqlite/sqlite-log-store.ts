import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type SqlBool } from "kysely";
import { KyselyLogStore } from "../kysely/kysely-log-store.js";
import { containsPattern } from "../kysely/log-filter-sql.js";
import { filterValuesInsert } from "../kysely/log-filter-values.js";
import { hourlyTotalsUpsert } from "../kysely/log-hourly-totals.js";
import { encodeLogRow } from "../kysely/log-row-codec.js";
import type { LogsDatabase } from "../kysely/log-tables.js";
import type { LogRow } from "../log-store.js";
import { applyMigrations } from "./apply-migrations.js";
import { SQLITE_LOG_MIGRATIONS } from "./sqlite-log-schema.js";

/** Bifrost's file name for the request log, beside the config database in the app dir. */
const SQLITE_LOGS_FILE_NAME = "logs.db";

/** How long a statement waits for another connection holding the write lock. */
const BUSY_TIMEOUT_MS = 5_000;

/** Page cache: enough for the indexes of a million rows, so searches seldom read the file. */
const CACHE_KIB = 65_536;

/** The trigram tokenizer indexes three characters at a time: shorter searches cannot use it. */
const TRIGRAM = 3;

const LOG_COLUMNS = [
  "id",
  "parent_request_id",
  "timestamp",
  "object_type",
  "provider",
  "model",
  "model_requested",
  "selected_key_name",
  "number_of_retries",
  "fallback_index",
  "status",
  "latency",
  "time_to_first_token",
  "stream",
  "token_usage",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "cost",
  "stop_reason",
  "trace_id",
  "virtual_key_id",
  "virtual_key_name",
  "team_id",
  "customer_id",
] as const;

const CONTENT_COLUMNS = ["error_details", "input_history", "output_message", "params", "raw_request", "raw_response", "metadata", "content_summary"] as const;

/** The request log in a SQLite file (`<appDir>/logs.db` unless `logs_store.config.path` says otherwise). */
export class SqliteLogStore extends KyselyLogStore {
  private readonly insertLog: Database.Statement;
  private readonly insertContents: Database.Statement;

  private constructor(
    private readonly database: Database.Database,
    db: Kysely<LogsDatabase>,
  ) {
    super(db, sqliteContentMatcher);
    this.insertLog = database.prepare(
      `insert into logs (${LOG_COLUMNS.join(", ")}) values (${LOG_COLUMNS.map((c) => `@${c}`).join(", ")}) on conflict(id) do nothing returning seq`,
    );
    this.insertContents = database.prepare(
      `insert into log_contents (seq, ${CONTENT_COLUMNS.join(", ")}) values (@seq, ${CONTENT_COLUMNS.map((c) => `@${c}`).join(", ")})`,
    );
  }

  /** Opens (creating if needed) the file: WAL, a busy timeout, and every pending migration applied. */
  static async open(file: string): Promise<SqliteLogStore> {
    mkdirSync(path.dirname(file), { recursive: true });
    const database = new Database(file);
    try {
      database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      database.pragma("journal_mode = WAL");
      // Logs are not money: a power cut may lose the last batches, never corrupt the file. NORMAL
      // skips the fsync per commit that FULL (iris.db's setting) pays.
      database.pragma("synchronous = NORMAL");
      database.pragma(`cache_size = -${CACHE_KIB}`);
    } catch (err) {
      database.close();
      throw err;
    }
    const db = new Kysely<LogsDatabase>({ dialect: new SqliteDialect({ database }) });
    try {
      await applyMigrations(db, SQLITE_LOG_MIGRATIONS, SQLITE_LOGS_FILE_NAME);
      return new SqliteLogStore(database, db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  /** One transaction of prepared statements: each row and its contents, then the filter values and hourly totals of those inserted. */
  async insertBatch(rows: readonly LogRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Holding kysely's connection keeps this transaction out of any of kysely's (a prune's batch) in flight.
    await this.db.connection().execute(() => {
      this.database.transaction(() => {
        const inserted: LogRow[] = [];
        for (const row of rows) {
          const { log, contents } = encodeLogRow(row);
          const added = this.insertLog.get(log) as { seq: number } | undefined;
          if (!added) continue;
          this.insertContents.run({ ...contents, seq: added.seq });
          inserted.push(row);
        }
        for (const query of [filterValuesInsert(this.db, inserted), hourlyTotalsUpsert(this.db, inserted)]) {
          const compiled = query?.compile();
          if (compiled) this.database.prepare(compiled.sql).run(...compiled.parameters);
        }
      })();
      return Promise.resolve();
    });
  }
}

/** Three characters or more: the trigram index. Fewer: a scan, as the index cannot help. */
function sqliteContentMatcher(text: string) {
  if ([...text].length >= TRIGRAM) {
    const phrase = `"${text.replaceAll('"', '""')}"`;
    return sql<SqlBool>`logs.seq in (select rowid from logs_fts where logs_fts match ${phrase})`;
  }
  return sql<SqlBool>`logs.seq in (select seq from log_contents where content_summary like ${containsPattern(text)} escape '\\')`;
}
