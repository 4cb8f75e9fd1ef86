import { sql, type Kysely } from "kysely";
import { createLogTablesV1 } from "../kysely/log-schema-v1.js";
import type { LogMigration } from "../kysely/log-schema.js";
import { upgradeLogTablesToV2 } from "../kysely/log-schema-upgrade.js";
import type { LogsDatabase } from "../kysely/log-tables.js";

/** The log schema's steps on PostgreSQL. Append only; never edit a step that has shipped. */
const POSTGRES_LOG_MIGRATIONS: readonly LogMigration[] = [
  { description: "logs, log_contents, log_filter_values", up: (db) => createLogTablesV1(db, "postgres") },
  {
    description: "content as the gateway's texts, indexed off the insert path: narrow indexes, totals per filter value",
    async up(db) {
      // Version 1's tables step aside under new names, with the objects named after them (the new
      // tables' primary keys and identity would otherwise collide with the old ones).
      await sql`alter table logs rename to logs_v1`.execute(db);
      await sql`alter index logs_pkey rename to logs_v1_pkey`.execute(db);
      await sql`alter index logs_id_key rename to logs_v1_id_key`.execute(db);
      await sql`alter sequence logs_seq_seq rename to logs_v1_seq_seq`.execute(db);
      await sql`alter table log_contents rename to log_contents_v1`.execute(db);
      await sql`alter index log_contents_pkey rename to log_contents_v1_pkey`.execute(db);
      await upgradeLogTablesToV2(db, "postgres");
      // The rows kept their seq: new ones start after them.
      await sql`select setval(pg_get_serial_sequence('logs', 'seq'), coalesce(max(seq), 0) + 1, false) from logs`.execute(db);
    },
  },
];

/** Any fixed number: replicas starting together queue on this lock instead of racing through the same step. */
const MIGRATION_LOCK = 0x1415_6c6f;

/**
 * Applies pending steps in one transaction (PostgreSQL's DDL is transactional), recording the
 * version in `iris_log_schema`; a database newer than this Iris is refused, not guessed at.
 */
export async function migratePostgresLogs(db: Kysely<LogsDatabase>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`create table if not exists iris_log_schema (version integer not null)`.execute(trx);
    const { rows } = await sql<{ version: number }>`select version from iris_log_schema`.execute(trx);
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_LOG_MIGRATIONS.length) {
      throw new Error(`the log database has schema version ${current}, newer than this Iris knows (${POSTGRES_LOG_MIGRATIONS.length})`);
    }
    for (const step of POSTGRES_LOG_MIGRATIONS.slice(current)) await step.up(trx);
    await sql`delete from iris_log_schema`.execute(trx);
    await sql`insert into iris_log_schema (version) values (${POSTGRES_LOG_MIGRATIONS.length})`.execute(trx);
  });
}

/**
 * The pg_trgm index that makes `content_search` (ILIKE '%q%') an index lookup. Creating the
 * extension needs a privilege a log database's owner may lack; without it search still works, by
 * a scan, and this answers false so the gateway can say so. Re-tried at every start, so granting
 * the extension later is enough.
 */
export async function ensureTrigramIndex(db: Kysely<LogsDatabase>): Promise<boolean> {
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
  } catch {
    return false;
  }
  await sql`create index if not exists idx_log_summaries_trgm on log_summaries using gin (content_summary gin_trgm_ops)`.execute(db);
  return true;
}
