import type { ServerResponse } from "node:http";
import type { AsyncJobRunner } from "../../core/async-jobs/async-job-runner.js";
import type { Engine, EngineRequest, EngineResult } from "../../core/engine.js";
import { GatewayFailure, gatewayError, type BifrostError } from "../../core/schema/error.js";
import { isRecord } from "../../core/schema/json.js";
import { requestTypeOf, type Operation } from "../../core/schema/request-type.js";
import { validateBody } from "../../core/schema/validate.js";
import { answerAsyncPoll, asyncIntentOf, submitAsyncJob } from "../async-jobs.js";
import { clientSignal } from "../client-signal.js";
import { readGatewayHeaders } from "../gateway-headers.js";
import { readJsonBody } from "../read-body.js";
import { sendError, sendJsonText } from "../respond.js";
import type { RouteContext } from "../router.js";
import { sseEventText, startSse } from "../sse-writer.js";
import { pipeEncodedStream } from "../stream-renderer.js";

export interface InferenceOptions {
  engine: Engine;
  maxBodyBytes: number;
  asyncJobs: AsyncJobRunner;
}

export interface SurfaceOptions {
  /** Provider for a model written without `provider/` (the `/openai` surface: `openai`). */
  defaultProvider?: string;
  /** Forces the model (Azure deployment paths carry it in the URL). */
  modelFromPath?: (ctx: RouteContext) => string;
  /** `/v1/async/*`: the request is stored as a job instead of run. */
  asyncRoute?: boolean;
}

/** POST handlers for OpenAI-shaped inference: parse → validate → engine → render (JSON or SSE). */
export function inferenceHandler(op: Operation, options: InferenceOptions, surface: SurfaceOptions = {}) {
  return async (ctx: RouteContext): Promise<void> => {
    const asyncIntent = asyncIntentOf(op, ctx.req.headers, surface.asyncRoute === true);
    if (asyncIntent && asyncIntent.kind !== "submit") return answerAsyncPoll(ctx, options.asyncJobs, op, asyncIntent);
    const raw = await readJsonBody(ctx.req, options.maxBodyBytes);
    if (raw instanceof GatewayFailure) return sendError(ctx.res, raw.body);
    const bodyToCheck = surface.modelFromPath && isRecord(raw) ? { ...raw, model: surface.modelFromPath(ctx) } : raw;
    const valid = validateBody(op, bodyToCheck);
    if (!("body" in valid)) {
      const requested = isRecord(bodyToCheck) && bodyToCheck["stream"] === true;
      const model = isRecord(bodyToCheck) && typeof bodyToCheck["model"] === "string" ? { model_requested: bodyToCheck["model"] } : {};
      return sendError(ctx.res, gatewayError({ ...valid, extra: { request_type: requestTypeOf(op, requested), ...model } }));
    }
    if (valid.stream && op === "embedding") {
      return sendError(ctx.res, gatewayError({ status: 400, message: "embeddings cannot be streamed", param: "stream" }));
    }
    const headers = readGatewayHeaders(ctx.req.headers);
    const { body, model, stream, fallbacks } = valid;
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
    if (asyncIntent) return submitAsyncJob(ctx, options.asyncJobs, asyncIntent.style, request);
    await runAndRender(ctx.res, options.engine, request);
  };
}

/**
 * Runs an engine request; a failure comes back as its BifrostError value, and `undefined`
 * when the client has already gone (nothing left to answer).
 */
export async function executeRequest(engine: Engine, request: EngineRequest): Promise<EngineResult | BifrostError | undefined> {
  try {
    return await engine.execute(request);
  } catch (err) {
    if (!(err instanceof GatewayFailure)) throw err;
    return err.status === 499 ? undefined : err.body;
  }
}

/** Runs an engine request and renders whichever result it gives, OpenAI-shaped. */
export async function runAndRender(res: ServerResponse, engine: Engine, request: EngineRequest): Promise<void> {
  const result = await executeRequest(engine, request);
  if (result === undefined) return void res.destroy();
  if (!("kind" in result)) return sendError(res, result);
  if (result.kind === "json") return sendJsonText(res, 200, result.json ?? JSON.stringify(result.body));
  await renderStream(res, result);
}

function renderStream(res: ServerResponse, result: EngineResult & { kind: "stream" }): Promise<void> {
  const named = result.requestType === "responses_stream";
  startSse(res);
  return pipeEncodedStream<string>(
    res,
    result.items,
    {
      encode: (chunk) => [sseEventText(chunk.json ?? JSON.stringify(chunk.data), chunk.event)],
      finish: () => (named ? [] : ["data: [DONE]\n\n"]),
      fail: (error) => [sseEventText(JSON.stringify(error), named ? "error" : undefined)],
    },
    (frame) => frame,
  );
}
