import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import type { IrisDatabase } from "./tables.js";

/** The embedded database's file name inside the app dir. */
const SQLITE_FILE_NAME = "iris.db";

/** How long a statement waits for another process holding the write lock. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) `<appDir>/iris.db`: WAL journal, a busy timeout so a second process
 * waits instead of failing, full fsync so an acknowledged write survives power loss, and every
 * pending migration applied before it is used.
 */
export async function openSqliteDatabase(appDir: string): Promise<Kysely<IrisDatabase>> {
  mkdirSync(appDir, { recursive: true });
  const database = new Database(path.join(appDir, SQLITE_FILE_NAME));
  try {
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = FULL");
  } catch (err) {
    database.close();
    throw err;
  }
  const db = new Kysely<IrisDatabase>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

/** Applies pending migrations in one write transaction, so two processes starting at once cannot both apply one. */
async function migrate(db: Kysely<IrisDatabase>): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(conn);
      const current = rows[0]?.user_version ?? 0;
      if (current > SQLITE_MIGRATIONS.length) {
        throw new Error(`${SQLITE_FILE_NAME} has schema version ${current}, newer than this Iris knows (${SQLITE_MIGRATIONS.length})`);
      }
      for (const migration of SQLITE_MIGRATIONS.slice(current)) await migration.up(conn);
      if (current < SQLITE_MIGRATIONS.length) await sql.raw(`pragma user_version = ${SQLITE_MIGRATIONS.length}`).execute(conn);
      await sql`commit`.execute(conn);
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}
