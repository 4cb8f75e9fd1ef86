import { sendJson } from "../respond.js";
import type { Router } from "../router.js";

export function addHealthRoutes(router: Router): void {
  router.add("GET", "/health", (ctx) => sendJson(ctx.res, 200, { status: "ok" }));
}
