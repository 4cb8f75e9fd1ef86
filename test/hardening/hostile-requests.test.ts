/**
 * Each hostile request the hardening issue names, one by one: the status and BifrostError it gets,
 * what the mock upstream received (nothing, for a refused request), and that the gateway still
 * answers afterwards.
 */
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { buildConfig } from '../../src/load-config.js';
import type { AsyncJobRunner } from '../../src/core/async-jobs/async-job-runner.js';
import type { Engine } from '../../src/core/engine.js';
import { createGatewayServer } from '../../src/http/server.js';
import type { RunningGateway } from '../../src/index.js';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { deepArray, deepObject } from './hostile-corpus.js';
import { answerChats, hostileConfig, KEYS, sendRaw, SMUGGLED } from './hostile-setup.js';
import type { RawReply } from './hostile-setup.js';

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  answerChats(mock);
  gateway = await startTestGateway(hostileConfig(mock.url));
});

afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

afterEach(() => mock.clearRequests());

const CHAT = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

function post(path: string, body: unknown, headers: Record<string, string> = {}, target = gateway): Promise<RawReply> {
  return sendRaw(target.url, { method: 'POST', path, body: typeof body === 'string' ? body : JSON.stringify(body), headers });
}

interface ErrorBody {
  is_bifrost_error: boolean;
  status_code: number;
  error: { message: string; param: string | null };
}

/** A gateway-made 4xx whose message matches; nothing reached the provider; the gateway still serves. */
async function expectRefused(reply: RawReply, status: number, message: RegExp, param?: string, target = gateway): Promise<ErrorBody> {
  expect(reply.status, reply.text).toBe(status);
  const err = reply.json as ErrorBody;
  expect(err.is_bifrost_error).toBe(true);
  expect(err.status_code).toBe(status);
  expect(err.error.message).toMatch(message);
  if (param !== undefined) expect(err.error.param).toBe(param);
  expect(mock.requests).toHaveLength(0);
  await expectStillServing(target);
  return err;
}

async function expectStillServing(target = gateway): Promise<void> {
  const health = await sendRaw(target.url, { method: 'GET', path: '/health' });
  expect(health.status).toBe(200);
}

describe('malformed percent-encoding in a path parameter', () => {
  it.each([
    ['GET', '/v1/files/%zz', 'id'],
    ['GET', '/v1/files/%E0%A4%A', 'id'],
    ['GET', '/v1/containers/%ff', 'id'],
    ['POST', '/v1/batches/%zz/cancel', 'id'],
    ['GET', '/v1/async/chat/completions/%zz', 'job_id'],
    ['GET', '/v1/containers/cntr_1/files/%E0%A4%A/content', 'file_id'],
  ])('%s %s is a 400 naming the parameter, and the gateway lives', async (method, path, param) => {
    const reply = await sendRaw(gateway.url, { method, path });
    await expectRefused(reply, 400, new RegExp(`path parameter '${param}' is not valid percent-encoding`), param);
  });
});

describe('ids that could only walk out of the upstream path', () => {
  it.each([
    ['GET', '/v1/containers/%2e%2e/files/%2e%2e/content'],
    ['GET', '/v1/files/..'],
    ['GET', '/v1/files/%2E'],
    ['DELETE', '/v1/responses/%2e%2e'],
    ['GET', '/anthropic/v1/messages/batches/%2e%2e/results'],
    ['GET', '/v1/files/a%00b'],
    ['GET', `/v1/files/${'x'.repeat(1025)}`],
  ])('%s %s is a 400 before any upstream call', async (method, path) => {
    const reply = await sendRaw(gateway.url, { method, path });
    await expectRefused(reply, 400, /path parameter '\w+' (cannot be '\.' or '\.\.'|contains control characters|is longer than 1024 characters)/);
  });

  it('an odd but legal id goes upstream as one encoded segment', async () => {
    const reply = await sendRaw(gateway.url, { method: 'GET', path: '/v1/files/file-a%3Fkey%3Dx%23y%2Fz%20%C3%A9' });
    expect(reply.status).toBe(404);
    expect((reply.json as ErrorBody).is_bifrost_error).toBe(false);
    expect(mock.requests).toHaveLength(1);
    expect(mock.lastRequest().rawUrl).toBe('/v1/files/file-a%3Fkey%3Dx%23y%2Fz%20%C3%A9');
    expect(mock.lastRequest().headers.authorization).toBe(`Bearer ${KEYS.openai}`);
  });
});

