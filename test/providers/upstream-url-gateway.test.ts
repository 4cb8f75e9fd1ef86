/**
 * Through the whole gateway: what the provider receives when a client sends a hostile model or
 * resource id — an encoded path under the provider's own prefix, or nothing at all — and the key
 * the gateway holds never goes anywhere else.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { expectBifrostError, postChat, providerAt, toJsonReply, useTestbed, type JsonReply } from '../gateway/gateway-harness.js';
import { replyJson, type MockUpstream } from '../support/mock-upstream.js';

const testbed = useTestbed();
const GEMINI_KEY = 'gemini-secret';

const GEMINI_ANSWER = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
};

interface Setup {
  gateway: RunningGateway;
  upstream: MockUpstream;
}

/** Gemini and OpenAI both served by one mock that answers anything, so every request that reaches it is recorded. */
async function setup(): Promise<Setup> {
  const upstream = await testbed.mock();
  upstream.on('POST', /^\/v1beta\/models\//, (_req, res) => replyJson(res, 200, GEMINI_ANSWER));
  upstream.on('*', /^\/v1\//, (req, res) => replyJson(res, 200, { id: 'file-1', object: 'file', path: req.path }));
  const gateway = await testbed.gateway({
    providers: {
      gemini: providerAt(upstream.url, { keys: [{ name: 'g', value: GEMINI_KEY, models: ['*'] }] }),
      openai: providerAt(upstream.url),
    },
  });
  return { gateway, upstream };
}

/**
 * A GET with the path sent exactly as written: fetch would resolve `%2e%2e` segments itself
 * (WHATWG URL treats them as `..`), and the point is what the gateway does with them.
 */
function rawGet(gateway: RunningGateway, path: string): Promise<JsonReply> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve(toJsonReply(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers })));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a hostile model reaches the provider as one encoded segment under /v1beta/models/', () => {
  it.each([
    ['gemini/../../etc/passwd', '/v1beta/models/..%2F..%2Fetc%2Fpasswd:generateContent'],
    ['gemini/x?key=attacker#', '/v1beta/models/x%3Fkey%3Dattacker%23:generateContent'],
    ['gemini/models/%2e%2e', '/v1beta/models/%252e%252e:generateContent'],
  ])('%s → %s', async (model, path) => {
    const { gateway, upstream } = await setup();
    const reply = await postChat(gateway, { model, messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.status, reply.text).toBe(200);
    expect(upstream.requests).toHaveLength(1);
    const sent = upstream.lastRequest();
    expect(sent.path).toBe(path);
    expect([...sent.query.keys()]).toEqual([]);
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY);
  });

  it.each([
    ['gemini/..', 'gemini/..'],
    ['gemini/models/.', 'gemini/models/.'],
    ['a NUL in the model', 'gemini/a\u0000b'],
    ['a 10,000-character model', `gemini/${'m'.repeat(10_000)}`],
  ])('%s is a 400 naming the model, and nothing is sent', async (_label, model) => {
    const { gateway, upstream } = await setup();
    const err = expectBifrostError(await postChat(gateway, { model, messages: [{ role: 'user', content: 'hi' }] }), 400);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.param).toBe('model');
    expect(upstream.requests).toEqual([]);
  });
});

describe('a hostile resource id reaches the provider as one encoded segment under /v1/', () => {
  it('GET /v1/files/..%2F..%2Fx asks the provider for the file named "../../x"', async () => {
    const { gateway, upstream } = await setup();
    const reply = await rawGet(gateway, '/v1/files/..%2F..%2Fx?provider=openai');
    expect(reply.status, reply.text).toBe(200);
    expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/files/..%2F..%2Fx']);
  });

  it.each([
    // The router refuses these first, naming its own path parameter; the providers' check (upstream-url.test.ts) stands behind it.
    ['/v1/containers/%2e%2e/files/%2e%2e/content?provider=openai', 'id'],
    ['/v1/containers/cntr_1/files/%2e%2e/content?provider=openai', 'file_id'],
    ['/v1/files/%2e%2e/content?provider=openai', 'id'],
    ['/v1/files/.?provider=openai', 'id'],
    ['/v1/batches/%2E%2E?provider=openai', 'id'],
    ['/v1/files/a%00b?provider=gemini', 'id'],
  ])('GET %s is a 400 naming %s, and nothing is sent', async (path, param) => {
    const { gateway, upstream } = await setup();
    const err = expectBifrostError(await rawGet(gateway, path), 400);
    expect(err.error.param).toBe(param);
    expect(upstream.requests).toEqual([]);
  });
});
