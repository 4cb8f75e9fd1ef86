import type { Kysely } from "kysely";
import type { LogsDatabase } from "./log-tables.js";

/**
 * The rows after the content indexer's watermark — the tail — have no entry in `log_ids` or
 * `log_summaries` yet; reads by id or content scan them instead. The tail is short while the indexer
 * keeps up (it is the last few batches), and rows are read by `seq`, the primary key.
 */

/** Every row with `seq` up to this has its id and summary indexed, or is gone. */
export async function indexedThrough(db: Kysely<LogsDatabase>): Promise<number> {
  const row = await db.selectFrom("log_index_state").select("indexed_seq").executeTakeFirst();
  return Number(row?.indexed_seq ?? 0);
}

/** Rows after the watermark. */
export async function unindexedRowCount(db: Kysely<LogsDatabase>): Promise<number> {
  const watermark = await indexedThrough(db);
  const row = await db
    .selectFrom("logs")
    .select((eb) => eb.fn.countAll().as("rows"))
    .where("seq", ">", watermark)
    .executeTakeFirst();
  return Number(row?.rows ?? 0);
}

/** The rows with these request ids, oldest first: from `log_ids` up to the watermark, from a scan of the tail after it. */
export async function seqsOfIds(db: Kysely<LogsDatabase>, ids: readonly string[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const watermark = await indexedThrough(db);
  const [indexed, tail] = await Promise.all([
    db.selectFrom("log_ids").select("seq").where("id", "in", ids).execute(),
    db.selectFrom("logs").select("seq").where("seq", ">", watermark).where("id", "in", ids).execute(),
  ]);
  return [...new Set([...indexed, ...tail].map((row) => Number(row.seq)))].sort((a, b) => a - b);
}

/**
 * After a delete, where the database may hand a deleted row's `seq` to the next insert (SQLite's
 * rowid is the largest plus one): brings the watermark down to the last row left, so a new row is
 * never born below it, unindexed for good. Run it in the deleting transaction.
 */
export async function lowerWatermarkToLastRow(trx: Kysely<LogsDatabase>): Promise<void> {
  const last = await trx
    .selectFrom("logs")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .executeTakeFirst();
  const lastSeq = Number(last?.seq ?? 0);
  await trx.updateTable("log_index_state").set({ indexed_seq: lastSeq }).where("indexed_seq", ">", lastSeq).execute();
}
