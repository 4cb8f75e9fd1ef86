import { randomUUID } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { AsyncJobRunner } from "../core/async-jobs/async-job-runner.js";
import type { Engine } from "../core/engine.js";
import { DEFAULTS } from "../config/defaults.js";
import type { ClientSettings } from "../config/types.js";
import { gatewayError, GatewayFailure } from "../schema/error.js";
import type { ForwardHeaderPolicy } from "./gateway-headers.js";
import type { BodyLimits } from "./read-body.js";
import { GatewayResponse } from "./gateway-response.js";
import { sendError } from "./respond.js";
import { ServerDrain } from "./shutdown.js";
import type { PluginPipeline } from "../core/pipeline/pipeline.js";
import { requestLabelsFor, type RequestLabel } from "../core/pipeline/request-labels.js";
import { Router, type RouteContext } from "./router.js";
import { addAnthropicRoutes } from "./routes/anthropic.js";
import { addAnthropicBatchRoutes } from "./routes/anthropic-batches.js";
import { addAsyncRoutes } from "./routes/async.js";
import { addBedrockRoutes } from "./routes/bedrock.js";
import { addCohereRoutes } from "./routes/cohere.js";
import { addCountTokensRoutes } from "./routes/count-tokens.js";
import { addGenAIRoutes } from "./routes/genai.js";
import { addHealthRoutes } from "./routes/health.js";
import { addMetricsRoutes, type ScrapeMetrics } from "./routes/metrics.js";
import { AdminAuth } from "./admin-auth.js";
import { addGovernanceRoutes, type GovernanceApi } from "./routes/governance.js";
import { addSessionRoutes } from "./routes/session.js";
import { addLogsRoutes, type LogsApi } from "./routes/logs.js";
import { addOpenAIRoutes } from "./routes/openai.js";
import { addUnifiedRoutes } from "./routes/unified.js";

export interface ServerDeps {
  engine: Engine;
  logger: Logger;
  client: ClientSettings;
  asyncJobs: AsyncJobRunner;
  /** Plugins that watch every HTTP exchange (metrics); absent or none: nothing is measured. */
  pipeline?: PluginPipeline;
  /** Renders the Prometheus metrics for `GET /metrics`; absent (metrics off): no such route, a 404 as in Bifrost. */
  scrapeMetrics?: ScrapeMetrics;
  /** Metric label names callers may set per request with `x-bf-dim-<label>` headers. */
  requestLabels?: readonly string[];
  /** The request log's API; absent when the gateway keeps no log (its routes are then 404, as in Bifrost). */
  logs?: LogsApi;
  /** Governance's entities and usage for `/api/governance/*`; absent when governance is off (404). */
  governance?: GovernanceApi;
  /** Who may use the management API (`/api/*`). Absent: open (tests, embedding). */
  adminAuth?: AdminAuth;
  /** `client.enforce_auth_on_inference`, for `GET /api/session/is-auth-enabled`. */
  enforcesInferenceAuth?: boolean;
}

export function buildRouter(deps: ServerDeps): Router {
  const router = new Router();
  const options = { engine: deps.engine, bodyLimits: bodyLimitsOf(deps.client), asyncJobs: deps.asyncJobs };
  addHealthRoutes(router);
  if (deps.scrapeMetrics) addMetricsRoutes(router, deps.scrapeMetrics);
  addUnifiedRoutes(router, options);
  addAsyncRoutes(router, options);
  addOpenAIRoutes(router, options);
  addAnthropicRoutes(router, options);
  addAnthropicBatchRoutes(router, options);
  addCountTokensRoutes(router, options);
  addCohereRoutes(router, options);
  addGenAIRoutes(router, options);
  addBedrockRoutes(router, options);
  if (deps.logs) addLogsRoutes(router, deps.logs, options.bodyLimits);
  if (deps.governance) addGovernanceRoutes(router, deps.governance);
  addSessionRoutes(router, deps.adminAuth ?? new AdminAuth(undefined, false), options.bodyLimits, deps.enforcesInferenceAuth ?? false);
  return router;
}

function bodyLimitsOf(client: ClientSettings): BodyLimits {
  return { maxBytes: client.maxRequestBodyBytes, maxDepth: client.maxJsonDepth, idleMs: client.requestBodyIdleTimeoutMs };
}

function forwardPolicyOf(client: ClientSettings): ForwardHeaderPolicy {
  return {
    allowlist: new Set(client.headerFilter.allowlist),
    denylist: new Set(client.headerFilter.denylist),
    maxHeaders: DEFAULTS.maxForwardedHeaders,
    maxValueBytes: DEFAULTS.maxForwardedHeaderBytes,
  };
}

/** How often Node checks connections for the header timeout (its default, 30 s, would double it). */
const CONNECTIONS_CHECK_MS = 1_000;

/**
 * The HTTP server: request id, routing, and a last-resort error answer; nothing else. Slow clients
 * cannot hold sockets: headers must arrive within the header timeout (Node answers 408 and closes),
 * a body may not stall (see read-body), and connections beyond `max_connections` are closed at once.
 */
