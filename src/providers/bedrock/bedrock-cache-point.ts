import { isRecord, type JsonObject } from "../../schema/json.js";
import type { BedrockCachePoint } from "./types.js";

/**
 * Prompt caching: canonical requests mark the end of a cacheable prefix with Anthropic's
 * `cache_control: {type: "ephemeral", ttl?}` on a part or tool; Converse puts a `cachePoint` block
 * right after it. The TTL (`5m`, `1h`) travels both ways.
 */
export function cachePointFor(cacheControl: unknown): BedrockCachePoint | undefined {
  if (!isRecord(cacheControl)) return undefined;
  const ttl = cacheControl["ttl"];
  return { cachePoint: { type: "default", ...(typeof ttl === "string" ? { ttl } : {}) } };
}

export function cacheControlFor(cachePoint: unknown): JsonObject {
  const ttl = isRecord(cachePoint) ? cachePoint["ttl"] : undefined;
  return { type: "ephemeral", ...(typeof ttl === "string" ? { ttl } : {}) };
}
