import type { VertexKeySettings } from "../../config/types.js";
import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const ASSERTION_LIFETIME_SECONDS = 3600;
/** A cached token is replaced this long before Google says it expires. */
const REFRESH_MARGIN_MS = 60_000;

interface ServiceAccount {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
  tokenUrl: string;
}

interface CachedToken {
  accessToken: string;
  expiresAtMs: number;
}

/** Access tokens per service account and token endpoint, and the fetches in flight, shared by every request. */
const tokens = new Map<string, CachedToken>();
const pending = new Map<string, Promise<CachedToken>>();

/**
 * An OAuth2 access token for a Vertex key, by the JWT-bearer grant: an RS256 assertion signed
 * with the service account's private key is exchanged at the token endpoint. Tokens are cached
 * until shortly before they expire; concurrent requests share one exchange.
 */
export async function vertexAccessToken(vertex: VertexKeySettings, timeoutMs: number): Promise<string> {
  const account = serviceAccountOf(vertex);
  const cacheKey = `${account.clientEmail}\u0000${account.privateKeyId ?? ""}\u0000${account.tokenUrl}`;
  const cached = tokens.get(cacheKey);
  if (cached && Date.now() < cached.expiresAtMs - REFRESH_MARGIN_MS) return cached.accessToken;
  let inFlight = pending.get(cacheKey);
  if (!inFlight) {
    inFlight = exchangeAssertion(account, timeoutMs).finally(() => pending.delete(cacheKey));
    pending.set(cacheKey, inFlight);
  }
  const token = await inFlight;
  tokens.set(cacheKey, token);
  return token.accessToken;
}

function serviceAccountOf(vertex: VertexKeySettings): ServiceAccount {
  const credentials = vertex.credentials ?? {};
  const clientEmail = credentials["client_email"];
  const privateKey = credentials["private_key"];
  if (typeof clientEmail !== "string" || typeof privateKey !== "string") {
    throw failure({ status: 401, message: "vertex auth_credentials must be service-account JSON with client_email and private_key" });
  }
  const tokenUri = credentials["token_uri"];
  return {
    clientEmail,
    privateKey,
    tokenUrl: vertex.tokenUrl ?? (typeof tokenUri === "string" ? tokenUri : GOOGLE_TOKEN_URL),
    ...(typeof credentials["private_key_id"] === "string" ? { privateKeyId: credentials["private_key_id"] } : {}),
  };
}

async function exchangeAssertion(account: ServiceAccount, timeoutMs: number): Promise<CachedToken> {
  const assertion = await signAssertion(account);
  let res: Response;
  try {
    res = await fetch(account.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw failure({ status: 502, message: `vertex: could not reach the token endpoint ${account.tokenUrl}: ${(err as Error).message}` });
  }
  const text = await res.text();
  const body = parseJson(text);
  const accessToken = isRecord(body) ? body["access_token"] : undefined;
  if (!res.ok || typeof accessToken !== "string") {
    const reason = isRecord(body) ? (body["error_description"] ?? body["error"]) : undefined;
    throw failure({
      status: res.status === 429 || res.status >= 500 ? 502 : 401,
      message: `vertex: the token endpoint refused the service account (HTTP ${res.status}): ${typeof reason === "string" ? reason : text.slice(0, 200)}`,
    });
  }
  const expiresIn = isRecord(body) && typeof body["expires_in"] === "number" ? body["expires_in"] : ASSERTION_LIFETIME_SECONDS;
  return { accessToken, expiresAtMs: Date.now() + expiresIn * 1000 };
}

async function signAssertion(account: ServiceAccount): Promise<string> {
  // Loaded on first use: only Vertex needs JWTs, and jose costs ~10 MB of memory in every process.
  const { importPKCS8, SignJWT } = await import("jose");
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(account.privateKey, "RS256");
  } catch {
    throw failure({ status: 401, message: "vertex auth_credentials.private_key is not a PKCS#8 PEM private key" });
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: CLOUD_PLATFORM_SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(account.privateKeyId ? { kid: account.privateKeyId } : {}) })
    .setIssuer(account.clientEmail)
    .setAudience(account.tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(key);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