describe('forwarded headers', () => {
  it('never forwards framing, hop, proxy, cookie or credential headers, and the request still succeeds (no 502)', async () => {
    const forbidden = [
      'host',
      'te',
      'proxy-authorization',
      'cookie',
      'content-length',
      'transfer-encoding',
      'upgrade',
      'keep-alive',
      'expect',
      'connection',
      'authorization',
      'x-api-key',
      'x-amz-date',
    ];
    for (const name of forbidden) {
      mock.clearRequests();
      const reply = await post('/v1/chat/completions', CHAT, { [`x-bf-eh-${name}`]: name === 'content-length' ? '1' : SMUGGLED });
      expect(reply.status, `${name}: ${reply.text}`).toBe(200);
      const upstream = mock.lastRequest();
      expect(upstream.headers.host).toBe(new URL(mock.url).host);
      expect(JSON.stringify(upstream.headers)).not.toContain(SMUGGLED);
      expect(upstream.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
      expect(upstream.json).toMatchObject({ model: 'gpt-4o-mini' });
    }
  });

  it('passes an ordinary header through byte for byte, UTF-8 included', async () => {
    const value = Buffer.from('héllo ✓ 日本', 'utf8');
    const reply = await new Promise<string>((resolve, reject) => {
      const body = JSON.stringify(CHAT);
      const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1', () => {
        socket.write(
          Buffer.concat([
            Buffer.from(
              `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\nx-bf-eh-x-note: `,
            ),
            value,
            Buffer.from(`\r\n\r\n${body}`),
          ]),
        );
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    const upstream = mock.lastRequest();
    const i = upstream.rawHeaders.findIndex((h, n) => n % 2 === 0 && h.toLowerCase() === 'x-note');
    expect(Buffer.from(upstream.rawHeaders[i + 1]!, 'latin1')).toEqual(value);
  });

  it('refuses more than 64 forwarded headers, naming the limit', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 300; i++) many[`x-bf-eh-x-many-${i}`] = 'v';
    await expectRefused(await post('/v1/chat/completions', CHAT, many), 400, /at most 64 headers may be forwarded/);
  });

  it('refuses a forwarded value over 8 KB', async () => {
    await expectRefused(await post('/v1/chat/completions', CHAT, { 'x-bf-eh-x-big': 'v'.repeat(15_000) }), 400, /longer than 8192 bytes/, 'x-bf-eh-x-big');
  });

  it('applies client.header_filter_config as Bifrost does: allowlist first, then denylist; allow-listed headers pass under their own name too', async () => {
    const filtered = await startTestGateway(
      hostileConfig(mock.url, { header_filter_config: { allowlist: ['X-Team', 'anthropic-beta', 'x-secret', 'cookie'], denylist: ['x-secret'] } }),
    );
    try {
      const reply = await post(
        '/v1/chat/completions',
        CHAT,
        {
          'x-bf-eh-x-team': 'blue',
          'x-bf-eh-x-other': 'dropped',
          'x-bf-eh-x-secret': 'dropped',
          'anthropic-beta': 'tools-2024',
          'x-bf-eh-cookie': SMUGGLED,
        },
        filtered,
      );
      expect(reply.status, reply.text).toBe(200);
      const headers = mock.lastRequest().headers;
      expect(headers['x-team']).toBe('blue');
      expect(headers['anthropic-beta']).toBe('tools-2024');
      expect(headers['x-other']).toBeUndefined();
      expect(headers['x-secret']).toBeUndefined();
      expect(headers['cookie']).toBeUndefined();
    } finally {
      await filtered.close();
    }
  });
});

describe('nesting and size before any work', () => {
  const deepCases: Array<[string, string, string]> = [
    ['chat content', '/v1/chat/completions', `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":${deepArray(5000)}}]}`],
    ['chat metadata', '/v1/chat/completions', `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":${deepArray(100_000)}}`],
    [
      'tool parameters',
      '/v1/chat/completions',
      `{"model":"anthropic/claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deepObject(5000)}}}]}`,
    ],
    [
      'Anthropic input_schema',
      '/anthropic/v1/messages',
      `{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${deepObject(5000)}}]}`,
    ],
    [
      'GenAI responseSchema',
      '/genai/v1beta/models/gemini-2.5-flash:generateContent',
      `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseSchema":${deepObject(5000)}}}`,
    ],
    [
      'Bedrock inputSchema',
      '/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
      `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":${deepObject(5000)}}}}]}}`,
    ],
    ['Responses input', '/v1/responses', `{"model":"openai/gpt-4o-mini","input":${deepArray(5000)}}`],
  ];

  it.each(deepCases)('%s nested 5,000+ deep is a 400 naming the limit', async (_label, path, body) => {
    const reply = await post(path, body);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.text).toMatch(/nested deeper than 512 levels \(client\.max_json_depth\)/);
    expect(mock.requests).toHaveLength(0);
    await expectStillServing();
  });

  it.each([
    [
      'a function tool to Gemini',
      '/v1/chat/completions',
      (d: string) =>
        `{"model":"gemini/gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${d}}}]}`,
    ],
    [
      'an input_schema to Bedrock',
      '/anthropic/v1/messages',
      (d: string) =>
        `{"model":"bedrock/anthropic.claude-3-haiku","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${d}}]}`,
    ],
    [
      'a responseSchema to Anthropic',
      '/genai/v1beta/models/anthropic%2Fclaude-sonnet-4-5:generateContent',
      (d: string) => `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json","responseSchema":${d}}}`,
    ],
  ])('a schema just inside the limit converts without overflowing the stack: %s', async (_label, path, body) => {
    const reply = await post(path, body(deepObject(505)));
    expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(500);
    await expectStillServing();
  });

  it('refuses a number JSON cannot carry, naming where it is', async () => {
    await expectRefused(
      await post('/v1/chat/completions', `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":1e999}`),
      400,
      /temperature: number is out of range/,
      'temperature',
    );
  });
});

