import type { LogFilter, LogFilterData, LogPage, LogRow, LogSearchResult, LogStats, LogStore } from '../../src/stores/log-store.js';

/** The log store as an array: for tests of what the logging plugin writes, not of the stores themselves. */
export class MemoryLogStore implements LogStore {
  readonly rows: LogRow[] = [];
  closed = false;
  /** Make the next inserts fail (a store outage). */
  failInserts = false;

  async insertBatch(rows: readonly LogRow[]): Promise<void> {
    if (this.failInserts) throw new Error('store is down');
    for (const row of rows) if (!this.rows.some((r) => r.id === row.id)) this.rows.push(structuredClone(row));
  }

  async search(_filter: LogFilter, page: LogPage): Promise<LogSearchResult> {
    return { logs: this.rows.slice(page.offset, page.offset + page.limit), totalCount: this.rows.length, stats: await this.stats({}) };
  }

  async stats(_filter: LogFilter): Promise<LogStats> {
    return { total_requests: this.rows.length, success_rate: 0, average_latency: 0, total_tokens: 0, total_cost: 0 };
  }

  async get(id: string): Promise<LogRow | undefined> {
    return this.rows.find((r) => r.id === id);
  }

  async filterData(): Promise<LogFilterData> {
    return { models: [], providers: [], selected_key_names: [], objects: [], stop_reasons: [], virtual_keys: [] };
  }

  async delete(ids: readonly string[]): Promise<number> {
    const before = this.rows.length;
    for (const id of ids) {
      const i = this.rows.findIndex((r) => r.id === id);
      if (i >= 0) this.rows.splice(i, 1);
    }
    return before - this.rows.length;
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    const old = this.rows.filter((r) => r.timestamp < cutoff).map((r) => r.id);
    return this.delete(old);
  }

  async hasLogs(): Promise<boolean> {
    return this.rows.length > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
