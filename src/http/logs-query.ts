import { failure } from "../schema/error.js";
import type { LogFilter, LogPage, LogSortField, LogStatus } from "../stores/log-store.js";

/**
 * The query string of `GET /api/logs` and `/api/logs/stats`, in Bifrost's parameter names: lists
 * are comma-separated in one parameter (trimmed, empties dropped), times RFC 3339. Bifrost ignores
 * a value it cannot read; Iris answers 400 naming the parameter, so a typo never silently widens
 * a search.
 */

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1_000;
/** A search longer than this is no one's search term. */
const MAX_CONTENT_SEARCH = 1_024;

const STATUSES: readonly LogStatus[] = ["processing", "success", "error"];
const SORT_FIELDS: readonly LogSortField[] = ["timestamp", "latency", "tokens", "cost"];
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const WHOLE = /^\d+$/;
/** Go's strconv.ParseBool, which Bifrost uses. */
const BOOLEANS: Readonly<Record<string, boolean>> = {
  "1": true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};

export function parseLogFilter(query: URLSearchParams): LogFilter {
  const filter: LogFilter = {};
  const list = (name: string) => {
    const values = query
      .getAll(name)
      .flatMap((value) => value.split(","))
      .map((value) => value.trim())
      .filter((value) => value !== "");
    return values.length > 0 ? values : undefined;
  };
  const providers = list("providers");
  if (providers) filter.providers = providers;
  const models = list("models");
  if (models) filter.models = models;
  const status = list("status");
  if (status) filter.status = status.map((value) => oneOf("status", value, STATUSES));
  const objects = list("objects");
  if (objects) filter.objects = objects;
  // Iris names keys but gives them no separate id: Bifrost's `selected_key_ids` carry key names here.
  const keys = [...(list("selected_key_ids") ?? []), ...(list("selected_key_names") ?? [])];
  if (keys.length > 0) filter.selectedKeyNames = keys;
  const virtualKeys = list("virtual_key_ids");
  if (virtualKeys) filter.virtualKeyIds = virtualKeys;
  const number = (name: string, pattern: RegExp, kind: string) => {
    const raw = query.get(name);
    if (raw === null || raw === "") return undefined;
    if (!pattern.test(raw)) throw badParameter(name, `${name} must be ${kind} (got '${raw}')`);
    return Number(raw);
  };
  assign(filter, "startTime", time(query, "start_time"));
  assign(filter, "endTime", time(query, "end_time"));
  assign(filter, "minLatency", number("min_latency", DECIMAL, "a number of milliseconds"));
  assign(filter, "maxLatency", number("max_latency", DECIMAL, "a number of milliseconds"));
  assign(filter, "minTokens", number("min_tokens", WHOLE, "a whole number"));
  assign(filter, "maxTokens", number("max_tokens", WHOLE, "a whole number"));
  assign(filter, "minCost", number("min_cost", DECIMAL, "a number of dollars"));
  assign(filter, "maxCost", number("max_cost", DECIMAL, "a number of dollars"));
  const missingCost = query.get("missing_cost_only");
  if (missingCost !== null && missingCost !== "") {
    const value = BOOLEANS[missingCost];
    if (value === undefined) throw badParameter("missing_cost_only", `missing_cost_only must be true or false (got '${missingCost}')`);
    filter.missingCostOnly = value;
  }
  const contentSearch = query.get("content_search");
  if (contentSearch !== null && contentSearch !== "") {
    if (contentSearch.length > MAX_CONTENT_SEARCH)
      throw badParameter("content_search", `content_search cannot be longer than ${MAX_CONTENT_SEARCH} characters`);
    filter.contentSearch = contentSearch;
  }
  // Bifrost reads `session_id` as another name for it.
  const parent = query.get("parent_request_id")?.trim() || query.get("session_id")?.trim();
  if (parent) filter.parentRequestId = parent;
  return filter;
}

export function parseLogPage(query: URLSearchParams): LogPage {
  const whole = (name: string) => {
    const raw = query.get(name);
    if (raw === null || raw === "") return undefined;
    if (!/^-?\d+$/.test(raw)) throw badParameter(name, `${name} must be a whole number (got '${raw}')`);
    return Number(raw);
  };
  const limit = whole("limit") ?? DEFAULT_LIMIT;
  if (limit <= 0) throw badParameter("limit", "limit must be greater than 0");
  if (limit > MAX_LIMIT) throw badParameter("limit", `limit cannot exceed ${MAX_LIMIT}`);
  const offset = whole("offset") ?? 0;
  if (offset < 0) throw badParameter("offset", "offset cannot be negative");
  const sortBy = query.get("sort_by");
  const order = query.get("order");
  return {
    limit,
    offset,
    sortBy: sortBy ? oneOf("sort_by", sortBy, SORT_FIELDS) : "timestamp",
    order: order ? oneOf("order", order, ["asc", "desc"] as const) : "desc",
  };
}

/** RFC 3339 (Go's RFC3339Nano: any fraction of a second), to epoch ms. */
function time(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const match = RFC3339.exec(raw);
  // Milliseconds are what the store keeps; finer digits are cut, as Date.parse would not read them.
  const ms = match ? Date.parse(`${match[1]}${(match[2] ?? "").slice(0, 4)}${match[3]}`) : NaN;
  if (Number.isNaN(ms)) throw badParameter(name, `${name} must be an RFC 3339 time like 2026-01-31T23:59:59Z (got '${raw}')`);
  return ms;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw badParameter(name, `${name} must be one of ${allowed.join(", ")} (got '${value}')`);
  return value as T;
}

function assign<K extends keyof LogFilter>(filter: LogFilter, key: K, value: LogFilter[K] | undefined): void {
  if (value !== undefined) filter[key] = value;
}

function badParameter(name: string, message: string) {
  return failure({ status: 400, message, param: name, code: "invalid_query_parameter" });
}
