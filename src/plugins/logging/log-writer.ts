import type { Logger } from "pino";
import type { LogEntry, LogStore } from "../../stores/log-store.js";
import { buildLogEntry, type EndedAttempt, type EntryOptions } from "./build-log-entry.js";

export interface LogWriterOptions extends EntryOptions {
  /** Most rows queued; beyond it a row is dropped and counted, and the request never waits. */
  capacity: number;
  /** Most rows in one insert. */
  batchSize: number;
  /** Longest a queued row waits for its batch. */
  intervalMs: number;
}

/** How often a full queue is named in the log (once per interval, with the count dropped so far). */
const DROP_WARNING_INTERVAL_MS = 10_000;

/**
 * The one writer of the request log. Requests only push their ended attempt onto a bounded queue;
 * rows are built and inserted later, in batches, one batch at a time. When the queue is full the
 * attempt is dropped and counted (`GET /api/logs/dropped`) — logging never slows a request down.
 * `close()` writes everything still queued.
 */
export class LogWriter {
  /** Ended attempts not yet turned into entries: held for one turn of the event loop at most. */
  private incoming: EndedAttempt[] = [];
  private digestScheduled = false;
  private queue: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (epoch ms). */
  private timerDue = 0;
  private writing: Promise<void> | undefined;
  private droppedCount = 0;
  private lastDropWarning = 0;
  private closed = false;

  constructor(
    private readonly store: LogStore,
    private readonly options: LogWriterOptions,
    private readonly logger: Logger,
  ) {}

  get dropped(): number {
    return this.droppedCount;
  }

  enqueue(ended: EndedAttempt): void {
    if (this.queue.length + this.incoming.length >= this.options.capacity) {
      this.drop(1, "the log write queue is full");
      return;
    }
    this.incoming.push(ended);
    if (this.digestScheduled) return;
    this.digestScheduled = true;
    setImmediate(() => this.digest());
  }

  /**
   * Turns the attempts that ended this turn into entries, right after the answers were written (so
   * an answer serialised on its way out is logged as that same text). An attempt holds its whole
   * request and answer; an entry holds a few scalars and two strings. Keeping the attempts only
   * this briefly lets them die young, instead of tying them up in the old generation until a batch
   * is written.
   */
  private digest(): void {
    this.digestScheduled = false;
    const ended = this.incoming;
    this.incoming = [];
    for (const one of ended) {
      try {
        this.queue.push(buildLogEntry(one, this.options));
      } catch (err) {
        this.logger.warn({ err, requestId: one.attempt.requestId }, "could not build a log row; it is dropped");
        this.droppedCount++;
      }
    }
    if (this.queue.length >= this.options.batchSize) this.writeSoon(0);
    else if (this.queue.length > 0) this.writeSoon(this.options.intervalMs);
  }

  /** Writes everything queued; resolves when it is in the store. */
  async flush(): Promise<void> {
    if (this.incoming.length > 0) this.digest();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing || this.queue.length > 0) {
      if (this.writing) await this.writing;
      else await this.writeBatch();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /**
   * Schedules the next batch in `delayMs`, unless one is due sooner already. A full batch waiting
   * behind the interval timer of a partial one is written now: under load the queue fills in less
   * than an interval, and waiting would drop rows.
   */
  private writeSoon(delayMs: number): void {
    if (this.closed) return;
    const due = Date.now() + delayMs;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeBatch();
    }, delayMs);
    this.timer.unref();
  }

  /** One batch: its rows built and inserted; then the next, if rows are waiting. */
  private writeBatch(): Promise<void> {
    if (this.writing) return this.writing;
    const batch = this.queue.splice(0, this.options.batchSize);
    if (batch.length === 0) return Promise.resolve();
    this.writing = this.insert(batch).finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.writeSoon(this.queue.length >= this.options.batchSize ? 0 : this.options.intervalMs);
    });
    return this.writing;
  }

  private async insert(rows: readonly LogEntry[]): Promise<void> {
    try {
      await this.store.insertBatch(rows);
    } catch (err) {
      this.logger.error({ err, rows: rows.length }, "could not write log rows; they are dropped");
      this.droppedCount += rows.length;
    }
  }

  private drop(count: number, why: string): void {
    this.droppedCount += count;
    const now = Date.now();
    if (now - this.lastDropWarning < DROP_WARNING_INTERVAL_MS) return;
    this.lastDropWarning = now;
    this.logger.warn({ dropped: this.droppedCount, capacity: this.options.capacity }, `log rows dropped: ${why}`);
  }
}
