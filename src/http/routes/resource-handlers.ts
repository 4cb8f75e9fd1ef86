import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Engine } from "../../core/engine.js";
import type { BytesResult, ResourceResult } from "../../core/engine-result.js";
import type { EngineRequest } from "../../core/engine-request.js";
import { GatewayFailure, gatewayError, withErrorContext, type BifrostError, type ErrorDetails } from "../../schema/error.js";
import type { Operation } from "../../schema/request-type.js";
import type { ResourceOperation } from "../../schema/resource-operation.js";
import { callerPartsOf, engineOutcome } from "../engine-request.js";
import { modelProviderOf } from "../gateway-headers.js";
import { readMultipartForm } from "../read-multipart.js";
import { sendError, sendJson } from "../respond.js";
import type { RouteContext } from "../router.js";
import type { InferenceOptions } from "./inference.js";

/** Files, batches and containers not naming a provider are OpenAI's. */
export const DEFAULT_RESOURCE_PROVIDER = "openai";

/**
 * The provider a resource request names: in its body or form (`named`), else `?provider=`, else
 * `x-model-provider`; undefined when none does.
 */
export function namedProvider(ctx: RouteContext, named?: unknown): string | undefined {
  if (typeof named === "string" && named) return named;
  return ctx.query.get("provider") ?? modelProviderOf(ctx.req.headers);
}

/** An engine request for a resource operation; the query goes upstream without `provider`. */
export function resourceRequest(ctx: RouteContext, op: Operation, provider: string, parts: Partial<EngineRequest> = {}): EngineRequest {
  const query = new URLSearchParams(ctx.query);
  query.delete("provider");
  return {
    op,
    stream: false,
    provider,
    query,
    ...callerPartsOf(ctx),
    ...(ctx.params["id"] ? { resourceId: ctx.params["id"] } : {}),
    ...(ctx.params["file_id"] ? { childId: ctx.params["file_id"] } : {}),
    ...parts,
  };
}

/** Operations addressed by the path alone (list, retrieve, delete, cancel, content, results). */
export function pathResourceHandler(op: ResourceOperation, engine: Engine) {
  return async (ctx: RouteContext): Promise<void> => {
    ctx.req.resume();
    const provider = namedProvider(ctx) ?? DEFAULT_RESOURCE_PROVIDER;
    await renderResource(ctx.res, engine, resourceRequest(ctx, op, provider));
  };
}

/**
 * A multipart upload whose `file` part is required (`what` says what it is for): spooled, sent on
 * with the other form fields (the `provider` field steers the gateway), then removed.
 */
export async function renderUpload(ctx: RouteContext, options: InferenceOptions, op: ResourceOperation, what: string): Promise<void> {
  const form = await readMultipartForm(ctx.req, options.bodyLimits);
  if (form instanceof GatewayFailure) return sendError(ctx.res, withErrorContext(form.body, { request_type: op }));
  try {
    const { provider: named, ...fields } = form.fields;
    const provider = namedProvider(ctx, named) ?? DEFAULT_RESOURCE_PROVIDER;
    if (!form.file)
      return sendError(ctx.res, resourceError(op, { status: 400, message: `multipart field 'file' is required: ${what}`, param: "file" }, provider));
    await renderResource(ctx.res, options.engine, resourceRequest(ctx, op, provider, { body: fields, upload: form.file }));
  } finally {
    await form.discard();
  }
}

/** A resource operation's BifrostError, or its result; undefined when the client has gone. */
export function runResource(engine: Engine, request: EngineRequest): Promise<ResourceResult | BifrostError | undefined> {
  return engineOutcome(engine.executeResource(request));
}

/** Runs a resource operation and answers with its JSON, its bytes, or its BifrostError. */
export async function renderResource(res: ServerResponse, engine: Engine, request: EngineRequest): Promise<void> {
  const result = await runResource(engine, request);
  if (result === undefined) return void res.destroy();
  if (!("kind" in result)) return sendError(res, result);
  if (result.kind === "json") return sendJson(res, 200, result.body);
  await sendBytes(res, result);
}

/** Passes a file's bytes on as they arrive; the upstream read waits while the client is slow. */
async function sendBytes(res: ServerResponse, result: BytesResult): Promise<void> {
  res.writeHead(200, result.headers);
  try {
    await pipeline(result.body, res);
  } catch {
    // The client went away or the upstream broke mid-body: both sockets are closed by now.
  }
}

/** A gateway-made error about a resource request, tagged with its request type. */
export function resourceError(op: ResourceOperation, details: Omit<ErrorDetails, "extra">, provider?: string): BifrostError {
  return gatewayError({ ...details, extra: { request_type: op, ...(provider ? { provider } : {}) } });
}
