import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AdminAuthSettings } from "../config/types.js";
import { gatewayError, type BifrostError } from "../schema/error.js";

/** A session lasts 30 days, as Bifrost's. */
export const SESSION_MS = 30 * 86_400_000;

/** Management routes anyone may call: the login itself, whether auth is on, and the quota (the caller's virtual key opens it). */
const OPEN_ROUTES = new Set(["/api/session/login", "/api/session/is-auth-enabled", "/api/governance/virtual-keys/quota"]);

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares two secrets in constant time (their digests, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** A session token: `Authorization: Bearer <token>`, else the `token` cookie. */
function sessionTokenOf(req: IncomingMessage): string | undefined {
  return /^bearer\s+(.+)$/i.exec(req.headers["authorization"] ?? "")?.[1]?.trim() ?? cookieToken(req);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const cookie = req.headers["cookie"];
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "token") return value.join("=");
  }
  return undefined;
}

/**
 * Who may use the management API (`/api/*`): with `auth_config.is_enabled`, a request needs the
 * admin's Basic credentials, or a session token (Bearer or the `token` cookie) from
 * `POST /api/session/login`. Without it, the API is open on loopback and closed when the gateway
 * listens beyond it — a log of every prompt is not for the network. Sessions live in this object
 * (a restart logs everyone out).
 */
export class AdminAuth {
  private readonly sessions = new Map<string, number>();

  constructor(
    readonly settings: AdminAuthSettings | undefined,
    /** The gateway listens on an address other machines can reach. */
    private readonly exposed: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /** The refusal for a management request, or undefined to let it through. */
  check(route: string, req: IncomingMessage): BifrostError | undefined {
    if (!route.startsWith("/api/") || OPEN_ROUTES.has(route)) return undefined;
    if (!this.settings) {
      if (!this.exposed) return undefined;
      return gatewayError({
        status: 403,
        message:
          "the management API is closed: the gateway listens beyond loopback with no admin login. " +
          "Set governance.auth_config {is_enabled: true, admin_username, admin_password} in config.json to open it.",
      });
    }
    if (this.authenticated(req)) return undefined;
    return gatewayError({ status: 401, message: "Unauthorized" });
  }

  /** Whether the request carries the admin's credentials or a live session. */
  authenticated(req: IncomingMessage): boolean {
    if (!this.settings) return false;
    const authorization = req.headers["authorization"] ?? "";
    const basic = /^basic\s+(.+)$/i.exec(authorization)?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon > 0 && this.matches(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    const token = sessionTokenOf(req);
    return token !== undefined && this.sessionValid(token);
  }

  /** A new session for the admin, or undefined for wrong credentials. */
  login(username: string, password: string): string | undefined {
    if (!this.matches(username, password)) return undefined;
    const token = randomUUID();
    this.sessions.set(token, this.now() + SESSION_MS);
    return token;
  }

  logout(req: IncomingMessage): void {
    const token = sessionTokenOf(req);
    if (token !== undefined) this.sessions.delete(token);
  }

  private matches(username: string, password: string): boolean {
    if (!this.settings) return false;
    // Both compared, always: the time taken does not say which one was wrong.
    const userOk = sameSecret(username, this.settings.username);
    const passwordOk = sameSecret(password, this.settings.password);
    return userOk && passwordOk;
  }

  private sessionValid(token: string): boolean {
    const expires = this.sessions.get(token);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.sessions.delete(token);
    return false;
  }
}
