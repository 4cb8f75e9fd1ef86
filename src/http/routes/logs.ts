import { failure, GatewayFailure } from "../../schema/error.js";
import type { LogFilterData, LogRow, LogStore } from "../../stores/log-store.js";
import { parseLogFilter, parseLogPage } from "../logs-query.js";
import { readJsonBody, type BodyLimits } from "../read-body.js";
import { sendJson } from "../respond.js";
import type { Router } from "../router.js";

/** What the logs API reads: the store, and how many rows the writer had to drop (its queue was full). */
export interface LogsApi {
  store: LogStore;
  dropped(): number;
}

/**
 * Bifrost's logs API (transports/bifrost-http/handlers/logging.go). Registered only when the
 * gateway keeps a log, as Bifrost registers it only with its logging plugin: otherwise these
 * paths are the router's 404.
 */
export function addLogsRoutes(router: Router, logs: LogsApi, bodyLimits: BodyLimits): void {
  router.add("GET", "/api/logs", async (ctx) => {
    const filter = parseLogFilter(ctx.query);
    const page = parseLogPage(ctx.query);
    const [result, hasLogs] = await Promise.all([logs.store.search(filter, page), logs.store.hasLogs()]);
    sendJson(ctx.res, 200, {
      logs: result.logs.map(logJson),
      pagination: { limit: page.limit, offset: page.offset, sort_by: page.sortBy, order: page.order, total_count: result.totalCount },
      stats: result.stats,
      has_logs: hasLogs,
    });
  });
  router.add("GET", "/api/logs/stats", async (ctx) => {
    const stats = await logs.store.stats(parseLogFilter(ctx.query));
    // Iris does not compare with the previous period (`compare_to_previous`), so there is none to show.
    sendJson(ctx.res, 200, { ...stats, has_previous_period: false });
  });
  router.add("GET", "/api/logs/filterdata", async (ctx) => sendJson(ctx.res, 200, filterDataJson(await logs.store.filterData())));
  router.add("GET", "/api/logs/dropped", (ctx) => sendJson(ctx.res, 200, { dropped_requests: logs.dropped() }));
  router.add("GET", "/api/logs/{id}", async (ctx) => {
    const row = await logs.store.get(ctx.params["id"] ?? "");
    if (!row) throw failure({ status: 404, message: "log not found", param: "id" });
    sendJson(ctx.res, 200, logJson(row));
  });
  router.add("DELETE", "/api/logs", async (ctx) => {
    const body = await readJsonBody(ctx.req, bodyLimits);
    if (body instanceof GatewayFailure) throw body;
    await logs.store.delete(idsOf(body));
    sendJson(ctx.res, 200, { message: "Logs deleted successfully" });
  });
}

function idsOf(body: unknown): string[] {
  const ids = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)["ids"] : undefined;
  if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => typeof id === "string"))) {
    throw failure({ status: 400, message: "ids must be an array of log id strings", param: "ids" });
  }
  if (!ids || ids.length === 0) throw failure({ status: 400, message: "No log IDs provided", param: "ids" });
  return ids;
}

/**
 * A row as Bifrost's API shows it: the timestamp in RFC 3339, and the key objects its dashboard
 * reads. Iris has key names, not key ids, so a key's name is its id here too (the name, never the value).
 */
function logJson(row: LogRow) {
  return {
    ...row,
    timestamp: new Date(row.timestamp).toISOString(),
    selected_key_id: row.selected_key_name ?? "",
    selected_key: row.selected_key_name === null ? null : { id: row.selected_key_name, name: row.selected_key_name },
    virtual_key: row.virtual_key_id === null ? null : { id: row.virtual_key_id, name: row.virtual_key_name ?? row.virtual_key_id },
  };
}

/** Bifrost's filterdata fields (`models`, `selected_keys`, `virtual_keys`, `stop_reasons`), with the providers and request types Iris adds. */
function filterDataJson(data: LogFilterData) {
  return {
    models: data.models,
    providers: data.providers,
    objects: data.objects,
    stop_reasons: data.stop_reasons,
    selected_keys: data.selected_key_names.map((name) => ({ id: name, name })),
    virtual_keys: data.virtual_keys,
  };
}
