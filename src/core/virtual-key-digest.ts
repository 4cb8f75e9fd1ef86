import { createHash } from "node:crypto";

/**
 * A virtual key's SHA-256, base64: how governance finds a key without comparing its value, and what
 * an async job keeps of its caller's key (a job row never holds the key itself).
 */
export function virtualKeyDigest(value: string): string {
  return createHash("sha256").update(value).digest("base64");
}
