import { createHash } from "node:crypto";

/** A job's owner as stored: SHA-256 (hex) of the submitting credential, never the credential itself. */
export function jobOwnerHash(credential: string): string {
  return createHash("sha256").update(credential, "utf8").digest("hex");
}
