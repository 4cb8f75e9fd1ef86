import type { ServerResponse } from "node:http";
import type { EngineResult } from "../../core/engine-result.js";
import type { EngineRequest } from "../../core/engine-request.js";
import { parseModelString } from "../../core/routing/model-string.js";
import { GatewayFailure, type BifrostError } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import { bedrockErrorResponse } from "../../integrations/bedrock/bedrock-error-response.js";
import { convertChatResponseToConverse } from "../../integrations/bedrock/convert-chat-response-to-converse.js";
import { convertConverseRequestToChat } from "../../integrations/bedrock/convert-converse-request-to-chat.js";
import { converseEventMessage, converseExceptionMessage, createConverseStreamEncoder } from "../../integrations/bedrock/encode-converse-stream.js";
import { engineRequestFor } from "../engine-request.js";
import { readJsonBody } from "../read-body.js";
import { sendJson } from "../respond.js";
import { pipeEncodedStream } from "../stream-renderer.js";
import type { RouteContext, Router } from "../router.js";
import { executeRequest, type InferenceOptions } from "./inference.js";
import { convertNativeBody } from "../convert-native-body.js";

const SURFACE_PROVIDER = "bedrock";

/**
 * The Bedrock Runtime SDK drop-in surface (`endpoint: <gateway>/bedrock`): Converse and
 * ConverseStream in Bedrock's shape, served by any provider. The model id in the path is a Bedrock
 * model id (or ARN), or `provider/model` URL-encoded. The SDK's SigV4 signature is not checked.
 */
export function addBedrockRoutes(router: Router, options: InferenceOptions): void {
  router.add("POST", "/bedrock/model/{modelId}/converse", converseHandler(options, false));
  router.add("POST", "/bedrock/model/{modelId}/converse-stream", converseHandler(options, true));
}

/** `provider/model` → as written; a bare id or an ARN (whose `/` is its own) → the bedrock provider. */
export function engineModelOf(modelId: string): string {
  if (modelId.startsWith("arn:")) return `${SURFACE_PROVIDER}/${modelId}`;
  const ref = parseModelString(modelId, SURFACE_PROVIDER);
  return ref ? `${ref.provider}/${ref.model}` : modelId;
}

function converseHandler(options: InferenceOptions, stream: boolean) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendBedrockError(ctx.res, raw.body);
    const model = engineModelOf(ctx.params["modelId"] ?? "");
    const body = convertNativeBody<JsonObject>(() => convertConverseRequestToChat(raw, model, stream));
    if (body instanceof GatewayFailure) return sendBedrockError(ctx.res, body.body);
    const result = await executeRequest(options.engine, engineRequest(ctx, model, body, stream));
    if (result === undefined) return void ctx.res.destroy();
    if (!("kind" in result)) return sendBedrockError(ctx.res, result);
    if (result.kind === "json") return sendJson(ctx.res, 200, { ...convertChatResponseToConverse(result.body), extra_fields: result.body["extra_fields"] });
    await renderConverseStream(ctx, result);
  };
}

function engineRequest(ctx: RouteContext, model: string, body: JsonObject, stream: boolean): EngineRequest {
  return engineRequestFor(ctx, { op: "chat", stream, model, body });
}

/** ConverseStream answers with binary event-stream messages, each written as soon as it exists. */
function renderConverseStream(ctx: RouteContext, result: EngineResult & { kind: "stream" }): Promise<void> {
  const { res } = ctx;
  const encoder = createConverseStreamEncoder();
  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": ctx.requestId });
  res.flushHeaders();
  return pipeEncodedStream<Buffer>(
    res,
    result.items,
    {
      encode: (chunk) => encoder.encode(chunk.data).map(converseEventMessage),
      finish: () => encoder.finish().map(converseEventMessage),
      fail: (error) => [converseExceptionMessage(error)],
    },
    (frame) => frame,
  );
}

function sendBedrockError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, headers, body } = bedrockErrorResponse(err);
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