describe('validation before the first attempt', () => {
  it('a fallback naming an unconfigured provider is a 400 naming it, with nothing sent upstream', async () => {
    await expectRefused(
      await post('/v1/chat/completions', { ...CHAT, fallbacks: ['nope/model'] }),
      400,
      /fallbacks\[0\] 'nope\/model': provider 'nope' is not configured/,
      'fallbacks',
    );
  });

  it('a fallback that is not provider/model is a 400', async () => {
    await expectRefused(
      await post('/v1/chat/completions', { ...CHAT, fallbacks: ['gpt-4o'] }),
      400,
      /fallbacks\[0\] 'gpt-4o' must be written as provider\/model/,
      'fallbacks',
    );
  });

  it.each([
    ['content a number', { ...CHAT, messages: [{ role: 'user', content: 5 }] }, 'messages.0.content'],
    ['messages not an array', { ...CHAT, messages: 'hi' }, 'messages'],
    ['a tool without a function name', { ...CHAT, tools: [{ type: 'function', function: { parameters: {} } }] }, 'tools.0.function.name'],
    ['a tool call without a function', { ...CHAT, messages: [{ role: 'assistant', tool_calls: [{ id: 'a' }] }] }, 'messages.0.tool_calls.0.function'],
    [
      'an image part without a url',
      { ...CHAT, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 5 }] }] },
      'messages.0.content.0.image_url',
    ],
  ])('%s is a 400 naming the field', async (_label, body, param) => {
    await expectRefused(await post('/v1/chat/completions', body), 400, /./, param);
  });

  it('unknown extra fields still pass through, and value ranges stay the provider’s call', async () => {
    const reply = await post('/v1/chat/completions', { ...CHAT, temperature: 99, x_vendor_flag: { deep: [1, 2] } });
    expect(reply.status, reply.text).toBe(200);
    expect(mock.lastRequest().json).toMatchObject({ temperature: 99, x_vendor_flag: { deep: [1, 2] } });
  });

  it('a drop-in body of the wrong shape deep inside is a 400 in that surface’s own error shape', async () => {
    const reply = await post('/genai/v1beta/models/gemini-2.5-flash:generateContent', '{"contents":[{"role":"user","parts":[{"inlineData":5}]}]}');
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect(mock.requests).toHaveLength(0);
  });
});

