import { sql, type Kysely } from "kysely";
import type { LogRow, LogStats } from "../log-store.js";
import type { LogsDatabase } from "./log-tables.js";

/**
 * Running sums per hour and status, kept in step with `logs` by every insert and delete. Stats
 * over the whole store or a time window (the logs page's default view) read a few hundred of these
 * rows plus the rows of at most two partial hours, instead of summing a million rows.
 */

const HOUR_MS = 3_600_000;

/** What stats are made of: sums, so that parts (hours, partial hours) add up. */
export interface LogSums {
  requests: number;
  succeeded: number;
  failed: number;
  latencySum: number;
  latencyCount: number;
  totalTokens: number;
  totalCost: number;
}

export const NO_SUMS: LogSums = { requests: 0, succeeded: 0, failed: 0, latencySum: 0, latencyCount: 0, totalTokens: 0, totalCost: 0 };

export function addSums(a: LogSums, b: LogSums): LogSums {
  return {
    requests: a.requests + b.requests,
    succeeded: a.succeeded + b.succeeded,
    failed: a.failed + b.failed,
    latencySum: a.latencySum + b.latencySum,
    latencyCount: a.latencyCount + b.latencyCount,
    totalTokens: a.totalTokens + b.totalTokens,
    totalCost: a.totalCost + b.totalCost,
  };
}

/** Success rate is of the rows that finished (success + error); a `processing` row counts only as a request. */
export function statsOf(sums: LogSums): LogStats {
  const finished = sums.succeeded + sums.failed;
  return {
    total_requests: sums.requests,
    success_rate: finished === 0 ? 0 : (sums.succeeded / finished) * 100,
    average_latency: sums.latencyCount === 0 ? 0 : sums.latencySum / sums.latencyCount,
    total_tokens: sums.totalTokens,
    total_cost: sums.totalCost,
  };
}

/** The hours a time window covers whole, and the partial edges to sum from `logs` itself. */
export function splitByHours(start: number | undefined, end: number | undefined) {
  const firstHour = start === undefined ? undefined : Math.ceil(start / HOUR_MS);
  const lastHour = end === undefined ? undefined : Math.floor((end + 1) / HOUR_MS) - 1;
  if (firstHour !== undefined && lastHour !== undefined && firstHour > lastHour) return undefined;
  return {
    firstHour,
    lastHour,
    before: start !== undefined && firstHour !== undefined && start < firstHour * HOUR_MS ? { startTime: start, endTime: firstHour * HOUR_MS - 1 } : undefined,
    after: end !== undefined && lastHour !== undefined && end >= (lastHour + 1) * HOUR_MS ? { startTime: (lastHour + 1) * HOUR_MS, endTime: end } : undefined,
  };
}

/** The statement adding freshly inserted rows to their hours (run it in the insert's transaction), or undefined for none. */
export function hourlyTotalsUpsert(db: Kysely<LogsDatabase>, inserted: readonly LogRow[]) {
  const groups = new Map<string, LogsDatabase["log_hourly_totals"]>();
  for (const row of inserted) {
    const hour = Math.floor(row.timestamp / HOUR_MS);
    const key = `${hour}\u0000${row.status}`;
    const group = groups.get(key) ?? { hour, status: row.status, requests: 0, latency_sum: 0, latency_count: 0, total_tokens: 0, total_cost: 0 };
    group.requests += 1;
    if (row.latency !== null) {
      group.latency_sum += row.latency;
      group.latency_count += 1;
    }
    group.total_tokens += row.token_usage?.total_tokens ?? 0;
    group.total_cost += row.cost ?? 0;
    groups.set(key, group);
  }
  if (groups.size === 0) return undefined;
  return db
    .insertInto("log_hourly_totals")
    .values([...groups.values()])
    .onConflict((oc) =>
      oc.columns(["hour", "status"]).doUpdateSet((eb) => ({
        requests: eb("log_hourly_totals.requests", "+", eb.ref("excluded.requests")),
        latency_sum: eb("log_hourly_totals.latency_sum", "+", eb.ref("excluded.latency_sum")),
        latency_count: eb("log_hourly_totals.latency_count", "+", eb.ref("excluded.latency_count")),
        total_tokens: eb("log_hourly_totals.total_tokens", "+", eb.ref("excluded.total_tokens")),
        total_cost: eb("log_hourly_totals.total_cost", "+", eb.ref("excluded.total_cost")),
      })),
    );
}

/** Takes rows about to be deleted out of their hours; call it in the deleting transaction, before the delete. */
export async function subtractFromHourlyTotals(trx: Kysely<LogsDatabase>, seqs: readonly number[]): Promise<void> {
  // An integer literal: SQLite divides integers only by an integer (a bound JS number is a REAL there).
  const hour = sql<number>`logs.timestamp / ${sql.lit(HOUR_MS)}`;
  const groups = await trx
    .selectFrom("logs")
    .where("logs.seq", "in", seqs)
    .select((eb) => [
      hour.as("hour"),
      "logs.status",
      eb.fn.countAll().as("requests"),
      eb.fn.sum("logs.latency").as("latency_sum"),
      eb.fn.count("logs.latency").as("latency_count"),
      eb.fn.sum("logs.total_tokens").as("total_tokens"),
      eb.fn.sum("logs.cost").as("total_cost"),
    ])
    .groupBy([hour, "logs.status"])
    .execute();
  for (const group of groups) {
    await trx
      .updateTable("log_hourly_totals")
      .set((eb) => ({
        requests: eb("requests", "-", Number(group.requests)),
        latency_sum: eb("latency_sum", "-", Number(group.latency_sum ?? 0)),
        latency_count: eb("latency_count", "-", Number(group.latency_count)),
        total_tokens: eb("total_tokens", "-", Number(group.total_tokens ?? 0)),
        total_cost: eb("total_cost", "-", Number(group.total_cost ?? 0)),
      }))
      .where("hour", "=", Number(group.hour))
      .where("status", "=", group.status)
      .execute();
  }
  await trx.deleteFrom("log_hourly_totals").where("requests", "<=", 0).execute();
}

/** The sums of whole hours from `firstHour` to `lastHour` (either open). */
export async function hourlySums(db: Kysely<LogsDatabase>, firstHour: number | undefined, lastHour: number | undefined): Promise<LogSums> {
  let query = db.selectFrom("log_hourly_totals");
  if (firstHour !== undefined) query = query.where("hour", ">=", firstHour);
  if (lastHour !== undefined) query = query.where("hour", "<=", lastHour);
  const row = await query
    .select((eb) => [
      eb.fn.sum("requests").as("requests"),
      eb.fn.sum(eb.case().when("status", "=", "success").then(eb.ref("requests")).else(0).end()).as("succeeded"),
      eb.fn.sum(eb.case().when("status", "=", "error").then(eb.ref("requests")).else(0).end()).as("failed"),
      eb.fn.sum("latency_sum").as("latency_sum"),
      eb.fn.sum("latency_count").as("latency_count"),
      eb.fn.sum("total_tokens").as("total_tokens"),
      eb.fn.sum("total_cost").as("total_cost"),
    ])
    .executeTakeFirstOrThrow();
  // PostgreSQL answers sums of bigints as numeric text; SQLite as numbers; both give null for no rows.
  return {
    requests: Number(row.requests ?? 0),
    succeeded: Number(row.succeeded ?? 0),
    failed: Number(row.failed ?? 0),
    latencySum: Number(row.latency_sum ?? 0),
    latencyCount: Number(row.latency_count ?? 0),
    totalTokens: Number(row.total_tokens ?? 0),
    totalCost: Number(row.total_cost ?? 0),
  };
}
