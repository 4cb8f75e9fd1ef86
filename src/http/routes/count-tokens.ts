import type { ServerResponse } from "node:http";
import { parseModelString } from "../../core/routing/model-string.js";
import { GatewayFailure, gatewayError, withErrorContext, type BifrostError } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import { validateBody } from "../../schema/validate.js";
import { countTokens, type CountTokensRequest, type TokenCount } from "../../core/token-counting/count-tokens.js";
import { anthropicErrorBody } from "../../integrations/anthropic/anthropic-error-response.js";
import { convertAnthropicRequestToChat, type AnthropicSurfaceRequest } from "../../integrations/anthropic/convert-anthropic-request-to-chat.js";
import { genaiRequestToCanonical } from "../../integrations/genai/convert-genai-request.js";
import { toGenaiError } from "../../integrations/genai/genai-error.js";
import { callerPartsOf } from "../engine-request.js";
import { readJsonBody } from "../read-body.js";
import { sendError, sendJson } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import { convertNativeBody } from "../convert-native-body.js";

const ANTHROPIC_PROVIDER = "anthropic";
const GENAI_PROVIDER = "gemini";

/** Input-token counting on the unified, OpenAI and Anthropic surfaces (GenAI's `:countTokens` comes through genai.ts). */
export function addCountTokensRoutes(router: Router, options: InferenceOptions): void {
  router.add("POST", "/v1/responses/input_tokens", responsesInputTokensHandler(options, undefined));
  for (const prefix of ["/openai/v1", "/openai"]) router.add("POST", `${prefix}/responses/input_tokens`, responsesInputTokensHandler(options, "openai"));
  router.add("POST", "/anthropic/v1/messages/count_tokens", anthropicCountTokensHandler(options));
}

type Outcome = TokenCount | BifrostError | undefined;

/** `POST .../responses/input_tokens`: a Responses request in, `{object: 'response.input_tokens', input_tokens}` out. */
function responsesInputTokensHandler(options: InferenceOptions, defaultProvider: string | undefined) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendError(ctx.res, raw.body);
    const valid = validateBody("responses", raw);
    if (!("body" in valid)) return sendError(ctx.res, gatewayError({ ...valid, extra: { request_type: "count_tokens" } }));
    const outcome = await count(options, countRequest(ctx, valid.model, valid.body, defaultProvider));
    if (outcome === undefined) return void ctx.res.destroy();
    if (!("input_tokens" in outcome)) return sendError(ctx.res, outcome);
    sendJson(ctx.res, 200, { object: "response.input_tokens", input_tokens: outcome.input_tokens, extra_fields: outcome.extra_fields });
  };
}

/** `POST /anthropic/v1/messages/count_tokens`: Anthropic's body and answer (`{input_tokens}`), errors included. */
function anthropicCountTokensHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendAnthropicError(ctx.res, raw.body);
    const native = convertNativeBody<AnthropicSurfaceRequest>(() => convertAnthropicRequestToChat(withMaxTokens(raw)));
    if (native instanceof GatewayFailure) return sendAnthropicError(ctx.res, native.body);
    delete native.body.max_tokens;
    const request = countRequest(ctx, native.model, native.body, ANTHROPIC_PROVIDER);
    const beta = ctx.req.headers["anthropic-beta"];
    // A real anthropic-beta header is meant for Anthropic only, not for another provider counting the call.
    if (typeof beta === "string" && beta && parseModelString(native.model, ANTHROPIC_PROVIDER)?.provider === ANTHROPIC_PROVIDER) {
      request.forwardHeaders = { ...request.forwardHeaders, "anthropic-beta": beta };
    }
    const outcome = await count(options, request);
    if (outcome === undefined) return void ctx.res.destroy();
    if (!("input_tokens" in outcome)) return sendAnthropicError(ctx.res, outcome);
    sendJson(ctx.res, 200, { input_tokens: outcome.input_tokens, extra_fields: outcome.extra_fields });
  };
}

/**
 * `POST /genai/{version}/models/{model}:countTokens`: `contents` (with `systemInstruction`, `tools`
 * as Vertex sends them) or a whole `generateContentRequest` in, `{totalTokens}` out.
 */
export async function countGenaiTokens(ctx: RouteContext, model: string, options: InferenceOptions): Promise<void> {
  const raw = await readJsonBody(ctx.req, options.bodyLimits);
  if (raw instanceof GatewayFailure) return sendGenaiError(ctx.res, raw.body);
  const native = isRecord(raw) && isRecord(raw["generateContentRequest"]) ? raw["generateContentRequest"] : raw;
  const provider = parseModelString(model, GENAI_PROVIDER)?.provider ?? GENAI_PROVIDER;
  const body = convertNativeBody<JsonObject>(() => genaiRequestToCanonical(native, model, provider));
  if (body instanceof GatewayFailure) return sendGenaiError(ctx.res, body.body);
  const outcome = await count(options, countRequest(ctx, model, body, GENAI_PROVIDER));
  if (outcome === undefined) return void ctx.res.destroy();
  if (!("input_tokens" in outcome)) return sendGenaiError(ctx.res, outcome);
  sendJson(ctx.res, 200, { totalTokens: outcome.input_tokens, extra_fields: outcome.extra_fields });
}

function countRequest(ctx: RouteContext, model: string, body: JsonObject, defaultProvider: string | undefined): CountTokensRequest {
  return { model, body, ...callerPartsOf(ctx), ...(defaultProvider ? { defaultProvider } : {}) };
}

/** The count, or its error as a value (with the request's context), or undefined once the client has gone. */
async function count(options: InferenceOptions, request: CountTokensRequest): Promise<Outcome> {
  try {
    return await countTokens(options.engine, request);
  } catch (err) {
    if (!(err instanceof GatewayFailure)) throw err;
    if (err.status === 499) return undefined;
    const ref = parseModelString(request.model, request.defaultProvider);
    return withErrorContext(err.body, {
      request_type: "count_tokens",
      model_requested: ref?.model ?? request.model,
      ...(ref ? { provider: ref.provider } : {}),
    });
  }
}

/** Counting bodies carry no `max_tokens`, which the Messages converter requires; it has no bearing on the count. */
function withMaxTokens(raw: unknown): unknown {
  return isRecord(raw) && raw["max_tokens"] === undefined ? { ...raw, max_tokens: 1 } : raw;
}

function sendAnthropicError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) return void res.destroy();
  sendJson(res, err.status_code, anthropicErrorBody(err));
}

function sendGenaiError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) return void res.destroy();
  sendJson(res, err.status_code, toGenaiError(err));
}
