import type { BifrostError } from "../schema/error.js";
import type { JsonObject } from "../schema/json.js";

/** Bifrost's async job states. */
export type AsyncJobStatus = "pending" | "processing" | "completed" | "failed";

/** One async job as stored: the request to run, who submitted it, and how it ended. */
export interface AsyncJobRecord {
  id: string;
  /** SHA-256 (hex) of the credential that submitted the job; the credential itself is never stored. */
  ownerHash: string;
  /** Bifrost request type (`chat_completion`, `embedding`, ...); a poll must name the same type. */
  requestType: string;
  /** What to run, as the job runner understands it. */
  request: JsonObject;
  status: AsyncJobStatus;
  /** How many times a runner has claimed the job. */
  attempts: number;
  resultTtlSeconds: number;
  /** HTTP status of the finished operation. */
  statusCode: number | null;
  result: JsonObject | null;
  error: BifrostError | null;
  /** Epoch milliseconds. */
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** Set when the job finishes: completedAt + resultTtlSeconds. */
  expiresAt: number | null;
}

export type NewAsyncJob = Pick<AsyncJobRecord, "id" | "ownerHash" | "requestType" | "request" | "resultTtlSeconds" | "createdAt">;

export type JobOutcome = { statusCode: number; result: JsonObject } | { statusCode: number; error: BifrostError };

/**
 * Durable storage for async jobs. Every method is a single atomic step, so a crash between
 * two calls never leaves a job half-written; SQLite implements it today, PostgreSQL can later.
 */
export interface JobStore {
  /** Writes a new pending job; resolves once it is durable. */
  insert(job: NewAsyncJob): Promise<void>;
  /** The job, or undefined when there is none or its result expired by `now` (an expired row is deleted). */
  find(id: string, now: number): Promise<AsyncJobRecord | undefined>;
  /** Claims the oldest pending job: pending → processing, one more attempt. */
  claimNext(now: number): Promise<AsyncJobRecord | undefined>;
  /** Records how a processing job ended; its result is kept until now + its TTL. */
  finish(id: string, outcome: JobOutcome, now: number): Promise<void>;
  /** Returns a processing job to the queue without counting the attempt (graceful shutdown). */
  requeue(id: string): Promise<void>;
  /**
   * Jobs a crash left `processing`: those claimed fewer than `maxAttempts` times go back to
   * pending, the others fail with `error`.
   */
  recoverInterrupted(maxAttempts: number, error: BifrostError, now: number): Promise<{ requeued: number; failed: number }>;
  /** Deletes every finished job whose result expired by `now`; resolves with how many. */
  deleteExpired(now: number): Promise<number>;
  close(): Promise<void>;
}
