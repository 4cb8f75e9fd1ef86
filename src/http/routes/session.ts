import { isRecord } from "../../schema/json.js";
import { SESSION_MS, type AdminAuth } from "../admin-auth.js";
import { readJsonBody, type BodyLimits } from "../read-body.js";
import { sendJson, sendManagementError } from "../respond.js";
import type { Router } from "../router.js";

/** Bifrost's session routes (transports/bifrost-http/handlers/session.go): login, logout, and whether auth is on. */
export function addSessionRoutes(router: Router, auth: AdminAuth, bodyLimits: BodyLimits, enforcesInferenceAuth: boolean): void {
  router.add("POST", "/api/session/login", async (ctx) => {
    const body = await readJsonBody(ctx.req, bodyLimits).catch(() => undefined);
    if (!isRecord(body) || typeof body["username"] !== "string" || typeof body["password"] !== "string") {
      return sendManagementError(ctx.res, 400, "Invalid request payload");
    }
    if (!auth.enabled) return sendManagementError(ctx.res, 403, "Authentication is not enabled");
    const token = auth.login(body["username"], body["password"]);
    if (!token) return sendManagementError(ctx.res, 401, "Invalid username or password");
    const secure = ctx.req.headers["x-forwarded-proto"] === "https" ? "; Secure" : "";
    ctx.res.setHeader("set-cookie", `token=${token}; Path=/; Max-Age=${SESSION_MS / 1000}; HttpOnly; SameSite=Lax${secure}`);
    sendJson(ctx.res, 200, { message: "Login successful", token });
  });
  router.add("POST", "/api/session/logout", (ctx) => {
    ctx.req.resume();
    auth.logout(ctx.req);
    ctx.res.setHeader("set-cookie", "token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    sendJson(ctx.res, 200, { message: "Logout successful" });
  });
  router.add("GET", "/api/session/is-auth-enabled", (ctx) => {
    sendJson(ctx.res, 200, {
      is_auth_enabled: auth.enabled,
      has_valid_token: auth.authenticated(ctx.req),
      auth_type: auth.enabled ? "password" : "none",
      inference_auth_enforced: enforcesInferenceAuth,
    });
  });
}
