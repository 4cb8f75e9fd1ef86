import type { Logger } from "pino";
import type { LogStore } from "../../stores/log-store.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `client.log_retention_days`: rows older than that are deleted at start and then once a day, as
 * Bifrost's cleaner does. The timer never keeps the process alive.
 */
export class LogRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: LogStore,
    private readonly retentionDays: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.running = this.prune();
    this.timer = setInterval(() => {
      this.running = this.prune();
    }, DAY_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Deletes what is past the retention (a failure is logged; the next day tries again). */
  async prune(): Promise<void> {
    const cutoff = this.now() - this.retentionDays * DAY_MS;
    try {
      const deleted = await this.store.deleteOlderThan(cutoff);
      if (deleted > 0) this.logger.info({ deleted, retentionDays: this.retentionDays }, "old log rows deleted");
    } catch (err) {
      this.logger.warn({ err }, "could not delete old log rows");
    }
  }
}
