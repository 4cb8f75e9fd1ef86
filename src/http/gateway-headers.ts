import type { IncomingHttpHeaders } from "node:http";
import { failure } from "../schema/error.js";

const FORWARD_PREFIX = "x-bf-eh-";

/**
 * Headers no caller may send upstream, whatever the config says: they frame the HTTP message or the
 * connection (a forged length or encoding smuggles a second request, a forged host re-targets it),
 * belong to a proxy hop, or carry a credential or a signature the gateway owns.
 */
const NEVER_FORWARDED = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "te",
  "trailer",
  "connection",
  "keep-alive",
  "upgrade",
  "expect",
  "http2-settings",
  "cookie",
  "authorization",
  "api-key",
  "x-api-key",
  "x-goog-api-key",
  "xi-api-key",
]);
/** Prefixes of the same kind: proxy hop headers, the gateway's own controls, AWS signing. */
const NEVER_FORWARDED_PREFIXES = ["proxy-", "x-bf-", "x-amz-"];

/** Bifrost's `client.header_filter_config`, plus the limits on what one request may forward. */
export interface ForwardHeaderPolicy {
  /** Lower-case names; when non-empty only these pass, and each may also be sent without the `x-bf-eh-` prefix. */
  allowlist: ReadonlySet<string>;
  /** Lower-case names that never pass. */
  denylist: ReadonlySet<string>;
  maxHeaders: number;
  maxValueBytes: number;
}

/** What one request forwards upstream, and what it asked to forward but may not (named in a debug log). */
export interface ForwardedHeaders {
  headers?: Record<string, string>;
  dropped?: string[];
}

function isNeverForwarded(name: string): boolean {
  return NEVER_FORWARDED.has(name) || NEVER_FORWARDED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The headers a caller asks to forward: every `x-bf-eh-<name>` as `<name>`, and with an allowlist
 * any allow-listed header under its own name (as Bifrost does). Values pass byte for byte (Node
 * keeps each header byte as one character, and undici writes them back the same way). Beyond the
 * limits the request is refused with a 400; a forbidden name is dropped, as Bifrost drops it.
 */
export function forwardedHeadersOf(headers: IncomingHttpHeaders, policy: ForwardHeaderPolicy): ForwardedHeaders {
  const out: ForwardedHeaders = {};
  let count = 0;
  for (const name in headers) {
    let target: string;
    if (name.startsWith(FORWARD_PREFIX)) target = name.slice(FORWARD_PREFIX.length);
    else if (policy.allowlist.size > 0 && policy.allowlist.has(name) && !name.startsWith("x-bf-")) target = name;
    else continue;
    if (target === "") continue;
    const value = headers[name];
    if (typeof value !== "string") continue;
    if (isNeverForwarded(target) || (policy.allowlist.size > 0 && !policy.allowlist.has(target)) || policy.denylist.has(target)) {
      (out.dropped ??= []).push(name);
      continue;
    }
    if (++count > policy.maxHeaders) {
      throw failure({
        status: 400,
        message: `at most ${policy.maxHeaders} headers may be forwarded upstream per request`,
        param: name,
        code: "too_many_forwarded_headers",
      });
    }
    if (value.length > policy.maxValueBytes) {
      throw failure({
        status: 400,
        message: `header '${name}' is longer than ${policy.maxValueBytes} bytes, the most a forwarded header may carry`,
        param: name,
        code: "forwarded_header_too_large",
      });
    }
    (out.headers ??= {})[target] = value;
  }
  return out;
}

/** `x-model-provider`: the provider of a request that names no model. */
export function modelProviderOf(headers: IncomingHttpHeaders): string | undefined {
  const provider = headers["x-model-provider"];
  return typeof provider === "string" && provider ? provider : undefined;
}

/** `x-bf-api-key`: pin a key by name. */
export function pinnedKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const pinned = headers["x-bf-api-key"];
  return typeof pinned === "string" && pinned.trim() ? pinned.trim() : undefined;
}

/** `x-bf-send-back-raw-response: true`. */
export function sendsBackRaw(headers: IncomingHttpHeaders): boolean {
  return headers["x-bf-send-back-raw-response"] === "true";
}