describe('slow clients', () => {
  let slow: RunningGateway;
  beforeAll(async () => {
    slow = await startTestGateway(
      hostileConfig(mock.url, { request_header_timeout_in_seconds: 1, request_body_idle_timeout_in_seconds: 1, max_connections: 4 }),
    );
  });
  afterAll(async () => {
    await slow?.close();
  });

  /** Writes `first`, then waits; resolves with everything the gateway sent and whether it closed the socket. */
  function stall(first: string, waitMs: number): Promise<{ text: string; closed: boolean }> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(slow.url).port), '127.0.0.1', () => socket.write(first));
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ text, closed: false });
      }, waitMs);
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ text, closed: true });
      });
      socket.on('error', reject);
    });
  }

  it('a body that stalls after 30 of 5,000 announced bytes gets a 408 and its socket is closed', async () => {
    const started = Date.now();
    const { text, closed } = await stall(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"model":"openai/gpt-4o-mini",',
      6_000,
    );
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toMatch(/request body stalled/);
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(mock.requests).toHaveLength(0);
  });

  it('headers that never finish get a 408 and the socket is closed', async () => {
    const { text, closed } = await stall('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n', 6_000);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(closed).toBe(true);
  });

  it('beyond max_connections a new connection is closed at once, and the gateway serves again once they go', async () => {
    const held = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<ReturnType<typeof connect>>((resolve) => {
            const socket = connect(Number(new URL(slow.url).port), '127.0.0.1', () => resolve(socket));
            socket.on('error', () => undefined);
          }),
      ),
    );
    const started = Date.now();
    await expect(sendRaw(slow.url, { method: 'GET', path: '/health' }, 3_000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await sendRaw(slow.url, { method: 'GET', path: '/health' })).status).toBe(200);
  });
});

describe('whatever a handler throws', () => {
  it('is a 500 for that request alone, naming its request id, logged once with its stack; the server keeps serving', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const config = buildConfig({ appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'error', logStyle: 'json' }, hostileConfig(mock.url));
    // An engine whose model listing has a bug: it throws a plain Error, not a GatewayFailure.
    const engine = { providerNames: ['openai'], listModels: () => Promise.reject(new TypeError('a bug inside the gateway')) } as unknown as Engine;
    const { server } = createGatewayServer({ engine, logger, client: config.client, asyncJobs: {} as AsyncJobRunner });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const reply = await sendRaw(url, { method: 'GET', path: '/v1/models', headers: { 'x-request-id': 'req-boom' } });
      expect(reply.status).toBe(500);
      expect(reply.headers['x-request-id']).toBe('req-boom');
      expect((reply.json as ErrorBody).error.message).toBe('internal gateway error (request req-boom)');
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; requestId: string; err: { stack: string } });
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ msg: 'request failed inside the gateway', requestId: 'req-boom' });
      expect(logged[0]!.err.stack).toContain('a bug inside the gateway');
      expect((await sendRaw(url, { method: 'GET', path: '/health' })).status).toBe(200);
      expect((await sendRaw(url, { method: 'GET', path: '/v1/models' })).status).toBe(500);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
