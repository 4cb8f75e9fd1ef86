/**
 * SigV4 signing of Bedrock requests: the aws4-based signer reproduces AWS's published
 * aws-sig-v4-test-suite signatures, and signs a Converse request (model id with `:` in the path,
 * JSON body, session token) exactly as the AWS SDK's own signer (@smithy/signature-v4) does.
 */
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { GatewayFailure } from '../../../src/schema/error.js';
import { authorizeBedrockRequest } from '../../../src/providers/bedrock/adapter.js';
import { signAwsRequest } from '../../../src/providers/bedrock/sign-aws-request.js';
import type { UpstreamRequest } from '../../../src/providers/types.js';
import type { KeySettings } from '../../../src/config/types.js';
import { NodeSha256 } from './verify-sigv4.js';

/** The credentials and clock of AWS's SigV4 test suite. */
const SUITE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_SCOPE = { service: 'service', region: 'us-east-1' };
const SUITE_TIME = new Date('2015-08-30T12:36:00Z');
const SUITE_SESSION_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

describe('SigV4 signing against the aws-sig-v4-test-suite', () => {
  it('get-vanilla: produces the published Authorization header', () => {
    const signed = signAwsRequest({ method: 'GET', url: 'https://example.amazonaws.com/', headers: {} }, SUITE_CREDENTIALS, SUITE_SCOPE, SUITE_TIME);
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
    expect(signed.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('post-sts-header-before: signs the session token header and produces the published signature', () => {
    const signed = signAwsRequest(
      { method: 'POST', url: 'https://example.amazonaws.com/', headers: {} },
      { ...SUITE_CREDENTIALS, sessionToken: SUITE_SESSION_TOKEN },
      SUITE_SCOPE,
      SUITE_TIME,
    );
    expect(signed.headers['x-amz-security-token']).toBe(SUITE_SESSION_TOKEN);
    expect(signed.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
    );
  });
});

describe('SigV4 signing of a Bedrock Converse request', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bedrock/secret+key', sessionToken: 'session-token-value' };
  const request: UpstreamRequest = {
    method: 'POST',
    url: 'https://bedrock-runtime.eu-central-1.amazonaws.com/model/eu.anthropic.claude-sonnet-4-6%3A0/converse',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-custom-extra': 'extra value' },
    body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Reply with exactly OK. ünïcödé' }] }] }),
  };
  const now = new Date('2026-03-01T08:09:10Z');

  it('matches the AWS SDK signer byte for byte (path with an encoded colon, body, extra headers, session token)', async () => {
    const ours = signAwsRequest(request, credentials, { service: 'bedrock', region: 'eu-central-1' }, now);
    const url = new URL(request.url);
    // applyChecksum off: the SDK would also sign an x-amz-content-sha256 header, which Bedrock does not require.
    const sdkSigner = new SignatureV4({ credentials, region: 'eu-central-1', service: 'bedrock', sha256: NodeSha256, applyChecksum: false });
    const sdk = await sdkSigner.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: url.hostname,
        path: url.pathname,
        headers: {
          host: url.host,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-custom-extra': 'extra value',
          'content-length': String(Buffer.byteLength(request.body!)),
        },
        body: request.body,
      },
      { signingDate: now },
    );
    expect(ours.headers['authorization']).toBe(sdk.headers['authorization']);
    expect(ours.headers['x-amz-security-token']).toBe('session-token-value');
    expect(ours.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20260301\/eu-central-1\/bedrock\/aws4_request, /);
    expect(ours.headers['authorization']).toContain('SignedHeaders=accept;content-length;content-type;host;x-amz-date;x-amz-security-token;x-custom-extra,');
  });

  it('signs the body: a different body gives a different signature', () => {
    const a = signAwsRequest(request, credentials, { service: 'bedrock', region: 'eu-central-1' }, now);
    const b = signAwsRequest({ ...request, body: request.body!.replace('OK', 'KO') }, credentials, { service: 'bedrock', region: 'eu-central-1' }, now);
    expect(a.headers['authorization']).not.toBe(b.headers['authorization']);
  });
});

describe('authorizing a Bedrock request with a key', () => {
  const base: UpstreamRequest = { method: 'POST', url: 'https://bedrock-runtime.us-west-2.amazonaws.com/model/m/converse', headers: {}, body: '{}' };
  const key = (extra: Partial<KeySettings>): KeySettings => ({
    name: 'k',
    value: '',
    models: { everything: true },
    blacklistedModels: { everything: false, names: new Set() },
    weight: 1,
    ...extra,
  });

  it('uses the key region and service bedrock in the credential scope', () => {
    const signed = authorizeBedrockRequest(base, key({ bedrock: { accessKey: 'AKIDKEY', secretKey: 's', region: 'us-west-2', deployments: {} } }), SUITE_TIME);
    expect(signed.headers['authorization']).toMatch(/Credential=AKIDKEY\/20150830\/us-west-2\/bedrock\/aws4_request/);
    expect(signed.headers['x-amz-security-token']).toBeUndefined();
  });

  it('sends a Bedrock API key as a bearer token when the key has no access key pair', () => {
    const authorized = authorizeBedrockRequest(base, key({ value: 'bedrock-api-key' }));
    expect(authorized.headers['authorization']).toBe('Bearer bedrock-api-key');
  });

  it('refuses a key with no credentials at all, naming the key', () => {
    let caught: unknown;
    try {
      authorizeBedrockRequest(base, key({ name: 'empty-key', bedrock: { region: 'us-east-1', deployments: {} } }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayFailure);
    expect((caught as GatewayFailure).body.error.message).toContain("'empty-key'");
  });
});
