import type { Kysely } from "kysely";
import type { LogEntry, LogFilter, LogFilterData, LogPage, LogRow, LogSearchResult, LogStats, LogStore } from "../log-store.js";
import { ContentIndexer, type IndexSlice } from "./content-indexer.js";
import type { ContentSearchSql } from "./log-content-search.js";
import { deleteLogsByIds, deleteLogsOlderThan, type LogDeletionOptions } from "./log-deletion.js";
import { readFilterData } from "./log-filter-values.js";
import { unindexedRowCount } from "./log-index-tail.js";
import { LogQueries } from "./log-queries.js";
import type { LogsDatabase } from "./log-tables.js";

/** Choices a log store is opened with, the same for SQLite and PostgreSQL. */
export interface LogStoreOptions {
  /** Hears of a failed background step (a content index slice); the step is retried later. */
  onBackgroundError?: (err: unknown) => void;
  /** Index content in the background (default). Off: only `indexContent()` does, for tests that look at rows before they are indexed. */
  backgroundIndexing?: boolean;
}

/** What a database brings to the shared reads and deletes: how it searches content, and whether it reuses `seq`s. */
export interface LogStoreDialect {
  contentSearch: ContentSearchSql;
  deletion: LogDeletionOptions;
}

/**
 * A log store over kysely: every read and delete is the shared SQL, and the content indexer runs
 * the same way; each database writes batches its own fastest way (SQLite: prepared statements in
 * one synchronous transaction; PostgreSQL: one statement of column arrays) and indexes a slice its own way.
 */
export abstract class KyselyLogStore implements LogStore {
  private readonly queries: LogQueries;
  private readonly indexer: ContentIndexer;
  private readonly deletion: LogDeletionOptions;

  protected constructor(
    protected readonly db: Kysely<LogsDatabase>,
    dialect: LogStoreDialect,
    options: LogStoreOptions,
  ) {
    this.queries = new LogQueries(db, dialect.contentSearch);
    this.deletion = dialect.deletion;
    // The first slice runs on a later turn, once the subclass has finished constructing.
    this.indexer = new ContentIndexer(
      (maxRows, deadline) => this.indexSlice(maxRows, deadline),
      options.onBackgroundError ?? (() => {}),
      options.backgroundIndexing ?? true,
    );
  }

  async insertBatch(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.insertEntries(entries);
    this.indexer.noteWrite();
  }

  /** Writes the entries, their hourly totals and filter values in one transaction. */
  protected abstract insertEntries(entries: readonly LogEntry[]): Promise<void>;

  /** One slice of the content indexer's work (see content-indexer.ts). */
  protected abstract indexSlice(maxRows: number, deadline: number): Promise<IndexSlice>;

  /** Indexes the content of every row written so far (what the background indexer does at its own pace). */
  indexContent(): Promise<void> {
    return this.indexer.indexAll();
  }

  /** How many rows are written but not yet content-indexed (found by scanning until they are). */
  contentIndexLag(): Promise<number> {
    return unindexedRowCount(this.db);
  }

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
    return deleteLogsByIds(this.db, ids, this.deletion);
  }

  deleteOlderThan(cutoff: number): Promise<number> {
    return deleteLogsOlderThan(this.db, cutoff, this.deletion);
  }

  hasLogs(): Promise<boolean> {
    return this.queries.hasLogs();
  }

  async close(): Promise<void> {
    await this.indexer.close();
    await this.db.destroy();
  }
}
