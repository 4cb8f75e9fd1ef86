import type { IncomingHttpHeaders } from "node:http";
import type { CallerCredential } from "../core/engine-request.js";

const VIRTUAL_KEY_PREFIX = "sk-bf-";

/** Headers an SDK sends its API key in, in the order Bifrost reads a virtual key from them (after `x-bf-vk` and Bearer). */
const SDK_KEY_HEADERS = ["x-api-key", "x-goog-api-key", "api-key"] as const;

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function isVirtualKey(value: string): boolean {
  return value.slice(0, VIRTUAL_KEY_PREFIX.length).toLowerCase() === VIRTUAL_KEY_PREFIX;
}

/**
 * The caller's credential, first found wins: `x-bf-vk` (any value: keys older than the `sk-bf-`
 * prefix are only accepted there), `Authorization: Bearer` (the OpenAI and Cohere SDKs), then
 * `x-api-key` (Anthropic), `x-goog-api-key` (GenAI) and `api-key` (Azure OpenAI) when they hold an
 * `sk-bf-` value. A Bearer token that is not a virtual key is returned as such (a JWT, or a key of
 * the caller's own); an SDK header holding anything else is the SDK's placeholder, and ignored.
 */
export function callerCredentialOf(headers: IncomingHttpHeaders): CallerCredential | undefined {
  const explicit = single(headers["x-bf-vk"]);
  if (explicit) return { kind: "virtual-key", value: explicit };
  const authorization = single(headers["authorization"]);
  const bearer = authorization && /^bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  if (bearer) return isVirtualKey(bearer) ? { kind: "virtual-key", value: bearer } : { kind: "bearer", value: bearer };
  for (const name of SDK_KEY_HEADERS) {
    const value = single(headers[name]);
    if (value && isVirtualKey(value)) return { kind: "virtual-key", value };
  }
  return undefined;
}
