import type { ServerResponse } from "node:http";
import type { EngineResult } from "../../core/engine-result.js";
import type { EngineRequest } from "../../core/engine-request.js";
import { parseModelString } from "../../core/routing/model-string.js";
import { GatewayFailure, type BifrostError } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { convertCohereChatRequest } from "../../integrations/cohere/convert-cohere-chat-request.js";
import { convertCohereEmbedRequest, encodeCohereEmbedResponse } from "../../integrations/cohere/convert-cohere-embed.js";
import { convertCohereRerankRequest, encodeCohereRerankResponse } from "../../integrations/cohere/convert-cohere-rerank.js";
import { encodeCohereChatResponse } from "../../integrations/cohere/encode-cohere-chat-response.js";
import { createCohereStreamEncoder, type CohereStreamEncoder } from "../../integrations/cohere/encode-cohere-chat-stream.js";
import { encodeCohereError } from "../../integrations/cohere/encode-cohere-error.js";
import { engineRequestFor, fallbacksOf } from "../engine-request.js";
import { readJsonBody } from "../read-body.js";
import { sendJson } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import { sseEventText, startSse } from "../sse-writer.js";
import { pipeEncodedStream } from "../stream-renderer.js";
import { executeRequest, type InferenceOptions } from "./inference.js";
import { convertNativeBody } from "../convert-native-body.js";

/** One Cohere v2 stream event, as the surface's encoder makes it. */
type CohereEvent = ReturnType<CohereStreamEncoder["push"]>[number];

const SURFACE_PROVIDER = "cohere";

/** A Cohere body turned canonical, and how to turn the canonical JSON answer back into Cohere's. */
interface SurfaceCall {
  body: JsonObject;
  stream: boolean;
  encode(body: JsonObject): unknown;
}

/**
 * The Cohere SDK (`CohereClientV2`) drop-in surface: v2 chat (and its named-event stream), embed and
 * rerank in Cohere's shapes, served by any provider (`provider/model`; a bare model means Cohere).
 */
export function addCohereRoutes(router: Router, options: InferenceOptions): void {
  router.add(
    "POST",
    "/cohere/v2/chat",
    cohereHandler("chat", options, (raw, target) => {
      const body = convertCohereChatRequest(raw, target);
      return { body, stream: body.stream === true, encode: encodeCohereChatResponse };
    }),
  );
  router.add(
    "POST",
    "/cohere/v2/embed",
    cohereHandler("embedding", options, (raw, target) => {
      const asked = convertCohereEmbedRequest(raw, target);
      return { body: asked.request, stream: false, encode: (body) => encodeCohereEmbedResponse(body, asked) };
    }),
  );
  router.add(
    "POST",
    "/cohere/v2/rerank",
    cohereHandler("rerank", options, (raw, target) => {
      return { body: convertCohereRerankRequest(raw, target), stream: false, encode: encodeCohereRerankResponse };
    }),
  );
}

function cohereHandler(op: Operation, options: InferenceOptions, convert: (raw: unknown, targetProvider: string) => SurfaceCall) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendCohereError(ctx.res, raw.body);
    const model = isRecord(raw) && typeof raw["model"] === "string" ? raw["model"] : "";
    const call = convertNativeBody<SurfaceCall>(() => convert(raw, parseModelString(model, SURFACE_PROVIDER)?.provider ?? SURFACE_PROVIDER));
    if (call instanceof GatewayFailure) return sendCohereError(ctx.res, call.body);
    const result = await executeRequest(options.engine, engineRequest(ctx, op, model, call, raw));
    if (result === undefined) return void ctx.res.destroy();
    if (!("kind" in result)) return sendCohereError(ctx.res, result);
    if (result.kind === "json") return sendJson(ctx.res, 200, call.encode(result.body));
    await renderCohereStream(ctx.res, result);
  };
}

function engineRequest(ctx: RouteContext, op: Operation, model: string, call: SurfaceCall, raw: unknown): EngineRequest {
  return engineRequestFor(ctx, { op, stream: call.stream, model, defaultProvider: SURFACE_PROVIDER, body: call.body, fallbacks: fallbacksOf(raw) });
}

/** Cohere's stream: `event: <type>` + `data: <json>` per event, no `[DONE]`; a late failure ends in `message-end` with `error`. */
function renderCohereStream(res: ServerResponse, result: EngineResult & { kind: "stream" }): Promise<void> {
  const encoder = createCohereStreamEncoder();
  startSse(res);
  return pipeEncodedStream<CohereEvent>(
    res,
    result.items,
    {
      encode: (chunk) => encoder.push(chunk.data),
      finish: () => encoder.end(),
      fail: (error) => encoder.fail(error.error.message),
    },
    (event) => sseEventText(JSON.stringify(event), event.type),
  );
}

function sendCohereError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, body } = encodeCohereError(err);
  sendJson(res, status, body);
}
