import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { applyMigrations } from "./apply-migrations.js";
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
    await applyMigrations(db, SQLITE_MIGRATIONS, SQLITE_FILE_NAME);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}
