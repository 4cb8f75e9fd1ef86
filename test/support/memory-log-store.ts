import { contentSummaryOf, logContentOf } from '../../src/schema/log-content.js';
import type { LogEntry, LogFilter, LogFilterData, LogPage, LogRow, LogSearchResult, LogStats, LogStore } from '../../src/stores/log-store.js';

/**
 * The log store as an array of the entries written: for tests of what the logging plugin writes, not
 * of the stores themselves. Rows are read back as a store answers them: content through `logContentOf`.
 */
export class MemoryLogStore implements LogStore {
  readonly entries: LogEntry[] = [];
  closed = false;
  /** Make the next inserts fail (a store outage). */
  failInserts = false;

  /** The entries as a store answers them. */
  get rows(): LogRow[] {
    return this.entries.map(rowOfEntry);
  }

  async insertBatch(entries: readonly LogEntry[]): Promise<void> {
    if (this.failInserts) throw new Error('store is down');
    for (const entry of entries) if (!this.entries.some((e) => e.id === entry.id && e.timestamp === entry.timestamp)) this.entries.push(structuredClone(entry));
  }

  async search(_filter: LogFilter, page: LogPage): Promise<LogSearchResult> {
    return { logs: this.rows.slice(page.offset, page.offset + page.limit), totalCount: this.entries.length, stats: await this.stats({}) };
  }

  async stats(_filter: LogFilter): Promise<LogStats> {
    return { total_requests: this.entries.length, success_rate: 0, average_latency: 0, total_tokens: 0, total_cost: 0 };
  }

  async get(id: string): Promise<LogRow | undefined> {
    const entry = this.entries.find((e) => e.id === id);
    return entry && rowOfEntry(entry);
  }

  async filterData(): Promise<LogFilterData> {
    return { models: [], providers: [], selected_key_names: [], objects: [], stop_reasons: [], virtual_keys: [] };
  }

  async delete(ids: readonly string[]): Promise<number> {
    const before = this.entries.length;
    for (const id of ids) {
      for (let i = this.entries.findIndex((e) => e.id === id); i >= 0; i = this.entries.findIndex((e) => e.id === id)) this.entries.splice(i, 1);
    }
    return before - this.entries.length;
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    const old = this.entries.filter((e) => e.timestamp < cutoff).map((e) => e.id);
    return this.delete(old);
  }

  async hasLogs(): Promise<boolean> {
    return this.entries.length > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The row a store answers for an entry: its content read through `logContentOf`, raw bodies parsed. */
export function rowOfEntry(entry: LogEntry): LogRow {
  const { request_text, response_text, response_kind, raw_request, raw_response, ...scalars } = entry;
  const content = logContentOf(request_text, response_text, response_kind, entry.object);
  return {
    ...scalars,
    ...content,
    raw_request: raw_request === null ? null : (JSON.parse(raw_request) as unknown),
    raw_response: raw_response === null ? null : (JSON.parse(raw_response) as unknown),
    content_summary: contentSummaryOf(content),
  };
}
