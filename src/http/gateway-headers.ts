import type { IncomingHttpHeaders } from "node:http";

const FORWARD_PREFIX = "x-bf-eh-";

/** The `x-bf-*` headers a caller can use to steer one request. */
export interface GatewayHeaders {
  pinnedKey?: string;
  forwardHeaders?: Record<string, string>;
  sendBackRaw: boolean;
  modelProvider?: string;
}

export function readGatewayHeaders(headers: IncomingHttpHeaders): GatewayHeaders {
  const out: GatewayHeaders = { sendBackRaw: headers["x-bf-send-back-raw-response"] === "true" };
  const pinned = headers["x-bf-api-key"];
  if (typeof pinned === "string" && pinned) out.pinnedKey = pinned;
  const provider = headers["x-model-provider"];
  if (typeof provider === "string" && provider) out.modelProvider = provider;
  for (const name in headers) {
    if (!name.startsWith(FORWARD_PREFIX)) continue;
    const value = headers[name];
    if (typeof value !== "string" || name.length === FORWARD_PREFIX.length) continue;
    (out.forwardHeaders ??= {})[name.slice(FORWARD_PREFIX.length)] = value;
  }
  return out;
}
