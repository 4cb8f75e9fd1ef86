import type { EngineRequest } from "../core/engine.js";
import { isRecord, type JsonObject } from "../core/schema/json.js";
import type { Operation } from "../core/schema/request-type.js";
import { readGatewayHeaders } from "./gateway-headers.js";
import type { RouteContext } from "./router.js";
import { clientSignal } from "./client-signal.js";

export interface SurfaceRequest {
  op: Operation;
  stream: boolean;
  model: string;
  body: JsonObject;
  /** Provider for a model written without `provider/`. */
  defaultProvider?: string;
  fallbacks?: readonly string[];
  /** Headers the surface itself forwards upstream (e.g. `anthropic-beta`), besides `x-bf-eh-*`. */
  forwardHeaders?: Record<string, string>;
}

/** An engine request from a route's parsed body plus the caller's `x-bf-*` headers. */
export function engineRequestFor(ctx: RouteContext, surface: SurfaceRequest): EngineRequest {
  const headers = readGatewayHeaders(ctx.req.headers);
  const forward = surface.forwardHeaders ? { ...headers.forwardHeaders, ...surface.forwardHeaders } : headers.forwardHeaders;
  return {
    op: surface.op,
    stream: surface.stream,
    model: surface.model,
    body: surface.body,
    fallbacks: surface.fallbacks ?? [],
    sendBackRaw: headers.sendBackRaw,
    signal: clientSignal(ctx.res),
    ...(surface.defaultProvider ? { defaultProvider: surface.defaultProvider } : {}),
    ...(headers.pinnedKey ? { pinnedKey: headers.pinnedKey } : {}),
    ...(forward && Object.keys(forward).length ? { forwardHeaders: forward } : {}),
  };
}

/** `fallbacks` from a native body that carries them (drop-in surfaces accept them too). */
export function fallbacksOf(raw: unknown): string[] {
  return isRecord(raw) && Array.isArray(raw["fallbacks"]) ? raw["fallbacks"].filter((f): f is string => typeof f === "string") : [];
}
