import type { EngineRequest } from "../core/engine-request.js";
import { labelValuesOf } from "../core/pipeline/request-labels.js";
import { GatewayFailure, type BifrostError } from "../schema/error.js";
import { isRecord, type JsonObject } from "../schema/json.js";
import type { Operation } from "../schema/request-type.js";
import { forwardedHeadersOf, pinnedKeyOf, sendsBackRaw } from "./gateway-headers.js";
import type { RouteContext } from "./router.js";
import { callerCredentialOf } from "./caller-credential.js";
import { clientSignal } from "./client-signal.js";

export interface SurfaceRequest {
  op: Operation;
  stream: boolean;
  model: string;
  body: JsonObject;
  /** Provider for a model written without `provider/`. */
  defaultProvider?: string;
  fallbacks?: readonly string[];
  /** The body as the caller's JSON text, when it already is canonical (OpenAI-shaped routes). */
  bodyText?: string;
  /** Headers the surface itself forwards upstream (e.g. `anthropic-beta`), besides `x-bf-eh-*`. */
  forwardHeaders?: Record<string, string>;
}

/** What every engine request takes from its caller: the `x-bf-*` headers, and the connection (its going away aborts). */
export type CallerParts = Pick<
  EngineRequest,
  "sendBackRaw" | "signal" | "pinnedKey" | "credential" | "forwardHeaders" | "requestId" | "traceparent" | "route" | "labels"
>;

export function callerPartsOf(ctx: RouteContext): CallerParts {
  const headers = ctx.req.headers;
  const parts: CallerParts = { sendBackRaw: sendsBackRaw(headers), signal: clientSignal(ctx.res), requestId: ctx.requestId, route: ctx.route };
  const traceparent = headers["traceparent"];
  if (typeof traceparent === "string") parts.traceparent = traceparent;
  if (ctx.requestLabels.length > 0) parts.labels = labelValuesOf(headers, ctx.requestLabels);
  const pinned = pinnedKeyOf(headers);
  if (pinned) parts.pinnedKey = pinned;
  const credential = callerCredentialOf(headers);
  if (credential) parts.credential = credential;
  const forwarded = forwardedHeadersOf(headers, ctx.forwardPolicy);
  if (forwarded.headers) parts.forwardHeaders = forwarded.headers;
  if (forwarded.dropped)
    ctx.log.debug(
      { requestId: ctx.requestId, dropped: forwarded.dropped },
      "headers not forwarded upstream (never forwarded, or outside client.header_filter_config)",
    );
  return parts;
}

/** An engine request from a route's parsed body plus the caller's `x-bf-*` headers. */
export function engineRequestFor(ctx: RouteContext, surface: SurfaceRequest): EngineRequest {
  const request: EngineRequest = {
    op: surface.op,
    stream: surface.stream,
    model: surface.model,
    body: surface.body,
    fallbacks: surface.fallbacks ?? [],
    ...callerPartsOf(ctx),
  };
  if (surface.defaultProvider) request.defaultProvider = surface.defaultProvider;
  if (surface.bodyText !== undefined) request.bodyText = surface.bodyText;
  if (surface.forwardHeaders && Object.keys(surface.forwardHeaders).length > 0) {
    request.forwardHeaders = { ...request.forwardHeaders, ...surface.forwardHeaders };
  }
  return request;
}

/**
 * Awaits an engine call: a GatewayFailure comes back as its BifrostError value, and `undefined`
 * when the client has already gone (nothing left to answer).
 */
export async function engineOutcome<T>(run: Promise<T>): Promise<T | BifrostError | undefined> {
  try {
    return await run;
  } catch (err) {
    if (!(err instanceof GatewayFailure)) throw err;
    return err.status === 499 ? undefined : err.body;
  }
}

/** `fallbacks` from a native body that carries them (drop-in surfaces accept them too). */
export function fallbacksOf(raw: unknown): string[] {
  return isRecord(raw) && Array.isArray(raw["fallbacks"]) ? raw["fallbacks"].filter((f): f is string => typeof f === "string") : [];
}
