import { performance } from "node:perf_hooks";

/**
 * The content indexer: builds what is too costly to build on every insert — each row's content
 * summary, its full-text index, the id → row map — for the rows after a persisted watermark, a
 * slice at a time, in the background of the process that writes the log.
 *
 * Pacing: a slice is at most SLICE_ROWS rows and stops once it has run SLICE_BUDGET_MS, so it never
 * holds the event loop for longer than a few milliseconds. While rows are being written (one was in
 * the last BUSY_WINDOW_MS), the indexer rests after each slice for nine times as long as the slice
 * took: at most DUTY_UNDER_LOAD of one core, so under sustained load requests keep the other 90 %
 * and the indexer falls behind rather than the gateway (reads cover the rows not indexed yet by
 * scanning them). Once writes stop it runs slice after slice, yielding to I/O between them, until it
 * has caught up; then it sleeps until the next write, or POLL_MS (rows another process wrote).
 */

/** What a slice reads of a row after the watermark. */
export interface UnindexedRow {
  seq: number;
  id: string;
  object_type: string;
  request_text: string | null;
  response_text: string | null;
  response_kind: string | null;
}

/** What one slice did: rows indexed (or skipped, deleted meanwhile), and whether none are left. */
export interface IndexSlice {
  rows: number;
  caughtUp: boolean;
}

/** Indexes at most `maxRows` rows after the watermark, stopping early once `performance.now()` passes `deadline`, and moves the watermark past them. */
export type IndexSliceRunner = (maxRows: number, deadline: number) => Promise<IndexSlice>;

const SLICE_ROWS = 200;
const SLICE_BUDGET_MS = 4;
const DUTY_UNDER_LOAD = 0.1;
const BUSY_WINDOW_MS = 1_000;
const POLL_MS = 5_000;
const ERROR_BACKOFF_MS = 5_000;

export class ContentIndexer {
  /** Cancels the pending tick, if any. */
  private cancelTick: (() => void) | undefined;
  /** Waiting for the next write (caught up), rather than for the next slice. */
  private idle = false;
  /** Slices run one at a time: the background's and `indexAll`'s are chained here. */
  private running: Promise<void> = Promise.resolve();
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly runSlice: IndexSliceRunner,
    private readonly onError: (err: unknown) => void,
    /** Off: nothing runs until `indexAll` (tests that look at the rows before they are indexed). */
    private readonly background: boolean,
  ) {
    // Rows left unindexed by the last run are picked up at once.
    this.schedule(0);
  }

  /** A batch was written: index it soon, at the pace of a store under load. */
  noteWrite(): void {
    this.lastWriteAt = performance.now();
    if (this.idle) this.schedule(0);
  }

  /** Indexes every row written so far, without pacing. */
  indexAll(): Promise<void> {
    return this.exclusive(async () => {
      while (!this.closed && !(await this.runSlice(SLICE_ROWS, Number.POSITIVE_INFINITY)).caughtUp);
    });
  }

  /** Stops: no slice starts after this, and the one running (if any) has finished when it resolves. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.running;
  }

  private exclusive(work: () => Promise<void>): Promise<void> {
    const next = this.running.then(work);
    this.running = next.catch(() => undefined);
    return next;
  }

  private schedule(delayMs: number, idle = false): void {
    this.clearTimer();
    if (this.closed || !this.background) return;
    this.idle = idle;
    const tick = () => {
      this.cancelTick = undefined;
      void this.exclusive(() => this.tick());
    };
    // A pending tick never keeps the process alive.
    if (delayMs <= 0) {
      const immediate = setImmediate(tick).unref();
      this.cancelTick = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(tick, delayMs).unref();
      this.cancelTick = () => clearTimeout(timeout);
    }
  }

  private clearTimer(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    const started = performance.now();
    let slice: IndexSlice;
    try {
      slice = await this.runSlice(SLICE_ROWS, started + SLICE_BUDGET_MS);
    } catch (err) {
      this.onError(err);
      this.schedule(ERROR_BACKOFF_MS);
      return;
    }
    if (slice.caughtUp) {
      this.schedule(POLL_MS, true);
      return;
    }
    const finished = performance.now();
    const underLoad = finished - this.lastWriteAt < BUSY_WINDOW_MS;
    this.schedule(underLoad ? (finished - started) * (1 / DUTY_UNDER_LOAD - 1) : 0);
  }
}
