import type { Expression, Kysely, SqlBool } from "kysely";
import type { LogFilter, LogPage, LogRow, LogSearchResult, LogSortField, LogStats } from "../log-store.js";
import { contentSearchCondition, type ContentSearchSql } from "./log-content-search.js";
import { logFilterCondition } from "./log-filter-sql.js";
import { seqsOfIds } from "./log-index-tail.js";
import { addSums, hourlySums, logSumsOf, NO_SUMS, rollupSelectionOf, splitByHours, statsOf, type LogSums } from "./log-rollups.js";
import { decodeLogRow } from "./log-row-codec.js";
import type { LogsDatabase } from "./log-tables.js";

const SORT_COLUMNS = {
  timestamp: "logs.timestamp",
  latency: "logs.latency",
  tokens: "logs.total_tokens",
  cost: "logs.cost",
} as const satisfies Record<LogSortField, string>;

/** Reads of the logs API, written once for every SQL database kysely speaks to. */
export class LogQueries {
  constructor(
    private readonly db: Kysely<LogsDatabase>,
    private readonly contentSearch: ContentSearchSql,
  ) {}

  /** One page of rows, and the count and stats of every row the filter matches. */
  async search(filter: LogFilter, page: LogPage): Promise<LogSearchResult> {
    const content = await this.contentCondition(filter);
    const [rows, stats] = await Promise.all([this.page(filter, content, page), this.statsOf(filter, content)]);
    return { logs: rows, totalCount: stats.total_requests, stats };
  }

  async stats(filter: LogFilter): Promise<LogStats> {
    return this.statsOf(filter, await this.contentCondition(filter));
  }

  async get(id: string): Promise<LogRow | undefined> {
    // Two attempts may share an id (a client reusing x-request-id): the first one written is the answer.
    const [seq] = await seqsOfIds(this.db, [id]);
    if (seq === undefined) return undefined;
    const row = await this.rowsWithContents().where("logs.seq", "=", seq).executeTakeFirst();
    return row && decodeLogRow(row);
  }

  async hasLogs(): Promise<boolean> {
    return (await this.db.selectFrom("logs").select("logs.seq").limit(1).executeTakeFirst()) !== undefined;
  }

  private async contentCondition(filter: LogFilter): Promise<Expression<SqlBool> | undefined> {
    if (filter.contentSearch === undefined || filter.contentSearch === "") return undefined;
    return contentSearchCondition(this.db, this.contentSearch, filter.contentSearch);
  }

  /** The page is chosen on `logs` alone (narrow rows, often an index walk); only its rows are then read whole, and their texts parsed. */
  private async page(filter: LogFilter, content: Expression<SqlBool> | undefined, page: LogPage): Promise<LogRow[]> {
    const column = SORT_COLUMNS[page.sortBy];
    const seqs = (
      await this.db
        .selectFrom("logs")
        .select("logs.seq")
        .where((eb) => logFilterCondition(eb, filter, content))
        // Rows without the value (no cost, no latency yet) come last either way; the id breaks ties so pages never overlap.
        .orderBy(column, (ob) => (column === "logs.timestamp" ? ob[page.order]() : ob[page.order]().nullsLast()))
        .orderBy("logs.id", page.order)
        .limit(page.limit)
        .offset(page.offset)
        .execute()
    ).map((row) => Number(row.seq));
    if (seqs.length === 0) return [];
    const rows = new Map((await this.rowsWithContents().where("logs.seq", "in", seqs).execute()).map((row) => [Number(row.seq), row]));
    return seqs.flatMap((seq) => {
      const row = rows.get(seq);
      return row ? [decodeLogRow(row)] : [];
    });
  }

  /**
   * Count, success rate (of the rows that finished), mean latency and totals. For a time window,
   * statuses and at most one other filter, from the hourly totals plus the partial hours at the
   * window's edges; otherwise in one pass over the matching rows.
   */
  private async statsOf(filter: LogFilter, content: Expression<SqlBool> | undefined): Promise<LogStats> {
    const selection = rollupSelectionOf(filter);
    const hours = selection ? splitByHours(filter.startTime, filter.endTime) : undefined;
    if (!selection || !hours) return statsOf(await this.sums(filter, content));
    const [whole, before, after] = await Promise.all([
      hourlySums(this.db, selection, hours.firstHour, hours.lastHour),
      hours.before ? this.sums({ ...filter, ...hours.before }, undefined) : NO_SUMS,
      hours.after ? this.sums({ ...filter, ...hours.after }, undefined) : NO_SUMS,
    ]);
    return statsOf(addSums(addSums(whole, before), after));
  }

  private async sums(filter: LogFilter, content: Expression<SqlBool> | undefined): Promise<LogSums> {
    const row = await this.db
      .selectFrom("logs")
      .where((eb) => logFilterCondition(eb, filter, content))
      .select((eb) => [
        eb.fn.countAll().as("requests"),
        eb.fn.sum(eb.case().when("logs.status", "=", "success").then(1).else(0).end()).as("succeeded"),
        eb.fn.sum(eb.case().when("logs.status", "=", "error").then(1).else(0).end()).as("failed"),
        eb.fn.sum("logs.latency").as("latency_sum"),
        eb.fn.count("logs.latency").as("latency_count"),
        eb.fn.sum("logs.total_tokens").as("total_tokens"),
        eb.fn.sum("logs.cost").as("total_cost"),
      ])
      .executeTakeFirstOrThrow();
    return logSumsOf(row);
  }

  private rowsWithContents() {
    return this.db
      .selectFrom("logs")
      .leftJoin("log_contents", "log_contents.seq", "logs.seq")
      .select([
        "logs.seq",
        "logs.id",
        "logs.timestamp",
        "logs.parent_request_id",
        "logs.object_type",
        "logs.provider",
        "logs.model",
        "logs.selected_key_name",
        "logs.virtual_key_id",
        "logs.status",
        "logs.latency",
        "logs.total_tokens",
        "logs.cost",
        "logs.stop_reason",
        "log_contents.model_requested",
        "log_contents.number_of_retries",
        "log_contents.fallback_index",
        "log_contents.time_to_first_token",
        "log_contents.stream",
        "log_contents.prompt_tokens",
        "log_contents.completion_tokens",
        "log_contents.cached_read_tokens",
        "log_contents.cached_write_tokens",
        "log_contents.reasoning_tokens",
        "log_contents.trace_id",
        "log_contents.virtual_key_name",
        "log_contents.team_id",
        "log_contents.customer_id",
        "log_contents.metadata",
        "log_contents.error_details",
        "log_contents.raw_request",
        "log_contents.raw_response",
        "log_contents.request_text",
        "log_contents.response_text",
        "log_contents.response_kind",
      ]);
  }
}
