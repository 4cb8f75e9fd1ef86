import type { Logger } from "pino";
import type { UsageCounter, UsageStore } from "../../stores/usage-store.js";

import type { BudgetSettings, GovernedOwner, RateLimitSettings } from "../../config/types.js";

/** The counters' keys: a budget's spend, and a rate limit's requests and tokens as one owner uses it. */
export const budgetKey = (budget: BudgetSettings) => `budget:${budget.id}`;
export const requestsKey = (limit: RateLimitSettings, owner: GovernedOwner) => `requests:${owner.id}:${limit.id}`;
export const tokensKey = (limit: RateLimitSettings, owner: GovernedOwner) => `tokens:${owner.id}:${limit.id}`;

/** How often changed counters are written to the store. */
const SAVE_EVERY_MS = 5_000;

/**
 * Governance's running counters, in memory, so a check or a charge never waits on a database:
 * each counter holds its value in a window of `windowMs` that starts when the counter is first
 * used after the last window ended (a rolling window, as Bifrost resets an expired counter when it
 * next looks at it). The counters that changed are saved every few seconds and on close; the
 * store's values are loaded at start, so a restart loses at most the last few seconds of charges.
 *
 * One process reads and writes them, on one thread: a check and its reservation run without an
 * await between them, so concurrent requests never both take the last unit.
 */
export class UsageCounters {
  private readonly counters = new Map<string, UsageCounter>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: UsageStore | undefined,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  static async open(store: UsageStore | undefined, logger: Logger, now: () => number = Date.now): Promise<UsageCounters> {
    const counters = new UsageCounters(store, logger, now);
    for (const counter of (await store?.load()) ?? []) counters.counters.set(counter.key, counter);
    return counters;
  }

  /** Where a counter starts when neither the store nor an earlier use has it (a budget's `current_usage` in config.json). */
  seed(key: string, value: number): void {
    if (value > 0 && !this.counters.has(key)) this.counters.set(key, { key, value, windowStart: this.now() });
  }

  /** The value in the current window (0 once the window has ended). */
  value(key: string, windowMs: number): number {
    return this.current(key, windowMs).value;
  }

  /** When the current window began (epoch ms). */
  windowStart(key: string, windowMs: number): number {
    return this.current(key, windowMs).windowStart;
  }

  /** When the current window ends (epoch ms). */
  resetsAt(key: string, windowMs: number): number {
    return this.current(key, windowMs).windowStart + windowMs;
  }

  add(key: string, windowMs: number, amount: number): void {
    if (amount === 0) return;
    const counter = this.current(key, windowMs);
    counter.value += amount;
    this.dirty.add(key);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, SAVE_EVERY_MS).unref();
  }

  /** Writes the counters that changed; resolves once they are in the store. */
  save(): Promise<void> {
    if (!this.store || this.dirty.size === 0) return this.saving;
    const changed = [...this.dirty].map((key) => ({ ...this.counters.get(key)! }));
    this.dirty.clear();
    const store = this.store;
    this.saving = this.saving.then(() =>
      store.save(changed).catch((err: unknown) => {
        this.logger.warn({ err, counters: changed.length }, "could not save governance usage; it is kept in memory and saved with the next change");
        for (const counter of changed) this.dirty.add(counter.key);
      }),
    );
    return this.saving;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }

  private current(key: string, windowMs: number): UsageCounter {
    const now = this.now();
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { key, value: 0, windowStart: now };
      this.counters.set(key, counter);
    } else if (now - counter.windowStart >= windowMs) {
      counter.value = 0;
      counter.windowStart = now;
      this.dirty.add(key);
    }
    return counter;
  }
}
