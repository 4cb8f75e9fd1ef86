import type { Engine } from "../../core/engine.js";
import { GatewayFailure } from "../../schema/error.js";
import type { Operation } from "../../schema/request-type.js";
import { callerPartsOf } from "../engine-request.js";
import { sendError, sendJson } from "../respond.js";
import type { RouteContext } from "../router.js";
import { runAndRender } from "./inference.js";
import { DEFAULT_RESOURCE_PROVIDER, namedProvider, resourceRequest } from "./resource-handlers.js";

/**
 * Stored-response operations name their provider in `?provider=` or `x-model-provider`
 * (default openai); the rest of the query goes upstream.
 */
export function responseResourceHandler(op: Operation, engine: Engine) {
  return async (ctx: RouteContext): Promise<void> => {
    ctx.req.resume();
    await runAndRender(ctx.res, engine, resourceRequest(ctx, op, namedProvider(ctx) ?? DEFAULT_RESOURCE_PROVIDER));
  };
}

/** `GET /v1/models`: all configured providers, or `?provider=`. */
export function listModelsHandler(engine: Engine) {
  return async (ctx: RouteContext): Promise<void> => {
    const provider = ctx.query.get("provider") ?? undefined;
    try {
      const body = await engine.listModels(provider, { ...callerPartsOf(ctx), sendBackRaw: false });
      sendJson(ctx.res, 200, body);
    } catch (err) {
      if (err instanceof GatewayFailure) return sendError(ctx.res, err.body);
      throw err;
    }
  };
}
