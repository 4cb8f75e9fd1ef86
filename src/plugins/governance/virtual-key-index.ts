import { createHash, timingSafeEqual } from "node:crypto";
import type { VirtualKeySettings } from "../../config/types.js";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Virtual keys by value, looked up without comparing the secret byte by byte: the presented value
 * is hashed, the hash finds the candidate, and the two hashes are compared in constant time.
 */
export class VirtualKeyIndex {
  private readonly byDigest = new Map<string, { key: VirtualKeySettings; digest: Buffer }>();

  constructor(keys: readonly VirtualKeySettings[]) {
    for (const key of keys) {
      const hash = digest(key.value);
      this.byDigest.set(hash.toString("base64"), { key, digest: hash });
    }
  }

  find(value: string): VirtualKeySettings | undefined {
    const hash = digest(value);
    const found = this.byDigest.get(hash.toString("base64"));
    return found && timingSafeEqual(found.digest, hash) ? found.key : undefined;
  }
}
