import { Agent, errors as undiciErrors, type Dispatcher } from "undici";
import { DEFAULTS } from "../config/defaults.js";
import type { UpstreamRequest } from "../providers/types.js";
import type { ErrorDetails } from "../schema/error.js";

export interface UpstreamTimeouts {
  /** Time to response headers. */
  headersMs: number;
  /** Longest silence between body chunks. */
  idleMs: number;
}

/** A call that did not get an answer: why, and whether another attempt may help. */
export interface UpstreamFailure {
  ok: false;
  retryable: boolean;
  clientAborted: boolean;
  error: ErrorDetails;
}

export type UpstreamOutcome =
  { ok: true; status: number; headers: Dispatcher.ResponseData["headers"]; body: Dispatcher.ResponseData["body"] } | UpstreamFailure;

/** Upstream HTTP: one keep-alive connection pool per origin (undici's Agent keeps a Pool per origin). */
export class UpstreamClient {
  readonly agent = new Agent({
    connections: DEFAULTS.upstreamConnectionsPerOrigin,
    keepAliveTimeout: 30_000,
    pipelining: 1,
  });

  /** Sends one request upstream; never throws: network failures come back as values. */
  send(req: UpstreamRequest, signal: AbortSignal, timeouts: UpstreamTimeouts): Promise<UpstreamOutcome> {
    return sendWith(this.agent, req, signal, timeouts);
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}

/** `https://host:port/path?q` → origin and path (with the query), without building a URL object. */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash === -1 ? { origin: url, path: "/" } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

async function sendWith(agent: Agent, req: UpstreamRequest, signal: AbortSignal, timeouts: UpstreamTimeouts): Promise<UpstreamOutcome> {
  const url = splitUrl(req.url);
  try {
    const res = await agent.request({
      origin: url.origin,
      path: url.path,
      method: req.method,
      headers: req.headers,
      body: req.streamBody ?? req.body ?? null,
      signal,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.idleMs,
    });
    return { ok: true, status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    return networkFailure(err, url.origin, signal);
  }
}

/** Maps what undici throws to an error value: client gone, timeout, or unreachable. */
export function networkFailure(err: unknown, origin: string, signal: AbortSignal): UpstreamFailure {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof UpstreamTimeout) {
      return { ok: false, retryable: true, clientAborted: false, error: timeoutError(reason.ms) };
    }
    return { ok: false, retryable: false, clientAborted: true, error: { status: 499, message: "client closed the request" } };
  }
  return classifyNetworkError(err, origin);
}

/** An upstream that timed out or could not be reached (the client is still there). */
export function classifyNetworkError(err: unknown, origin: string): UpstreamFailure {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return {
      ok: false,
      retryable: true,
      clientAborted: false,
      error: { status: 504, type: "timeout_error", message: `provider at ${origin} went silent: ${err.message}` },
    };
  }
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code === "UND_ERR_INVALID_ARG") {
    // Nothing left the gateway: it built a request the HTTP client refuses. That is the gateway's fault, not the provider's.
    return {
      ok: false,
      retryable: false,
      clientAborted: false,
      error: {
        status: 500,
        type: "server_error",
        message: `the gateway built an upstream request for ${origin} that could not be sent: ${(err as Error).message}`,
      },
    };
  }
  const detail = code ? `${code}` : (err as Error).message;
  return {
    ok: false,
    retryable: true,
    clientAborted: false,
    error: { status: 502, type: "network_error", message: `could not reach provider at ${origin}: ${detail}` },
  };
}

/** Abort reason used when the gateway's own request timeout fires. */
export class UpstreamTimeout extends Error {
  constructor(readonly ms: number) {
    super(`request timed out after ${ms / 1000}s`);
    this.name = "UpstreamTimeout";
  }
}

export function timeoutError(ms: number): ErrorDetails {
  return { status: 504, type: "timeout_error", message: `provider did not finish within ${ms / 1000}s (default_request_timeout_in_seconds)` };
}
