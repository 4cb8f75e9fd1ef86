import { Kysely, PostgresDialect, sql, type SqlBool } from "kysely";
import type { PostgresSettings } from "../../config/types.js";
import { KyselyLogStore } from "../kysely/kysely-log-store.js";
import { containsPattern } from "../kysely/log-filter-sql.js";
import { filterValuesInsert } from "../kysely/log-filter-values.js";
import { hourlyTotalsUpsert } from "../kysely/log-hourly-totals.js";
import { encodeLogRow, type EncodedLogRow } from "../kysely/log-row-codec.js";
import type { LogsDatabase } from "../kysely/log-tables.js";
import type { LogRow } from "../log-store.js";
import { ensureTrigramIndex, migratePostgresLogs } from "./postgres-log-schema.js";
import { createPostgresPool } from "./postgres-pool.js";

/** Rows per INSERT: 25 columns each stays well under PostgreSQL's 65,535 parameters a statement. */
const INSERT_CHUNK = 1_000;

/** The request log in PostgreSQL (`logs_store.type: "postgres"`), through the same queries as SQLite's. */
export class PostgresLogStore extends KyselyLogStore {
  private constructor(
    db: Kysely<LogsDatabase>,
    /** Whether `content_search` has its trigram index (false: it scans; see ensureTrigramIndex). */
    readonly contentSearchIndexed: boolean,
  ) {
    super(db, postgresContentMatcher);
  }

  /**
   * Connects, applies pending migrations and makes sure of the content search index. `onIdleError`
   * hears of idle connections the server ended (the pool replaces them).
   */
  static async open(settings: PostgresSettings, onIdleError: (err: Error) => void = () => {}): Promise<PostgresLogStore> {
    const db = new Kysely<LogsDatabase>({ dialect: new PostgresDialect({ pool: createPostgresPool(settings, onIdleError) }) });
    try {
      await migratePostgresLogs(db);
      return new PostgresLogStore(db, await ensureTrigramIndex(db));
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  /** Multi-row INSERTs in one transaction, then the filter values and hourly totals of the rows inserted. */
  async insertBatch(rows: readonly LogRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const inserted: LogRow[] = [];
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        // The first row of an id wins, as a second one would conflict with it.
        const chunk = new Map<string, { row: LogRow; encoded: EncodedLogRow }>();
        for (const row of rows.slice(start, start + INSERT_CHUNK)) if (!chunk.has(row.id)) chunk.set(row.id, { row, encoded: encodeLogRow(row) });
        const added = await trx
          .insertInto("logs")
          .values([...chunk.values()].map(({ encoded }) => encoded.log))
          .onConflict((oc) => oc.column("id").doNothing())
          .returning(["id", "seq"])
          .execute();
        const contents = added.flatMap(({ id, seq }) => {
          const entry = chunk.get(id);
          if (!entry) return [];
          inserted.push(entry.row);
          return [{ ...entry.encoded.contents, seq }];
        });
        if (contents.length > 0) await trx.insertInto("log_contents").values(contents).execute();
      }
      await filterValuesInsert(trx, inserted)?.execute();
      await hourlyTotalsUpsert(trx, inserted)?.execute();
    });
  }
}

/** ILIKE: case-insensitive, as SQLite's trigram index is; pg_trgm's GIN index serves it. */
function postgresContentMatcher(text: string) {
  return sql<SqlBool>`logs.seq in (select seq from log_contents where content_summary ilike ${containsPattern(text)} escape '\\')`;
}
