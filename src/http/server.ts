import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { AsyncJobRunner } from "../core/async-jobs/async-job-runner.js";
import type { Engine } from "../core/engine.js";
import { gatewayError } from "../core/schema/error.js";
import { GatewayResponse } from "./gateway-response.js";
import { sendError } from "./respond.js";
import { ServerDrain } from "./shutdown.js";
import { Router, type RouteContext } from "./router.js";
import { addAnthropicRoutes } from "./routes/anthropic.js";
import { addAnthropicBatchRoutes } from "./routes/anthropic-batches.js";
import { addAsyncRoutes } from "./routes/async.js";
import { addBedrockRoutes } from "./routes/bedrock.js";
import { addCohereRoutes } from "./routes/cohere.js";
import { addCountTokensRoutes } from "./routes/count-tokens.js";
import { addGenAIRoutes } from "./routes/genai.js";
import { addHealthRoutes } from "./routes/health.js";
import { addOpenAIRoutes } from "./routes/openai.js";
import { addUnifiedRoutes } from "./routes/unified.js";

export interface ServerDeps {
  engine: Engine;
  logger: Logger;
  maxBodyBytes: number;
  asyncJobs: AsyncJobRunner;
}

export function buildRouter(deps: ServerDeps): Router {
  const router = new Router();
  const options = { engine: deps.engine, maxBodyBytes: deps.maxBodyBytes, asyncJobs: deps.asyncJobs };
  addHealthRoutes(router);
  addUnifiedRoutes(router, options);
  addAsyncRoutes(router, options);
  addOpenAIRoutes(router, options);
  addAnthropicRoutes(router, options);
  addAnthropicBatchRoutes(router, options);
  addCountTokensRoutes(router, options);
  addCohereRoutes(router, options);
  addGenAIRoutes(router, options);
  addBedrockRoutes(router, options);
  return router;
}

/** The HTTP server: request id, routing, and a last-resort error answer; nothing else. */
export function createGatewayServer(deps: ServerDeps): { server: Server<typeof IncomingMessage, typeof GatewayResponse>; drain: ServerDrain } {
  const router = buildRouter(deps);
  const server = createServer({ ServerResponse: GatewayResponse });
  const drain = new ServerDrain(server);
  server.on("request", (req: IncomingMessage, res: GatewayResponse) => {
    drain.track(res);
    void dispatch(router, deps.logger, req, res);
  });
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
  ) {}
  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.search));
  }
}

async function dispatch(router: Router, logger: Logger, req: IncomingMessage, res: GatewayResponse): Promise<void> {
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
  try {
    await route.handler(new RequestContext(req, res, route.params, q === -1 ? "" : url.slice(q + 1), requestId));
  } catch (err) {
    logger.error({ err, requestId, path }, "request failed inside the gateway");
    sendError(res, gatewayError({ status: 500, message: `internal gateway error (request ${requestId})` }));
  }
}
