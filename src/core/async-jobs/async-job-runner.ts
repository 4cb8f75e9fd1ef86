import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { AsyncJobRecord, JobOutcome, JobStore } from "../../stores/job-store.js";
import type { Engine } from "../engine.js";
import type { EngineResult } from "../engine-result.js";
import type { EngineRequest } from "../engine-request.js";
import { GatewayFailure, gatewayError, type BifrostError } from "../../schema/error.js";
import type { RequestType } from "../../schema/request-type.js";
import { restoredJobRequest, type JobRequest } from "./job-request.js";
import { MAX_SPEECH_JOB_AUDIO_BYTES, speechJobResult } from "./speech-job-result.js";

/** A job a crash interrupted is run once more; interrupted again, it fails. */
const MAX_ATTEMPTS = 2;

export interface AsyncJobRunnerOptions {
  store: JobStore;
  /** `executeResource` runs jobs that answer with bytes (speech); an engine without it fails them. */
  engine: Pick<Engine, "execute"> & Partial<Pick<Engine, "executeResource">>;
  /** Most audio bytes a speech job keeps (default 25 MB). */
  maxSpeechAudioBytes?: number;
  /** Most jobs running at once. */
  concurrency: number;
  /** TTL of a finished job's result when the submitter names none. */
  defaultResultTtlSeconds: number;
  /** How often expired results are purged (and the queue re-checked). */
  sweepIntervalMs: number;
  logger?: Pick<Logger, "error" | "warn">;
  now?: () => number;
}

export interface JobSubmission {
  ownerHash: string;
  requestType: RequestType;
  request: JobRequest;
  resultTtlSeconds?: number;
}

interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs async jobs through the engine with bounded concurrency. A job is durable (pending in the
 * store) before `submit` resolves; the runner claims pending jobs oldest first, stores each
 * outcome, re-queues jobs a crash interrupted (once), and on shutdown returns running jobs to the queue.
 */
export class AsyncJobRunner {
  private readonly store: JobStore;
  private readonly running = new Map<string, RunningJob>();
  private readonly now: () => number;
  private filling: Promise<void> | undefined;
  private fillAgain = false;
  private stopping = false;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AsyncJobRunnerOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
  }

  /** Recovers what a crash left running, starts the expiry sweep, and starts on the queue. */
  async start(): Promise<void> {
    const { requeued, failed } = await this.store.recoverInterrupted(MAX_ATTEMPTS, interruptedTwiceError(), this.now());
    if (requeued + failed > 0) this.options.logger?.warn({ requeued, failed }, "async jobs interrupted by a restart were recovered");
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.sweepTimer.unref();
    this.fill();
  }

  /** Stores a new pending job (durable when this resolves) and wakes the queue. */
  async submit(submission: JobSubmission): Promise<AsyncJobRecord> {
    const job: AsyncJobRecord = {
      id: randomUUID(),
      ownerHash: submission.ownerHash,
      requestType: submission.requestType,
      request: submission.request,
      status: "pending",
      attempts: 0,
      resultTtlSeconds: submission.resultTtlSeconds ?? this.options.defaultResultTtlSeconds,
      statusCode: null,
      result: null,
      error: null,
      createdAt: this.now(),
      startedAt: null,
      completedAt: null,
      expiresAt: null,
    };
    await this.store.insert(job);
    this.fill();
    return job;
  }

  /** The job when it exists, has not expired, and was submitted by this owner for this request type. */
  async find(id: string, ownerHash: string, requestType: RequestType): Promise<AsyncJobRecord | undefined> {
    const job = await this.store.find(id, this.now());
    return job && job.ownerHash === ownerHash && job.requestType === requestType ? job : undefined;
  }

  /** Stops claiming, aborts running jobs and puts them back in the queue for the next start. */
  async close(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    await this.filling;
    for (const job of this.running.values()) job.controller.abort(new Error("the gateway is shutting down"));
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  /** Claims pending jobs until the concurrency bound is reached or the queue is empty; one fill at a time. */
  private fill(): void {
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = this.claimUpToBound()
      .catch((err: unknown) => this.options.logger?.error({ err }, "async job queue could not be read"))
      .finally(() => {
        this.filling = undefined;
        if (this.fillAgain && !this.stopping) {
          this.fillAgain = false;
          this.fill();
        }
      });
  }

  private async claimUpToBound(): Promise<void> {
    while (!this.stopping && this.running.size < this.options.concurrency) {
      const job = await this.store.claimNext(this.now());
      if (!job) return;
      this.launch(job);
    }
  }

  private launch(job: AsyncJobRecord): void {
    const controller = new AbortController();
    const done = this.run(job, controller.signal)
      .catch((err: unknown) => this.options.logger?.error({ err, jobId: job.id }, "async job outcome could not be stored"))
      .finally(() => {
        this.running.delete(job.id);
        if (!this.stopping) this.fill();
      });
    this.running.set(job.id, { controller, done });
  }

  private async run(job: AsyncJobRecord, signal: AbortSignal): Promise<void> {
    let outcome: JobOutcome;
    try {
      const request: EngineRequest = { ...restoredJobRequest(job.request), stream: false, signal };
      outcome = request.op === "speech" ? await this.runSpeech(request) : await this.runJson(job, request);
    } catch (err) {
      if (signal.aborted && this.stopping) return this.store.requeue(job.id);
      if (!(err instanceof GatewayFailure)) this.options.logger?.error({ err, jobId: job.id }, "async job failed inside the gateway");
      const error = err instanceof GatewayFailure ? err.body : gatewayError({ status: 500, message: `internal gateway error (async job ${job.id})` });
      outcome = { statusCode: error.status_code, error };
    }
    await this.store.finish(job.id, outcome, this.now());
  }

  private async runJson(job: AsyncJobRecord, request: EngineRequest): Promise<JobOutcome> {
    const result = await this.options.engine.execute(request);
    if (result.kind === "json") return { statusCode: 200, result: result.body };
    await discard(result);
    return {
      statusCode: 500,
      error: gatewayError({ status: 500, message: `an async ${job.requestType} job produced a ${result.kind} result, which cannot be stored` }),
    };
  }

  /** Speech answers with audio bytes; the job keeps them as base64 in Bifrost's speech response. */
  private async runSpeech(request: EngineRequest): Promise<JobOutcome> {
    const { engine } = this.options;
    if (!engine.executeResource) throw new Error("this job runner's engine cannot run speech jobs (no executeResource)");
    const started = performance.now();
    const result = await engine.executeResource(request);
    if (result.kind === "json") return { statusCode: 200, result: result.body };
    const maxBytes = this.options.maxSpeechAudioBytes ?? MAX_SPEECH_JOB_AUDIO_BYTES;
    return { statusCode: 200, result: await speechJobResult(request, result, maxBytes, started) };
  }

  private async sweep(): Promise<void> {
    try {
      await this.store.deleteExpired(this.now());
    } catch (err) {
      this.options.logger?.error({ err }, "expired async jobs could not be purged");
    }
    if (!this.stopping) this.fill();
  }
}

/** Releases a result the store cannot hold (only JSON results are stored). */
async function discard(result: Exclude<EngineResult, { kind: "json" }>): Promise<void> {
  await result.items.return(undefined);
}

function interruptedTwiceError(): BifrostError {
  return gatewayError({
    status: 500,
    code: "async_job_interrupted",
    message: "the gateway restarted while this job was running; it had already been re-run once after a restart, so it was not run again",
  });
}
