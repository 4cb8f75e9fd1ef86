import type { Kysely } from "kysely";
import type { LogFilter, LogPage, LogRow, LogSearchResult, LogSortField, LogStats } from "../log-store.js";
import { logFilterCondition, type ContentMatcher } from "./log-filter-sql.js";
import { addSums, hourlySums, NO_SUMS, splitByHours, statsOf, type LogSums } from "./log-hourly-totals.js";
import { decodeLogRow } from "./log-row-codec.js";
import type { LogsDatabase } from "./log-tables.js";

const SORT_COLUMNS = {
  timestamp: "logs.timestamp",
  latency: "logs.latency",
  tokens: "logs.total_tokens",
  cost: "logs.cost",
} as const satisfies Record<LogSortField, string>;

/** A filter that only bounds time, which the hourly totals can answer. */
function onlyTimeBounds(filter: LogFilter): boolean {
  return Object.entries(filter).every(([key, value]) => value === undefined || key === "startTime" || key === "endTime");
}

/** Reads of the logs API, written once for every SQL database kysely speaks to. */
export class LogQueries {
  constructor(
    private readonly db: Kysely<LogsDatabase>,
    private readonly contentContains: ContentMatcher,
  ) {}

  /** One page of rows, and the count and stats of every row the filter matches. */
  async search(filter: LogFilter, page: LogPage): Promise<LogSearchResult> {
    const [rows, stats] = await Promise.all([this.page(filter, page), this.stats(filter)]);
    return { logs: rows, totalCount: stats.total_requests, stats };
  }

  /** The page is chosen on `logs` alone (narrow rows, often an index walk); only its rows are then read whole. */
  private async page(filter: LogFilter, page: LogPage): Promise<LogRow[]> {
    const column = SORT_COLUMNS[page.sortBy];
    const seqs = (
      await this.db
        .selectFrom("logs")
        .select("logs.seq")
        .where((eb) => logFilterCondition(eb, filter, this.contentContains))
        // Rows without the value (no cost, no latency yet) come last either way; the id breaks ties so pages never overlap.
        .orderBy(column, (ob) => (column === "logs.timestamp" ? ob[page.order]() : ob[page.order]().nullsLast()))
        .orderBy("logs.id", page.order)
        .limit(page.limit)
        .offset(page.offset)
        .execute()
    ).map((row) => row.seq);
    if (seqs.length === 0) return [];
    const rows = new Map((await this.rowsWithContents().select("logs.seq").where("logs.seq", "in", seqs).execute()).map((row) => [row.seq, row]));
    return seqs.flatMap((seq) => {
      const row = rows.get(seq);
      return row ? [decodeLogRow(row)] : [];
    });
  }

  /**
   * Count, success rate (of the rows that finished), mean latency and totals. With no filter but
   * a time window, from the hourly totals plus the partial hours at its edges; otherwise in one
   * pass over the matching rows (an index-only scan for a single filter).
   */
  async stats(filter: LogFilter): Promise<LogStats> {
    const hours = onlyTimeBounds(filter) ? splitByHours(filter.startTime, filter.endTime) : undefined;
    if (!hours) return statsOf(await this.sums(filter));
    const [whole, before, after] = await Promise.all([
      hourlySums(this.db, hours.firstHour, hours.lastHour),
      hours.before ? this.sums(hours.before) : NO_SUMS,
      hours.after ? this.sums(hours.after) : NO_SUMS,
    ]);
    return statsOf(addSums(addSums(whole, before), after));
  }

  private async sums(filter: LogFilter): Promise<LogSums> {
    const row = await this.db
      .selectFrom("logs")
      .where((eb) => logFilterCondition(eb, filter, this.contentContains))
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
    // PostgreSQL answers counts and sums of bigints as numeric text; SQLite as numbers.
    return {
      requests: Number(row.requests),
      succeeded: Number(row.succeeded ?? 0),
      failed: Number(row.failed ?? 0),
      latencySum: Number(row.latency_sum ?? 0),
      latencyCount: Number(row.latency_count),
      totalTokens: Number(row.total_tokens ?? 0),
      totalCost: Number(row.total_cost ?? 0),
    };
  }

  async get(id: string): Promise<LogRow | undefined> {
    const row = await this.rowsWithContents().where("logs.id", "=", id).executeTakeFirst();
    return row && decodeLogRow(row);
  }

  async hasLogs(): Promise<boolean> {
    return (await this.db.selectFrom("logs").select("logs.seq").limit(1).executeTakeFirst()) !== undefined;
  }

  private rowsWithContents() {
    return this.db
      .selectFrom("logs")
      .leftJoin("log_contents", "log_contents.seq", "logs.seq")
      .select([
        "logs.id",
        "logs.parent_request_id",
        "logs.timestamp",
        "logs.object_type",
        "logs.provider",
        "logs.model",
        "logs.model_requested",
        "logs.selected_key_name",
        "logs.number_of_retries",
        "logs.fallback_index",
        "logs.status",
        "logs.latency",
        "logs.time_to_first_token",
        "logs.stream",
        "logs.token_usage",
        "logs.prompt_tokens",
        "logs.completion_tokens",
        "logs.total_tokens",
        "logs.cost",
        "logs.stop_reason",
        "logs.trace_id",
        "logs.virtual_key_id",
        "logs.virtual_key_name",
        "logs.team_id",
        "logs.customer_id",
        "log_contents.error_details",
        "log_contents.input_history",
        "log_contents.output_message",
        "log_contents.params",
        "log_contents.raw_request",
        "log_contents.raw_response",
        "log_contents.metadata",
        "log_contents.content_summary",
      ]);
  }
}
