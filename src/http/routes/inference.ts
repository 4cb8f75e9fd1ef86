import type { ServerResponse } from "node:http";
import type { Engine, EngineRequest, EngineResult } from "../../core/engine.js";
import { GatewayFailure, gatewayError } from "../../core/schema/error.js";
import { isRecord } from "../../core/schema/json.js";
import type { Operation } from "../../core/schema/request-type.js";
import { validateBody } from "../../core/schema/validate.js";
import { readGatewayHeaders } from "../gateway-headers.js";
import { readJsonBody } from "../read-body.js";
import { sendError, sendJson } from "../respond.js";
import type { RouteContext } from "../router.js";
import { startSse, writeSseEvent } from "../sse-writer.js";

export interface InferenceOptions {
  engine: Engine;
  maxBodyBytes: number;
}

export interface SurfaceOptions {
  /** Provider for a model written without `provider/` (the `/openai` surface: `openai`). */
  defaultProvider?: string;
  /** Forces the model (Azure deployment paths carry it in the URL). */
  modelFromPath?: (ctx: RouteContext) => string;
}

/** POST handlers for OpenAI-shaped inference: parse → validate → engine → render (JSON or SSE). */
export function inferenceHandler(op: Operation, options: InferenceOptions, surface: SurfaceOptions = {}) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.maxBodyBytes);
    if (raw instanceof GatewayFailure) return sendError(ctx.res, raw.body);
    const bodyToCheck = surface.modelFromPath && isRecord(raw) ? { ...raw, model: surface.modelFromPath(ctx) } : raw;
    const valid = validateBody(op, bodyToCheck);
    if (!("body" in valid)) return sendError(ctx.res, gatewayError(valid));
    if (valid.stream && op === "embedding") {
      return sendError(ctx.res, gatewayError({ status: 400, message: "embeddings cannot be streamed", param: "stream" }));
    }
    const headers = readGatewayHeaders(ctx.req.headers);
    const { body, model, stream, fallbacks } = valid;
    delete body["fallbacks"];
    const request: EngineRequest = {
      op,
      stream,
      model,
      body,
      fallbacks,
      sendBackRaw: headers.sendBackRaw,
      signal: clientSignal(ctx.res),
      ...(surface.defaultProvider ? { defaultProvider: surface.defaultProvider } : {}),
      ...(headers.pinnedKey ? { pinnedKey: headers.pinnedKey } : {}),
      ...(headers.forwardHeaders ? { forwardHeaders: headers.forwardHeaders } : {}),
    };
    await runAndRender(ctx.res, options.engine, request);
  };
}

/** Runs an engine request and renders whichever result it gives. */
export async function runAndRender(res: ServerResponse, engine: Engine, request: EngineRequest): Promise<void> {
  let result: EngineResult;
  try {
    result = await engine.execute(request);
  } catch (err) {
    if (err instanceof GatewayFailure) {
      if (err.status === 499) return void res.destroy();
      return sendError(res, err.body);
    }
    throw err;
  }
  if (result.kind === "json") return sendJson(res, 200, result.body);
  await renderStream(res, result);
}

async function renderStream(res: ServerResponse, result: EngineResult & { kind: "stream" }): Promise<void> {
  const named = result.requestType === "responses_stream";
  startSse(res);
  let failed = false;
  try {
    for await (const item of result.items) {
      if (res.destroyed) break;
      if (item.kind === "error") {
        failed = true;
        await writeSseEvent(res, JSON.stringify(item.error), named ? "error" : undefined);
        break;
      }
      await writeSseEvent(res, JSON.stringify(item.chunk.data), item.chunk.event);
    }
  } finally {
    await result.items.return(undefined);
  }
  if (res.destroyed) return;
  if (!named && !failed) res.write("data: [DONE]\n\n");
  res.end();
}

/** Aborts when the client goes away before the response is complete. */
export function clientSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client closed the connection"));
  });
  return controller.signal;
}
