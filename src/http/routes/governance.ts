import type { JsonObject } from "../../schema/json.js";
import { callerCredentialOf } from "../caller-credential.js";
import { sendJson, sendManagementError } from "../respond.js";
import type { Router } from "../router.js";

/** Governance as the management API reads it (the governance plugin provides it). */
export interface GovernanceApi {
  virtualKeys(): JsonObject[];
  virtualKey(id: string): JsonObject | undefined;
  teams(): JsonObject[];
  customers(): JsonObject[];
  budgets(): JsonObject[];
  rateLimits(): JsonObject[];
  quota(value: string): JsonObject | undefined;
}

/** A page of a list, Bifrost's envelope: `{<name>: [...], count, total_count, limit, offset}`. */
function listed(name: string, all: JsonObject[], query: URLSearchParams): JsonObject | string {
  const limitText = query.get("limit");
  const offsetText = query.get("offset");
  const limit = limitText === null ? all.length : Number(limitText);
  const offset = offsetText === null ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 0) return "Invalid limit parameter: must be a number";
  if (!Number.isInteger(offset) || offset < 0) return "Invalid offset parameter: must be a number";
  const search = query.get("search")?.toLowerCase();
  const matching = search ? all.filter((item) => String(item["name"]).toLowerCase().includes(search)) : all;
  const page = matching.slice(offset, offset + limit);
  return { [name]: page, count: page.length, total_count: matching.length, limit, offset };
}

/**
 * Bifrost's governance management API, the reading half (transports/bifrost-http/handlers/governance.go):
 * virtual keys (values masked), teams, customers, budgets and rate limits with their current usage,
 * and the caller's own quota. Behind the admin login like every `/api/*` route, except the quota,
 * which the caller's virtual key opens. Entities come from config.json; editing them here is not yet.
 */
export function addGovernanceRoutes(router: Router, governance: GovernanceApi): void {
  const list = (path: string, name: string, read: () => JsonObject[]) =>
    router.add("GET", path, (ctx) => {
      const out = listed(name, read(), ctx.query);
      if (typeof out === "string") return sendManagementError(ctx.res, 400, out);
      sendJson(ctx.res, 200, out);
    });
  list("/api/governance/virtual-keys", "virtual_keys", () => governance.virtualKeys());
  list("/api/governance/teams", "teams", () => governance.teams());
  list("/api/governance/customers", "customers", () => governance.customers());
  router.add("GET", "/api/governance/budgets", (ctx) => {
    const budgets = governance.budgets();
    sendJson(ctx.res, 200, { budgets, count: budgets.length });
  });
  router.add("GET", "/api/governance/rate-limits", (ctx) => {
    const rateLimits = governance.rateLimits();
    sendJson(ctx.res, 200, { rate_limits: rateLimits, count: rateLimits.length });
  });
  router.add("GET", "/api/governance/virtual-keys/quota", (ctx) => {
    const credential = callerCredentialOf(ctx.req.headers);
    if (credential?.kind !== "virtual-key") return sendManagementError(ctx.res, 401, "virtual key is required: send it in x-bf-vk or as a Bearer token");
    const quota = governance.quota(credential.value);
    if (!quota) return sendManagementError(ctx.res, 401, "virtual key not found");
    sendJson(ctx.res, 200, quota);
  });
  router.add("GET", "/api/governance/virtual-keys/{vk_id}", (ctx) => {
    const key = governance.virtualKey(ctx.params["vk_id"] ?? "");
    if (!key) return sendManagementError(ctx.res, 404, "Virtual key not found");
    sendJson(ctx.res, 200, { virtual_key: key });
  });
}
