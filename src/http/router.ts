import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { gatewayError, type BifrostError } from "../schema/error.js";
import type { RequestLabel } from "../core/pipeline/request-labels.js";
import type { ForwardHeaderPolicy } from "./gateway-headers.js";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  requestId: string;
  /** The matched route's template (`/v1/files/{id}`). */
  route: string;
  /** Which `x-bf-eh-*` (and allow-listed) headers may go upstream, and how many. */
  forwardPolicy: ForwardHeaderPolicy;
  /** The metric labels callers may set with `x-bf-dim-*` headers (`telemetry.custom_labels`); empty when none. */
  requestLabels: readonly RequestLabel[];
  log: Logger;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface PatternRoute {
  method: string;
  path: string;
  regex: RegExp;
  names: string[];
  handler: RouteHandler;
}

export type RouteMatch =
  /** `template`: the route as registered (`/v1/files/{id}`), for metrics that must not carry ids. */
  | { handler: RouteHandler; params: Record<string, string>; template: string }
  /** The path matched a route, but a parameter cannot be an id (bad percent-encoding, `..`, control characters, too long). */
  | { error: BifrostError }
  | "method-not-allowed"
  | undefined;

/** Longest path parameter accepted; ids, model names and ARNs are far shorter. */
const MAX_PATH_PARAM_LENGTH = 1024;

/** Exact paths are a map lookup; paths with `{param}` segments are matched in registration order. */
export class Router {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly patterns: PatternRoute[] = [];

  /** Every route, as registered (`{param}` templates included): what the gateway serves. */
  list(): Array<{ method: string; path: string }> {
    const exact = [...this.exact.keys()].map((key) => ({ method: key.slice(0, key.indexOf(" ")), path: key.slice(key.indexOf(" ") + 1) }));
    return [...exact, ...this.patterns.map(({ method, path }) => ({ method, path }))];
  }

  add(method: string, path: string, handler: RouteHandler): void {
    if (!path.includes("{")) {
      this.exact.set(`${method} ${path}`, handler);
      return;
    }
    const names: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    this.patterns.push({ method, path, regex: new RegExp(`^${source}$`), names, handler });
  }

  match(method: string, path: string): RouteMatch {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, params: {}, template: path };
    let pathMatched = false;
    for (const route of this.patterns) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < route.names.length; i++) {
        const name = route.names[i]!;
        const value = decodePathParam(m[i + 1]!);
        if (typeof value !== "string") return { error: badParam(name, value.problem) };
        params[name] = value;
      }
      return { handler: route.handler, params, template: route.path };
    }
    if (pathMatched) return "method-not-allowed";
    for (const key of this.exact.keys()) if (key.slice(key.indexOf(" ") + 1) === path) return "method-not-allowed";
    return undefined;
  }
}

/**
 * A path segment as the id it names. Refused: malformed percent-encoding (`%zz`, a cut UTF-8
 * sequence), the dot segments `.` and `..` (however encoded), control characters, and lengths no
 * provider issues.
 */
function decodePathParam(raw: string): string | { problem: string } {
  let value: string;
  try {
    value = raw.includes("%") ? decodeURIComponent(raw) : raw;
  } catch {
    return { problem: "is not valid percent-encoding" };
  }
  if (value === "." || value === "..") return { problem: "cannot be '.' or '..'" };
  if (value.length > MAX_PATH_PARAM_LENGTH) return { problem: `is longer than ${MAX_PATH_PARAM_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(value)) return { problem: "contains control characters" };
  return value;
}

function badParam(name: string, problem: string): BifrostError {
  return gatewayError({ status: 400, message: `path parameter '${name}' ${problem}`, param: name, code: "invalid_path_parameter" });
}