export function createGatewayServer(deps: ServerDeps): { server: Server<typeof IncomingMessage, typeof GatewayResponse>; drain: ServerDrain } {
  const router = buildRouter(deps);
  const forwardPolicy = forwardPolicyOf(deps.client);
  const server = createServer({
    ServerResponse: GatewayResponse,
    headersTimeout: deps.client.requestHeaderTimeoutMs,
    connectionsCheckingInterval: Math.min(CONNECTIONS_CHECK_MS, deps.client.requestHeaderTimeoutMs),
  });
  server.maxConnections = deps.client.maxConnections;
  const drain = new ServerDrain(server);
  const observer = deps.pipeline?.observesHttp ? deps.pipeline : undefined;
  const requestLabels = requestLabelsFor(deps.requestLabels ?? []);
  server.on("request", (req: IncomingMessage, res: GatewayResponse) => {
    drain.track(res);
    if (observer) observeExchange(observer, req, res);
    dispatch(router, deps.logger, forwardPolicy, requestLabels, deps.adminAuth, req, res).catch((err: unknown) => lastResort(deps.logger, res, err));
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket));
  server.keepAliveTimeout = 65_000;
  return { server, drain };
}

/** What a route handler gets; the query string is parsed only by handlers that read it. */
class RequestContext implements RouteContext {
  private parsedQuery: URLSearchParams | undefined;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly params: Record<string, string>,
    private readonly search: string,
    readonly requestId: string,
    readonly route: string,
    readonly forwardPolicy: ForwardHeaderPolicy,
    readonly requestLabels: readonly RequestLabel[],
    readonly log: Logger,
  ) {}
  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.search));
  }
}

/**
 * Routes one request. Whatever the handler throws or rejects with ends here, as this request's
 * answer alone: a GatewayFailure is the 4xx it carries; anything else is a 500 naming the request
 * id, logged once with its stack. The process keeps serving.
 */
async function dispatch(
  router: Router,
  logger: Logger,
  forwardPolicy: ForwardHeaderPolicy,
  requestLabels: readonly RequestLabel[],
  adminAuth: AdminAuth | undefined,
  req: IncomingMessage,
  res: GatewayResponse,
): Promise<void> {
  const incomingId = req.headers["x-request-id"];
  const requestId = typeof incomingId === "string" && incomingId ? incomingId : randomUUID();
  res.requestId = requestId;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const route = router.match(req.method ?? "GET", path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);
  if (route === undefined || route === "method-not-allowed") {
    req.resume();
    const status = route === undefined ? 404 : 405;
    const message = route === undefined ? `no route for ${req.method} ${path}` : `${req.method} is not allowed on ${path}`;
    return sendError(res, gatewayError({ status, message }));
  }
  if ("error" in route) {
    req.resume();
    return sendError(res, route.error);
  }
  res.route = route.template;
  const refused = adminAuth?.check(route.template, req);
  if (refused) {
    req.resume();
    return sendError(res, refused);
  }
  try {
    const search = q === -1 ? "" : url.slice(q + 1);
    await route.handler(new RequestContext(req, res, route.params, search, requestId, route.template, forwardPolicy, requestLabels, logger));
  } catch (err) {
    if (err instanceof GatewayFailure && err.status < 500) {
      req.resume();
      return sendError(res, err.body);
    }
    logger.error({ err, requestId, path }, "request failed inside the gateway");
    sendError(res, gatewayError({ status: 500, message: `internal gateway error (request ${requestId})` }));
  }
}

/** Tells the HTTP hooks about the exchange once its answer is complete (or the connection went). */
function observeExchange(pipeline: PluginPipeline, req: IncomingMessage, res: GatewayResponse): void {
  const started = performance.now();
  res.once("close", () => {
    const requestBytes = Number(req.headers["content-length"]);
    const responseBytes = res.contentLength ?? Number(res.getHeader("content-length"));
    pipeline.httpExchange({
      method: req.method ?? "GET",
      route: res.route,
      status: res.statusCode,
      durationSeconds: (performance.now() - started) / 1000,
      requestBytes: Number.isFinite(requestBytes) ? requestBytes : undefined,
      responseBytes: Number.isFinite(responseBytes) ? responseBytes : undefined,
      requestHeaders: req.headers,
    });
  });
}

/** A failure while answering a failure (the socket already broken, say): the connection is dropped, the process lives. */
function lastResort(logger: Logger, res: GatewayResponse, err: unknown): void {
  logger.error({ err, requestId: res.requestId }, "could not answer a failed request; its connection is closed");
  res.destroy();
}

/** A request Node's parser refuses (bad framing, headers too large, header timeout) gets a plain 4xx, then the socket closes. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const body = JSON.stringify(gatewayError({ status, message: clientErrorMessage(status) }));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function clientErrorMessage(status: number): string {
  if (status === 431) return "request headers are too large";
  if (status === 408) return "request headers did not arrive in time (client.request_header_timeout_in_seconds)";
  return "malformed HTTP request";
}
