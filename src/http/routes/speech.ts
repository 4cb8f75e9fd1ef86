import type { ErrorDetails } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import { answerAsyncPoll, asyncIntentOf, submitAsyncJob } from "../async-jobs.js";
import { engineRequestFor } from "../engine-request.js";
import { sendError } from "../respond.js";
import type { RouteContext } from "../router.js";
import { operationError, readOperationBody, type InferenceOptions, type SurfaceOptions } from "./inference.js";
import { renderResource } from "./resource-handlers.js";

/**
 * `POST .../audio/speech`: OpenAI's body in, the audio bytes out with the provider's content type
 * (as OpenAI answers). On an async route the request is stored as a job instead, whose result holds
 * the audio as base64 (see speech-job-result.ts).
 */
export function speechHandler(options: InferenceOptions, surface: SurfaceOptions = {}) {
  return async (ctx: RouteContext): Promise<void> => {
    const asyncIntent = asyncIntentOf("speech", ctx.req.headers, surface.asyncRoute === true);
    if (asyncIntent && asyncIntent.kind !== "submit") return answerAsyncPoll(ctx, options.asyncJobs, "speech", asyncIntent);
    const valid = await readOperationBody(ctx, "speech", options, surface);
    if (!valid) return;
    const refusal = streamRefusal(valid.body, asyncIntent !== undefined);
    if (refusal) return sendError(ctx.res, operationError("speech", refusal, valid.body));
    const request = engineRequestFor(ctx, {
      op: "speech",
      stream: false,
      model: valid.model,
      body: valid.body,
      fallbacks: valid.fallbacks,
      ...(surface.defaultProvider ? { defaultProvider: surface.defaultProvider } : {}),
    });
    if (asyncIntent) return submitAsyncJob(ctx, options.asyncJobs, asyncIntent.style, request);
    await renderResource(ctx.res, options.engine, request);
  };
}

/**
 * Speech streams by `stream_format: "sse"` (the upstream's events are passed on as they come), never
 * by `stream`; an async job keeps a finished result, so it streams neither way.
 */
function streamRefusal(body: JsonObject, asyncRoute: boolean): ErrorDetails | undefined {
  if (asyncRoute && (body["stream"] === true || body["stream_format"] === "sse")) {
    return { status: 400, message: "stream is not supported for async requests", param: body["stream"] === true ? "stream" : "stream_format" };
  }
  if (body["stream"] === true) {
    return { status: 400, message: 'speech has no stream flag: set stream_format to "sse" to receive the audio as server-sent events', param: "stream" };
  }
  return undefined;
}
