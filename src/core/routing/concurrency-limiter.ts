import type { CallerSignal } from "../caller-signal.js";

/**
 * Per-provider concurrency: at most `concurrency` calls in flight; up to `bufferSize` wait in a
 * FIFO queue. When the queue is full, `tryAcquire` reports it so the caller can drop the request
 * (drop_excess_requests) or wait anyway.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly bufferSize: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** A release function when a slot is free right now (no promise, no wait); undefined otherwise. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.concurrency || this.waiting.length > 0) return undefined;
    this.active++;
    return this.releaser();
  }

  /** Resolves with a release function once a slot is free; `full` when the queue has no room. */
  acquire(dropWhenFull: boolean, signal?: CallerSignal): Promise<() => void> | "full" {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (dropWhenFull && this.waiting.length >= this.bufferSize) return "full";
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener("abort", onAbort);
        this.active++;
        resolve(this.releaser());
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        const reason: unknown = signal?.reason;
        reject(reason instanceof Error ? reason : new Error("the caller went away while waiting for a concurrency slot"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
    };
  }
}
