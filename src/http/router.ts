import type { IncomingMessage, ServerResponse } from "node:http";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  requestId: string;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface PatternRoute {
  method: string;
  regex: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Exact paths are a map lookup; paths with `{param}` segments are matched in registration order. */
export class Router {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly patterns: PatternRoute[] = [];

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
    this.patterns.push({ method, regex: new RegExp(`^${source}$`), names, handler });
  }

  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | "method-not-allowed" | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, params: {} };
    let pathMatched = false;
    for (const route of this.patterns) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { handler: route.handler, params };
    }
    if (pathMatched) return "method-not-allowed";
    for (const key of this.exact.keys()) if (key.slice(key.indexOf(" ") + 1) === path) return "method-not-allowed";
    return undefined;
  }
}
