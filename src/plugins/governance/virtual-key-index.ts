import { timingSafeEqual } from "node:crypto";
import type { VirtualKeySettings } from "../../config/types.js";
import { virtualKeyDigest } from "../../core/virtual-key-digest.js";

/**
 * Virtual keys by value, looked up without comparing the secret byte by byte: the presented value
 * is hashed, the hash finds the candidate, and the two hashes are compared in constant time. An
 * async job's caller is found by the digest it kept.
 */
export class VirtualKeyIndex {
  private readonly byDigest = new Map<string, { key: VirtualKeySettings; digest: Buffer }>();

  constructor(keys: readonly VirtualKeySettings[]) {
    for (const key of keys) {
      const digest = virtualKeyDigest(key.value);
      this.byDigest.set(digest, { key, digest: Buffer.from(digest) });
    }
  }

  find(value: string): VirtualKeySettings | undefined {
    return this.findByDigest(virtualKeyDigest(value));
  }

  findByDigest(digest: string): VirtualKeySettings | undefined {
    const found = this.byDigest.get(digest);
    if (!found) return undefined;
    const presented = Buffer.from(digest);
    return presented.length === found.digest.length && timingSafeEqual(found.digest, presented) ? found.key : undefined;
  }
}
