import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallerAbort } from '../../src/core/caller-signal.js';
import { callForStream, callForText, type UpstreamBody } from '../../src/core/upstream-call.js';

/** A local upstream whose behaviour each test sets. */
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
let server: Server;
let origin: string;
const agent = new Agent({ connections: 8, pipelining: 1, keepAliveTimeout: 10_000 });

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  handler = (_req, res) => res.end('{}');
});

const limits = { headersMs: 2_000, idleMs: 2_000 };
const post = (path = '/x', body = '{"q":1}') => ({ method: 'POST' as const, url: `${origin}${path}`, headers: { 'content-type': 'application/json' }, body });

async function readAll(body: UpstreamBody): Promise<string> {
  let text = '';
  for await (const bytes of body) text += bytes.toString('utf8');
  return text;
}

describe('callForText', () => {
  it('answers status, headers and the whole body, sending method, path, headers and body upstream', async () => {
    let seen = { method: '', url: '', type: '', body: '' };
    handler = (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { method: req.method!, url: req.url!, type: String(req.headers['content-type']), body };
        res.writeHead(201, { 'x-upstream': 'yes', 'content-type': 'application/json' });
        res.write('{"a":');
        setTimeout(() => res.end('1}'), 10);
      });
    };
    const out = await callForText(agent, post('/v1/thing?x=1'), new CallerAbort(), limits);
    expect(out).toMatchObject({ ok: true, status: 201, text: '{"a":1}' });
    expect(out.ok && out.headers['x-upstream']).toBe('yes');
    expect(seen).toEqual({ method: 'POST', url: '/v1/thing?x=1', type: 'application/json', body: '{"q":1}' });
  });

  it('gives up at the total timeout with a retryable 504', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{');
      setTimeout(() => res.end('}'), 1_000);
    };
    const started = Date.now();
    const out = await callForText(agent, post(), new CallerAbort(), { ...limits, totalMs: 100 });
    expect(Date.now() - started).toBeLessThan(800);
    expect(out).toMatchObject({ ok: false, retryable: true, clientAborted: false, error: { status: 504, type: 'timeout_error' } });
  });

  it('answers 499 at once when the caller leaves, and the upstream sees its request cancelled', async () => {
    let upstreamClosed = false;
    handler = (req, res) => {
      res.writeHead(200);
      res.write('{');
      req.socket.once('close', () => (upstreamClosed = true));
    };
    const signal = new CallerAbort();
    const pending = callForText(agent, post(), signal, limits);
    setTimeout(() => signal.abort(new Error('gone')), 50);
    expect(await pending).toMatchObject({ ok: false, clientAborted: true, error: { status: 499 } });
    await expect.poll(() => upstreamClosed).toBe(true);
  });

  it('does not call upstream for a caller that has already gone', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      res.end('{}');
    };
    const signal = new CallerAbort();
    signal.abort(new Error('gone'));
    expect(await callForText(agent, post(), signal, limits)).toMatchObject({ ok: false, clientAborted: true });
    expect(calls).toBe(0);
  });

  it('reports an unreachable upstream as a retryable 502 naming the origin', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const out = await callForText(agent, { ...post(), url: `http://127.0.0.1:${port}/x` }, new CallerAbort(), limits);
    expect(out).toMatchObject({ ok: false, retryable: true, error: { status: 502, type: 'network_error' } });
    expect(!out.ok && out.error.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('callForStream', () => {
  it('hands over everything that arrived since the last read as one buffer, in order', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 5; i++) res.write(`data: ${i}\n\n`);
      setTimeout(() => res.end('data: [DONE]\n\n'), 20);
    };
    const out = await callForStream(agent, post(), new CallerAbort(), limits);
    if (!out.ok) throw new Error(out.error.message);
    const reads: string[] = [];
    for await (const bytes of out.body) reads.push(bytes.toString('utf8'));
    expect(reads.join('')).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: [DONE]\n\n');
    expect(reads[0]).toContain('data: 4');
  });

  it('keeps the connection for the next request when the caller stops early and the rest arrives later', async () => {
    const sockets = new Set<number | undefined>();
    handler = (req, res) => {
      sockets.add(req.socket.remotePort);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: [DONE]\n\n');
      setTimeout(() => res.end(': trailing comment\n\n'), 30);
    };
    // One connection allowed: a dropped one would show up as a second client port.
    const single = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 10_000 });
    for (let i = 0; i < 3; i++) {
      const out = await callForStream(single, post(), new CallerAbort(), limits);
      if (!out.ok) throw new Error(out.error.message);
      const first = await out.body.next();
      expect(first.value?.toString()).toBe('data: [DONE]\n\n');
      out.body.discardRest();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await single.close();
    expect(sockets.size).toBe(1);
  });

  it('cancels the upstream request when the caller leaves mid-stream', async () => {
    let upstreamClosed = false;
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      req.socket.once('close', () => (upstreamClosed = true));
    };
    const signal = new CallerAbort();
    const out = await callForStream(agent, post(), signal, limits);
    if (!out.ok) throw new Error(out.error.message);
    await out.body.next();
    signal.abort(new Error('gone'));
    const err = await out.body.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(out.body.failureOf(err)).toMatchObject({ clientAborted: true, error: { status: 499 } });
    await expect.poll(() => upstreamClosed).toBe(true);
  });

  it('reads an error body whole', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"slow down"}}');
    };
    const out = await callForStream(agent, post(), new CallerAbort(), limits);
    if (!out.ok) throw new Error(out.error.message);
    expect(out.status).toBe(429);
    expect(await out.body.text()).toBe('{"error":{"message":"slow down"}}');
  });

  it('delivers a large stream to a slow reader without losing bytes (upstream paused, then resumed)', async () => {
    const piece = 'x'.repeat(64 * 1024);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const pump = (): void => {
        while (sent < 64) {
          sent++;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const out = await callForStream(agent, post(), new CallerAbort(), limits);
    if (!out.ok) throw new Error(out.error.message);
    let total = 0;
    for await (const bytes of out.body) {
      total += bytes.length;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(total).toBe(64 * piece.length);
  });

  it('gives up on an upstream that goes silent mid-stream (idle timeout)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    };
    const out = await callForStream(agent, post(), new CallerAbort(), { headersMs: 2_000, idleMs: 150 });
    if (!out.ok) throw new Error(out.error.message);
    const err = await readAll(out.body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(out.body.failureOf(err)).toMatchObject({ retryable: true, error: { status: 504, type: 'timeout_error' } });
  });
});
