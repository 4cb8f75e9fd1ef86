import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { JwtSettings } from "../../config/types.js";

/** Verified tokens kept, so a client presenting the same JWT again is not verified again until it expires. */
const CACHE_LIMIT = 10_000;

/** Three base64url segments: the shape of a JWS compact serialisation. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** A verified token's claim naming the virtual key, or why the token was refused. */
export type JwtOutcome = { ok: true; virtualKey: string } | { ok: false; reason: string };

/**
 * Verifies Bearer JWTs with jose against the configured JWKS URL (cached; fetched again for a `kid`
 * it does not know, at most once per cooldown), PEM public key or shared secret, with the
 * algorithms pinned, and `iss`, `aud`, `exp` and `nbf` checked with a small clock tolerance.
 */
export class JwtVerifier {
  private readonly jwks: JWTVerifyGetKey | undefined;
  private publicKey: ReturnType<typeof importSPKI> | undefined;
  private readonly secret: Uint8Array | undefined;
  private readonly verified = new Map<string, { virtualKey: string; expiresAt: number }>();

  constructor(
    private readonly settings: JwtSettings,
    private readonly now: () => number = Date.now,
  ) {
    if (settings.jwksUrl) {
      this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
        cacheMaxAge: settings.jwksCacheSeconds * 1000,
        cooldownDuration: settings.jwksRefetchCooldownSeconds * 1000,
      });
    }
    if (settings.secret !== undefined) this.secret = new TextEncoder().encode(settings.secret);
  }

  async verify(token: string): Promise<JwtOutcome> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > this.now()) return { ok: true, virtualKey: cached.virtualKey };
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: [...this.settings.algorithms],
        clockTolerance: this.settings.clockToleranceSeconds,
        currentDate: new Date(this.now()),
        ...(this.settings.issuer === undefined ? {} : { issuer: this.settings.issuer }),
        ...(this.settings.audience === undefined ? {} : { audience: [this.settings.audience].flat() }),
      };
      payload = this.jwks ? (await jwtVerify(token, this.jwks, options)).payload : (await jwtVerify(token, this.secret ?? (await this.pem()), options)).payload;
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    const claim = payload[this.settings.virtualKeyClaim];
    if (typeof claim !== "string" || claim === "")
      return { ok: false, reason: `the token has no "${this.settings.virtualKeyClaim}" claim naming a virtual key` };
    if (payload.exp !== undefined) this.remember(token, claim, payload.exp * 1000);
    return { ok: true, virtualKey: claim };
  }

  private pem(): ReturnType<typeof importSPKI> {
    this.publicKey ??= importSPKI(this.settings.publicKeyPem!, this.settings.algorithms[0]!);
    return this.publicKey;
  }

  private remember(token: string, virtualKey: string, expiresAt: number): void {
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { virtualKey, expiresAt });
  }
}
