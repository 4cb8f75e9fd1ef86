import type { ServerResponse } from "node:http";
import type { EngineResult } from "../../core/engine-result.js";
import type { EngineRequest } from "../../core/engine-request.js";
import { parseModelString } from "../../core/routing/model-string.js";
import { GatewayFailure, gatewayError, type BifrostError } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import { canonicalToGenaiEmbeddings, genaiEmbeddingToCanonical, type GenaiEmbedMethod } from "../../integrations/genai/convert-genai-embeddings.js";
import { genaiRequestToCanonical } from "../../integrations/genai/convert-genai-request.js";
import { canonicalToGenaiResponse } from "../../integrations/genai/convert-canonical-to-genai-response.js";
import { toGenaiError } from "../../integrations/genai/genai-error.js";
import { parseGenaiModelPath, type GenaiTarget } from "../../integrations/genai/genai-model-path.js";
import { createGenaiStreamEncoder } from "../../integrations/genai/genai-stream-encoder.js";
import { engineRequestFor, fallbacksOf } from "../engine-request.js";
import { readJsonBody } from "../read-body.js";
import { sendJson } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import { sseEventText, startSse } from "../sse-writer.js";
import { pipeEncodedStream } from "../stream-renderer.js";
import { countGenaiTokens } from "./count-tokens.js";
import { executeRequest, type InferenceOptions } from "./inference.js";
import { convertNativeBody } from "../convert-native-body.js";

const API_VERSIONS = new Set(["v1beta", "v1", "v1alpha"]);
/** A bare model name means Gemini; `provider/model` picks any configured provider. */
const DEFAULT_PROVIDER = "gemini";
/** `models/{model}:{method}` where the model may span segments (`openai/gpt-4o-mini`, `openrouter/meta-llama/x`). */
const MAX_MODEL_SEGMENTS = 3;

/**
 * The Google GenAI SDK drop-in surface (`httpOptions.baseUrl = <gateway>/genai`):
 * `:generateContent`, `:streamGenerateContent`, `:embedContent`, `:batchEmbedContents`,
 * answered in Gemini's shapes (errors too) from any configured provider.
 */
export function addGenAIRoutes(router: Router, options: InferenceOptions): void {
  const handler = genaiHandler(options);
  for (let count = 1; count <= MAX_MODEL_SEGMENTS; count++) {
    const segments = Array.from({ length: count }, (_, i) => `{m${i}}`).join("/");
    router.add("POST", `/genai/{version}/models/${segments}`, handler);
  }
}

function genaiHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const segments = Object.keys(ctx.params)
      .filter((k) => k.startsWith("m"))
      .sort()
      .map((k) => ctx.params[k]!);
    const target = API_VERSIONS.has(ctx.params["version"] ?? "") ? parseGenaiModelPath(segments) : undefined;
    if (!target) {
      ctx.req.resume();
      return sendGenaiError(ctx.res, gatewayError({ status: 404, message: `no route for POST ${ctx.req.url ?? ""}` }));
    }
    if (target.method === "countTokens") return countGenaiTokens(ctx, target.model, options);
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendGenaiError(ctx.res, raw.body);
    const request = convertNativeBody<EngineRequest>(() => engineRequestOf(ctx, target, raw));
    if (request instanceof GatewayFailure) return sendGenaiError(ctx.res, request.body);
    const result = await executeRequest(options.engine, request);
    if (result === undefined) return void ctx.res.destroy();
    if (!("kind" in result)) return sendGenaiError(ctx.res, result);
    if (result.kind === "json") {
      const body =
        request.op === "embedding" ? canonicalToGenaiEmbeddings(result.body, target.method as GenaiEmbedMethod) : canonicalToGenaiResponse(result.body);
      return sendJson(ctx.res, 200, body);
    }
    if (ctx.query.get("alt") === "sse") return renderSse(ctx.res, result);
    return renderJsonArray(ctx.res, result);
  };
}

function engineRequestOf(ctx: RouteContext, target: GenaiTarget, raw: unknown): EngineRequest {
  const ref = parseModelString(target.model, DEFAULT_PROVIDER);
  if (!ref) throw new GatewayFailure(gatewayError({ status: 400, message: `model '${target.model}' is not a model name`, param: "model" }));
  let op: EngineRequest["op"];
  let body: JsonObject;
  switch (target.method) {
    case "generateContent":
    case "streamGenerateContent":
      op = "chat";
      body = genaiRequestToCanonical(raw, target.model, ref.provider);
      // Gemini streams always end with usage; OpenAI-family upstreams send it only when asked.
      if (target.method === "streamGenerateContent") Object.assign(body, { stream: true, stream_options: { include_usage: true } });
      break;
    case "embedContent":
    case "batchEmbedContents":
      op = "embedding";
      body = genaiEmbeddingToCanonical(raw, target.method, target.model);
      break;
    default:
      throw new GatewayFailure(gatewayError({ status: 404, message: `method ${target.method} is not supported on /genai` }));
  }
  return engineRequestFor(ctx, {
    op,
    stream: target.method === "streamGenerateContent",
    model: target.model,
    defaultProvider: DEFAULT_PROVIDER,
    body,
    fallbacks: fallbacksOf(raw),
  });
}

/** `alt=sse`: one `data:` event per Gemini chunk; an error after the first byte is a `data: {error}` event. */
function renderSse(res: ServerResponse, result: EngineResult & { kind: "stream" }): Promise<void> {
  const encoder = createGenaiStreamEncoder();
  startSse(res);
  return pipeEncodedStream<unknown>(
    res,
    result.items,
    {
      encode: (chunk) => encoder.encode(chunk.data),
      finish: () => encoder.finish(),
      fail: (error) => [toGenaiError(error)],
    },
    (chunk) => sseEventText(JSON.stringify(chunk)),
  );
}

/** Without `alt=sse` Google answers a stream as one JSON array of chunks. */
async function renderJsonArray(res: ServerResponse, result: EngineResult & { kind: "stream" }): Promise<void> {
  const encoder = createGenaiStreamEncoder();
  const chunks: unknown[] = [];
  try {
    for await (const batch of result.items) {
      for (const item of batch) {
        if (item.kind === "error") return sendGenaiError(res, item.error);
        chunks.push(...encoder.encode(item.chunk.data));
      }
    }
  } finally {
    await result.items.return(undefined);
  }
  sendJson(res, 200, [...chunks, ...encoder.finish()]);
}

function sendGenaiError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.status_code, toGenaiError(err));
}
