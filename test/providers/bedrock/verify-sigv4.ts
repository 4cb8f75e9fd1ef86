/**
 * An independent check of a received SigV4 signature: the AWS SDK's own signer
 * (@smithy/signature-v4) re-signs the request exactly as it arrived (method, path, the headers
 * named in SignedHeaders, body, date) and must produce the same Authorization header.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

function bytesOf(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** node:crypto as the hash the AWS SDK signer expects. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
}

export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

/** The credential scope of a SigV4 Authorization header; throws when the header is not SigV4. */
export function sigV4ScopeOf(authorization: unknown): SigV4Scope {
  const match = typeof authorization === 'string' ? AUTHORIZATION.exec(authorization) : null;
  if (!match) throw new Error(`not a SigV4 Authorization header: ${String(authorization)}`);
  return { accessKeyId: match[1]!, date: match[2]!, region: match[3]!, service: match[4]!, signedHeaders: match[5]!.split(';') };
}

/** Whether the request's signature is what the AWS SDK signer computes for the same bytes. */
export async function isValidSigV4(req: ReceivedRequest, secretAccessKey: string, sessionToken?: string): Promise<boolean> {
  const authorization = String(req.headers['authorization']);
  const scope = sigV4ScopeOf(authorization);
  const headers: Record<string, string> = {};
  for (const name of scope.signedHeaders) headers[name] = String(req.headers[name]);
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    credentials: { accessKeyId: scope.accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const [hostname] = (headers['host'] ?? '').split(':');
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: hostname ?? '', path: req.path, headers, body: req.bodyText },
    { signingDate },
  );
  return signed.headers['authorization'] === authorization;
}
