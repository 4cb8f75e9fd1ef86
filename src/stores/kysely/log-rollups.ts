import type { Kysely } from "kysely";
import type { LogEntry, LogFilter, LogStats, LogStatus } from "../log-store.js";
import type { LogHourlyTotalsTable, LogsDatabase, LogsTable, RollupDimension } from "./log-tables.js";

/**
 * Running sums per hour and status, for every row (`all`) and for each value of each filter
 * dimension, kept in step with `logs` a batch at a time: a batch is summed in memory, then each
 * (dimension, value, hour, status) it touches gets one upsert. Stats for a time window, a status and
 * at most one other filter (the logs page's common views) read these plus the rows of at most two
 * partial hours at the window's edges, instead of every matching row.
 */

const HOUR_MS = 3_600_000;

/** The columns of a row the sums are made of. */
export type RollupRow = Pick<
  LogsTable,
  "timestamp" | "status" | "provider" | "model" | "object_type" | "selected_key_name" | "virtual_key_id" | "stop_reason" | "latency" | "total_tokens" | "cost"
>;

export function rollupRowOf(entry: LogEntry): RollupRow {
  return {
    timestamp: entry.timestamp,
    status: entry.status,
    provider: entry.provider,
    model: entry.model,
    object_type: entry.object,
    selected_key_name: entry.selected_key_name,
    virtual_key_id: entry.virtual_key_id,
    stop_reason: entry.stop_reason,
    latency: entry.latency,
    total_tokens: entry.token_usage?.total_tokens ?? null,
    cost: entry.cost,
  };
}

/**
 * The hourly totals rows add (sign 1) or take away (sign -1), one per (dimension, value, hour,
 * status). Null values belong to no dimension value: a filter only ever matches values.
 */
export function hourlyTotalsOf(rows: Iterable<RollupRow>, sign: 1 | -1): LogHourlyTotalsTable[] {
  const groups = new Map<string, LogHourlyTotalsTable>();
  const add = (dimension: RollupDimension, value: string | null, hour: number, row: RollupRow) => {
    if (value === null) return;
    const key = `${dimension}\u0000${value}\u0000${hour}\u0000${row.status}`;
    let group = groups.get(key);
    if (!group) {
      // The key order is the column order a prepared upsert binds (see hourlyTotalsUpsert).
      group = { dimension, value, hour, status: row.status, requests: 0, latency_sum: 0, latency_count: 0, total_tokens: 0, total_cost: 0 };
      groups.set(key, group);
    }
    group.requests += sign;
    if (row.latency !== null) {
      group.latency_sum += sign * row.latency;
      group.latency_count += sign;
    }
    group.total_tokens += sign * (row.total_tokens ?? 0);
    group.total_cost += sign * (row.cost ?? 0);
  };
  for (const row of rows) {
    const hour = Math.floor(row.timestamp / HOUR_MS);
    add("all", "", hour, row);
    add("provider", row.provider, hour, row);
    add("model", row.model, hour, row);
    add("object", row.object_type, hour, row);
    add("selected_key_name", row.selected_key_name, hour, row);
    add("virtual_key", row.virtual_key_id, hour, row);
    // Not a filter: kept so that "does any row still have this stop reason?" is one probe.
    add("stop_reason", row.stop_reason, hour, row);
  }
  // In key order: concurrent writers (PostgreSQL replicas, a delete beside an insert) then lock the rows they share in the same order, and never deadlock.
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/** The upsert adding `groups` to the totals (an empty list is not valid SQL: callers skip it). */
export function hourlyTotalsUpsert(db: Kysely<LogsDatabase>, groups: readonly LogHourlyTotalsTable[]) {
  return db
    .insertInto("log_hourly_totals")
    .values(groups)
    .onConflict((oc) =>
      oc.columns(["dimension", "value", "hour", "status"]).doUpdateSet((eb) => ({
        requests: eb("log_hourly_totals.requests", "+", eb.ref("excluded.requests")),
        latency_sum: eb("log_hourly_totals.latency_sum", "+", eb.ref("excluded.latency_sum")),
        latency_count: eb("log_hourly_totals.latency_count", "+", eb.ref("excluded.latency_count")),
        total_tokens: eb("log_hourly_totals.total_tokens", "+", eb.ref("excluded.total_tokens")),
        total_cost: eb("log_hourly_totals.total_cost", "+", eb.ref("excluded.total_cost")),
      })),
    );
}

/** Takes rows about to be deleted out of their totals, and drops the totals no row is left in. Run it in the deleting transaction. */
export async function subtractFromHourlyTotals(trx: Kysely<LogsDatabase>, deleted: readonly RollupRow[]): Promise<void> {
  const groups = hourlyTotalsOf(deleted, -1);
  if (groups.length === 0) return;
  await hourlyTotalsUpsert(trx, groups).execute();
  await trx
    .deleteFrom("log_hourly_totals")
    .where((eb) =>
      eb(
        eb.refTuple("dimension", "value", "hour", "status"),
        "in",
        groups.map((g) => eb.tuple(g.dimension, g.value, g.hour, g.status)),
      ),
    )
    .where("requests", "<=", 0)
    .execute();
}

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

/** The totals a filter's stats can be read from: one dimension's values, optionally some statuses. */
export interface RollupSelection {
  dimension: RollupDimension;
  values: readonly string[];
  statuses: readonly LogStatus[] | undefined;
}

const DIMENSION_OF_FILTER = {
  providers: "provider",
  models: "model",
  objects: "object",
  selectedKeyNames: "selected_key_name",
  virtualKeyIds: "virtual_key",
} as const satisfies Partial<Record<keyof LogFilter, RollupDimension>>;

/** Whether a filter is a time window, statuses and at most one other dimension (then the totals answer it); which totals. */
export function rollupSelectionOf(filter: LogFilter): RollupSelection | undefined {
  let selection: RollupSelection = { dimension: "all", values: [""], statuses: undefined };
  for (const [key, value] of Object.entries(filter) as Array<[keyof LogFilter, LogFilter[keyof LogFilter]]>) {
    if (value === undefined || value === false || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    if (key === "startTime" || key === "endTime") continue;
    if (key === "status" && Array.isArray(value)) {
      selection = { ...selection, statuses: value as LogStatus[] };
      continue;
    }
    const dimension = key in DIMENSION_OF_FILTER ? DIMENSION_OF_FILTER[key as keyof typeof DIMENSION_OF_FILTER] : undefined;
    if (dimension === undefined || selection.dimension !== "all" || !Array.isArray(value)) return undefined;
    selection = { ...selection, dimension, values: value as string[] };
  }
  return selection;
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

/** The sums of whole hours from `firstHour` to `lastHour` (either open) for a selection. */
export async function hourlySums(
  db: Kysely<LogsDatabase>,
  selection: RollupSelection,
  firstHour: number | undefined,
  lastHour: number | undefined,
): Promise<LogSums> {
  let query = db.selectFrom("log_hourly_totals").where("dimension", "=", selection.dimension).where("value", "in", selection.values);
  if (selection.statuses) query = query.where("status", "in", selection.statuses);
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
  return logSumsOf(row);
}

/** Sums as a query answers them: PostgreSQL's sums of bigints are numeric (read as numbers by the pool), and a sum over no rows is null. */
export function logSumsOf(
  row: Record<"requests" | "succeeded" | "failed" | "latency_sum" | "latency_count" | "total_tokens" | "total_cost", unknown>,
): LogSums {
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
