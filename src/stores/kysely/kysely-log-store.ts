import type { Kysely } from "kysely";
import type { LogFilter, LogFilterData, LogPage, LogRow, LogSearchResult, LogStats, LogStore } from "../log-store.js";
import { deleteLogsByIds, deleteLogsOlderThan } from "./log-deletion.js";
import type { ContentMatcher } from "./log-filter-sql.js";
import { readFilterData } from "./log-filter-values.js";
import { LogQueries } from "./log-queries.js";
import type { LogsDatabase } from "./log-tables.js";

/**
 * A log store over kysely: every read and delete is the shared SQL; each database writes batches
 * its own fastest way (SQLite: prepared statements in one synchronous transaction; PostgreSQL:
 * multi-row INSERTs) and says how it searches content.
 */
export abstract class KyselyLogStore implements LogStore {
  private readonly queries: LogQueries;

  protected constructor(
    protected readonly db: Kysely<LogsDatabase>,
    contentContains: ContentMatcher,
  ) {
    this.queries = new LogQueries(db, contentContains);
  }

  abstract insertBatch(rows: readonly LogRow[]): Promise<void>;

  search(filter: LogFilter, page: LogPage): Promise<LogSearchResult> {
    return this.queries.search(filter, page);
  }

  stats(filter: LogFilter): Promise<LogStats> {
    return this.queries.stats(filter);
  }

  get(id: string): Promise<LogRow | undefined> {
    return this.queries.get(id);
  }

  filterData(): Promise<LogFilterData> {
    return readFilterData(this.db);
  }

  delete(ids: readonly string[]): Promise<number> {
    return deleteLogsByIds(this.db, ids);
  }

  deleteOlderThan(cutoff: number): Promise<number> {
    return deleteLogsOlderThan(this.db, cutoff);
  }

  hasLogs(): Promise<boolean> {
    return this.queries.hasLogs();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
