import { setImmediate as nextTurn } from "node:timers/promises";
import type { Kysely } from "kysely";
import { pruneFilterValues } from "./log-filter-values.js";
import { subtractFromHourlyTotals } from "./log-hourly-totals.js";
import type { LogsDatabase } from "./log-tables.js";

/**
 * Rows deleted per transaction. Small enough that a big prune never holds SQLite's write lock (or
 * PostgreSQL row locks) for long, so the writer's inserts slip in between batches.
 */
const LOG_DELETE_BATCH = 1_000;

/** Deletes the rows with these ids (and their contents); answers how many there were. */
export async function deleteLogsByIds(db: Kysely<LogsDatabase>, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < ids.length; start += LOG_DELETE_BATCH) {
    const chunk = ids.slice(start, start + LOG_DELETE_BATCH);
    deleted += await db.transaction().execute(async (trx) => {
      const seqs = (await trx.selectFrom("logs").select("seq").where("id", "in", chunk).execute()).map((row) => row.seq);
      return deleteSeqs(trx, seqs);
    });
  }
  if (deleted > 0) await pruneFilterValues(db);
  return deleted;
}

/** Deletes rows older than the cutoff (epoch ms), oldest first, a batch per transaction; answers how many went. */
export async function deleteLogsOlderThan(db: Kysely<LogsDatabase>, cutoff: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const seqs = (await trx.selectFrom("logs").select("seq").where("timestamp", "<", cutoff).orderBy("timestamp").limit(LOG_DELETE_BATCH).execute()).map(
        (row) => row.seq,
      );
      return deleteSeqs(trx, seqs);
    });
    deleted += batch;
    if (batch < LOG_DELETE_BATCH) break;
    // Let queued reads and writes run before the next batch.
    await nextTurn();
  }
  if (deleted > 0) await pruneFilterValues(db);
  return deleted;
}

async function deleteSeqs(trx: Kysely<LogsDatabase>, seqs: readonly number[]): Promise<number> {
  if (seqs.length === 0) return 0;
  await subtractFromHourlyTotals(trx, seqs);
  await trx.deleteFrom("log_contents").where("seq", "in", seqs).execute();
  const result = await trx.deleteFrom("logs").where("seq", "in", seqs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
