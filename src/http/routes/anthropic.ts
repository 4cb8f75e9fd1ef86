import type { ServerResponse } from "node:http";
import type { Engine } from "../../core/engine.js";
import type { EngineResult } from "../../core/engine-result.js";
import type { EngineRequest } from "../../core/engine-request.js";
import { parseModelString } from "../../core/routing/model-string.js";
import { GatewayFailure, type BifrostError } from "../../schema/error.js";
import { anthropicErrorBody } from "../../integrations/anthropic/anthropic-error-response.js";
import { convertAnthropicRequestToChat, type AnthropicSurfaceRequest } from "../../integrations/anthropic/convert-anthropic-request-to-chat.js";
import { convertChatResponseToAnthropic } from "../../integrations/anthropic/convert-chat-response-to-anthropic.js";
import { convertModelsToAnthropic } from "../../integrations/anthropic/convert-models-to-anthropic.js";
import { createAnthropicStreamEncoder } from "../../integrations/anthropic/encode-anthropic-stream.js";
import { callerPartsOf, engineRequestFor } from "../engine-request.js";
import { readJsonBody } from "../read-body.js";
import { sendJson } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import { sseFrameText, startSse, type SseFrame } from "../sse-writer.js";
import { pipeEncodedStream } from "../stream-renderer.js";
import { executeRequest, type InferenceOptions } from "./inference.js";
import { convertNativeBody } from "../convert-native-body.js";

const SURFACE_PROVIDER = "anthropic";

/** The Anthropic SDK drop-in surface: Messages in Anthropic's shape, served by any provider. */
export function addAnthropicRoutes(router: Router, options: InferenceOptions): void {
  router.add("POST", "/anthropic/v1/messages", messagesHandler(options));
  router.add("GET", "/anthropic/v1/models", modelsHandler(options.engine));
}

function messagesHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendAnthropicError(ctx.res, raw.body);
    const native = convertNativeBody<AnthropicSurfaceRequest>(() => convertAnthropicRequestToChat(raw));
    if (native instanceof GatewayFailure) return sendAnthropicError(ctx.res, native.body);
    const result = await executeRequest(options.engine, engineRequest(ctx, native));
    if (result === undefined) return void ctx.res.destroy();
    if (!("kind" in result)) return sendAnthropicError(ctx.res, result);
    if (result.kind === "json") {
      const message = convertChatResponseToAnthropic(result.body, native.model);
      return sendJson(ctx.res, 200, { ...message, extra_fields: result.body["extra_fields"] });
    }
    await renderAnthropicStream(ctx.res, result, native.model);
  };
}

function engineRequest(ctx: RouteContext, native: AnthropicSurfaceRequest): EngineRequest {
  const beta = ctx.req.headers["anthropic-beta"];
  // A real anthropic-beta header is meant for Anthropic only, not for another provider serving the call.
  const forBeta = typeof beta === "string" && beta && parseModelString(native.model, SURFACE_PROVIDER)?.provider === SURFACE_PROVIDER;
  return engineRequestFor(ctx, {
    op: "chat",
    stream: native.stream,
    model: native.model,
    defaultProvider: SURFACE_PROVIDER,
    body: native.body,
    fallbacks: native.fallbacks,
    ...(forBeta ? { forwardHeaders: { "anthropic-beta": beta } } : {}),
  });
}

/** Anthropic's event sequence; a failure after the first byte is an `event: error`. */
function renderAnthropicStream(res: ServerResponse, result: EngineResult & { kind: "stream" }, model: string): Promise<void> {
  const encoder = createAnthropicStreamEncoder(model);
  startSse(res);
  return pipeEncodedStream<SseFrame>(
    res,
    result.items,
    {
      encode: (chunk) => encoder.encode(chunk.data),
      finish: () => encoder.finish(),
      fail: (error) => [{ event: "error", data: anthropicErrorBody(error) }],
    },
    sseFrameText,
  );
}

/** `GET /anthropic/v1/models`: Anthropic's models when it is configured (bare ids), else every provider's. */
function modelsHandler(engine: Engine) {
  return async (ctx: RouteContext): Promise<void> => {
    ctx.req.resume();
    const provider = engine.providerNames.includes(SURFACE_PROVIDER) ? SURFACE_PROVIDER : undefined;
    try {
      const list = await engine.listModels(provider, { ...callerPartsOf(ctx), sendBackRaw: false });
      sendJson(ctx.res, 200, convertModelsToAnthropic(list, provider));
    } catch (err) {
      if (err instanceof GatewayFailure) return sendAnthropicError(ctx.res, err.body);
      throw err;
    }
  };
}

function sendAnthropicError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.status_code, anthropicErrorBody(err));
}
