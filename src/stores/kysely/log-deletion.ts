import { setImmediate as nextTurn } from "node:timers/promises";
import type { Kysely } from "kysely";
import { pruneFilterValues } from "./log-filter-values.js";
import { lowerWatermarkToLastRow, seqsOfIds } from "./log-index-tail.js";
import { subtractFromHourlyTotals } from "./log-rollups.js";
import type { LogsDatabase } from "./log-tables.js";

/**
 * Rows deleted per transaction. Small enough that a big prune never holds SQLite's write lock (or
 * PostgreSQL row locks) for long, so the writer's inserts slip in between batches.
 */
const LOG_DELETE_BATCH = 500;

export interface LogDeletionOptions {
  /** The database may give a deleted row's `seq` to a new row (SQLite's rowid), so the watermark must stay below new rows. */
  seqsMayBeReused: boolean;
}

/** Deletes the rows with these ids (and everything kept about them); answers how many there were. */
export async function deleteLogsByIds(db: Kysely<LogsDatabase>, ids: readonly string[], options: LogDeletionOptions): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < ids.length; start += LOG_DELETE_BATCH) {
    const chunk = ids.slice(start, start + LOG_DELETE_BATCH);
    deleted += await db.transaction().execute(async (trx) => deleteSeqs(trx, await seqsOfIds(trx, chunk), options));
  }
  if (deleted > 0) await pruneFilterValues(db);
  return deleted;
}

/** Deletes rows older than the cutoff (epoch ms), oldest first, a batch per transaction; answers how many went. */
export async function deleteLogsOlderThan(db: Kysely<LogsDatabase>, cutoff: number, options: LogDeletionOptions): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { found, gone } = await db.transaction().execute(async (trx) => {
      const seqs = (await trx.selectFrom("logs").select("seq").where("timestamp", "<", cutoff).orderBy("timestamp").limit(LOG_DELETE_BATCH).execute()).map(
        (row) => Number(row.seq),
      );
      return { found: seqs.length, gone: await deleteSeqs(trx, seqs, options) };
    });
    deleted += gone;
    if (found < LOG_DELETE_BATCH) break;
    // Let queued reads and writes run before the next batch.
    await nextTurn();
  }
  if (deleted > 0) await pruneFilterValues(db);
  return deleted;
}

/**
 * The rows are deleted first, answering what the totals must lose: a row another transaction
 * deleted meanwhile is not answered, so never subtracted twice. On PostgreSQL the delete also waits
 * for a content indexer holding these rows, so the summaries and ids it wrote are seen below.
 */
async function deleteSeqs(trx: Kysely<LogsDatabase>, seqs: readonly number[], options: LogDeletionOptions): Promise<number> {
  if (seqs.length === 0) return 0;
  const deleted = await trx
    .deleteFrom("logs")
    .where("seq", "in", seqs)
    .returning([
      "seq",
      "id",
      "timestamp",
      "status",
      "provider",
      "model",
      "object_type",
      "selected_key_name",
      "virtual_key_id",
      "stop_reason",
      "latency",
      "total_tokens",
      "cost",
    ])
    .execute();
  if (deleted.length === 0) return 0;
  await subtractFromHourlyTotals(trx, deleted);
  const gone = deleted.map((row) => row.seq);
  await trx.deleteFrom("log_contents").where("seq", "in", gone).execute();
  await trx.deleteFrom("log_summaries").where("seq", "in", gone).execute();
  await trx
    .deleteFrom("log_ids")
    .where("id", "in", [...new Set(deleted.map((row) => row.id))])
    .where("seq", "in", gone)
    .execute();
  if (options.seqsMayBeReused) await lowerWatermarkToLastRow(trx);
  return deleted.length;
}
