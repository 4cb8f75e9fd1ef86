import type { Kysely, Selectable } from "kysely";
import type { BifrostError } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import type { AsyncJobRecord, JobOutcome, JobStore, NewAsyncJob } from "../job-store.js";
import type { AsyncJobsTable, IrisDatabase } from "./tables.js";

/** Async jobs in the app dir's SQLite database. */
export class SqliteJobStore implements JobStore {
  constructor(private readonly db: Kysely<IrisDatabase>) {}

  async insert(job: NewAsyncJob): Promise<void> {
    await this.db
      .insertInto("async_jobs")
      .values({
        id: job.id,
        owner_hash: job.ownerHash,
        request_type: job.requestType,
        request: JSON.stringify(job.request),
        status: "pending",
        attempts: 0,
        result_ttl_seconds: job.resultTtlSeconds,
        created_at: job.createdAt,
      })
      .execute();
  }

  async find(id: string, now: number): Promise<AsyncJobRecord | undefined> {
    const row = await this.db.selectFrom("async_jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= now) {
      await this.db.deleteFrom("async_jobs").where("id", "=", id).where("expires_at", "<=", now).execute();
      return undefined;
    }
    return recordOf(row);
  }

  async claimNext(now: number): Promise<AsyncJobRecord | undefined> {
    const oldestPending = this.db.selectFrom("async_jobs").select("id").where("status", "=", "pending").orderBy("created_at").orderBy("id").limit(1);
    const row = await this.db
      .updateTable("async_jobs")
      .set((eb) => ({ status: "processing", attempts: eb("attempts", "+", 1), started_at: now }))
      .where("id", "=", oldestPending)
      .where("status", "=", "pending")
      .returningAll()
      .executeTakeFirst();
    return row ? recordOf(row) : undefined;
  }

  async finish(id: string, outcome: JobOutcome, now: number): Promise<void> {
    await this.db
      .updateTable("async_jobs")
      .set((eb) => ({
        status: "result" in outcome ? "completed" : "failed",
        status_code: outcome.statusCode,
        result: "result" in outcome ? JSON.stringify(outcome.result) : null,
        error: "error" in outcome ? JSON.stringify(outcome.error) : null,
        completed_at: now,
        expires_at: eb(eb.val(now), "+", eb("result_ttl_seconds", "*", 1000)),
      }))
      .where("id", "=", id)
      .where("status", "=", "processing")
      .execute();
  }

  async requeue(id: string): Promise<void> {
    await this.db
      .updateTable("async_jobs")
      .set((eb) => ({ status: "pending", attempts: eb("attempts", "-", 1), started_at: null }))
      .where("id", "=", id)
      .where("status", "=", "processing")
      .execute();
  }

  async recoverInterrupted(maxAttempts: number, error: BifrostError, now: number): Promise<{ requeued: number; failed: number }> {
    return this.db.transaction().execute(async (trx) => {
      const failed = await trx
        .updateTable("async_jobs")
        .set((eb) => ({
          status: "failed",
          status_code: error.status_code,
          error: JSON.stringify(error),
          completed_at: now,
          expires_at: eb(eb.val(now), "+", eb("result_ttl_seconds", "*", 1000)),
        }))
        .where("status", "=", "processing")
        .where("attempts", ">=", maxAttempts)
        .executeTakeFirst();
      const requeued = await trx.updateTable("async_jobs").set({ status: "pending", started_at: null }).where("status", "=", "processing").executeTakeFirst();
      return { requeued: Number(requeued.numUpdatedRows), failed: Number(failed.numUpdatedRows) };
    });
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom("async_jobs").where("expires_at", "<=", now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

function recordOf(row: Selectable<AsyncJobsTable>): AsyncJobRecord {
  return {
    id: row.id,
    ownerHash: row.owner_hash,
    requestType: row.request_type,
    request: JSON.parse(row.request) as JsonObject,
    status: row.status,
    attempts: row.attempts,
    resultTtlSeconds: row.result_ttl_seconds,
    statusCode: row.status_code,
    result: row.result === null ? null : (JSON.parse(row.result) as JsonObject),
    error: row.error === null ? null : (JSON.parse(row.error) as BifrostError),
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    expiresAt: row.expires_at,
  };
}
