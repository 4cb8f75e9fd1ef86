import aws4 from "aws4";
import type { UpstreamRequest } from "../types.js";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigningScope {
  service: string;
  region: string;
}

/**
 * AWS Signature Version 4 over the exact request that will be sent: method, path, every header
 * (forwarded and extra headers included) and the body bytes. Adds `host`, `x-amz-date`,
 * `x-amz-security-token` (temporary credentials) and `authorization`; header names come back lower-case.
 */
export function signAwsRequest(req: UpstreamRequest, credentials: AwsCredentials, scope: SigningScope, now: Date = new Date()): UpstreamRequest {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;
  headers["host"] = url.host;
  headers["x-amz-date"] = amzDate(now);
  if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const signed = aws4.sign(
    {
      method: req.method,
      host: url.host,
      path: url.pathname + url.search,
      headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      service: scope.service,
      region: scope.region,
    },
    credentials,
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers ?? {})) {
    if (value !== undefined) out[name.toLowerCase()] = String(value);
  }
  return { ...req, headers: out };
}

/** `20150830T123600Z`: the basic ISO 8601 form SigV4 signs. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, "");
}
