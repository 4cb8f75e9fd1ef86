/**
 * Governance's running counters — a budget's spend, a rate limit's requests and tokens — each in
 * the window that started at `windowStart`. The governance plugin keeps them in memory (checks
 * never wait on a database) and hands the ones that changed to the store every few seconds and on
 * close, so they survive a restart.
 */
export interface UsageCounter {
  /** `budget:<id>`, `requests:<rate limit owner>`, `tokens:<rate limit owner>`. */
  key: string;
  value: number;
  /** Epoch ms the counter's window began. */
  windowStart: number;
}

export interface UsageStore {
  load(): Promise<UsageCounter[]>;
  save(counters: readonly UsageCounter[]): Promise<void>;
}
