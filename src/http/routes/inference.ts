import type { ServerResponse } from "node:http";
import type { AsyncJobRunner } from "../../core/async-jobs/async-job-runner.js";
import type { Engine } from "../../core/engine.js";
import type { EngineResult } from "../../core/engine-result.js";
import type { EngineRequest } from "../../core/engine-request.js";
import { GatewayFailure, gatewayError, type BifrostError, type ErrorDetails } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { requestTypeOf, type Operation } from "../../schema/request-type.js";
import { validateBody, type ValidBody } from "../../schema/validate.js";
import { answerAsyncPoll, asyncIntentOf, submitAsyncJob } from "../async-jobs.js";
import { engineOutcome, engineRequestFor } from "../engine-request.js";
import { readJsonBodyText, type BodyLimits } from "../read-body.js";
import { sendError, sendJsonText } from "../respond.js";
import type { RouteContext } from "../router.js";
import { sseEventText, startSse } from "../sse-writer.js";
import { pipeEncodedStream } from "../stream-renderer.js";

export interface InferenceOptions {
  engine: Engine;
  bodyLimits: BodyLimits;
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
    const valid = await readOperationBody(ctx, op, options, surface);
    if (!valid) return;
    if (valid.stream && op === "embedding") {
      return sendError(ctx.res, gatewayError({ status: 400, message: "embeddings cannot be streamed", param: "stream" }));
    }
    const request = engineRequestFor(ctx, { op, ...valid, ...(surface.defaultProvider ? { defaultProvider: surface.defaultProvider } : {}) });
    if (asyncIntent) return submitAsyncJob(ctx, options.asyncJobs, asyncIntent.style, request);
    await runAndRender(ctx.res, options.engine, request);
  };
}

/**
 * Reads and validates an operation's JSON body (the model forced by the path where the surface
 * says so). Answers the 4xx itself, tagged with the request type and model, and then gives undefined.
 */
export async function readOperationBody(
  ctx: RouteContext,
  op: Operation,
  options: InferenceOptions,
  surface: SurfaceOptions,
): Promise<(ValidBody & { bodyText: string }) | undefined> {
  const read = await readJsonBodyText(ctx.req, options.bodyLimits);
  if (read instanceof GatewayFailure) return void sendError(ctx.res, read.body);
  const raw = read.value;
  const bodyToCheck = surface.modelFromPath && isRecord(raw) ? { ...raw, model: surface.modelFromPath(ctx) } : raw;
  const valid = validateBody(op, bodyToCheck);
  if ("body" in valid) return { ...valid, bodyText: read.text };
  sendError(ctx.res, operationError(op, valid, bodyToCheck));
  return undefined;
}

/** A gateway-made error about an operation's body, with the request type and the model it asked for. */
export function operationError(op: Operation, details: ErrorDetails, body: unknown): BifrostError {
  const requested = isRecord(body) && body["stream"] === true;
  const model = isRecord(body) && typeof body["model"] === "string" ? { model_requested: body["model"] } : {};
  return gatewayError({ ...details, extra: { request_type: requestTypeOf(op, requested), ...model } });
}

/** Runs an engine request; a failure comes back as its BifrostError value, undefined once the client has gone. */
export function executeRequest(engine: Engine, request: EngineRequest): Promise<EngineResult | BifrostError | undefined> {
  return engineOutcome(engine.execute(request));
}

/** Runs an engine request and renders whichever result it gives, OpenAI-shaped. */
export async function runAndRender(res: ServerResponse, engine: Engine, request: EngineRequest): Promise<void> {
  const result = await executeRequest(engine, request);
  if (result === undefined) return void res.destroy();
  if (!("kind" in result)) return sendError(res, result);
  // The text is kept on the result: the request log, which holds the result until it writes, logs that same text.
  if (result.kind === "json") return sendJsonText(res, 200, (result.json ??= JSON.stringify(result.body)));
  await renderStream(res, result);
}

function renderStream(res: ServerResponse, result: EngineResult & { kind: "stream" }): Promise<void> {
  const named = result.requestType === "responses_stream";
  startSse(res);
  return pipeEncodedStream<string>(
    res,
    result.items,
    {
      encode: (chunk) => [sseEventText((chunk.json ??= JSON.stringify(chunk.data)), chunk.event)],
      finish: () => (named ? [] : ["data: [DONE]\n\n"]),
      fail: (error) => [sseEventText(JSON.stringify(error), named ? "error" : undefined)],
    },
    (frame) => frame,
  );
}
