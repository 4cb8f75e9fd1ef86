/**
 * The plugin pipeline: pre-hooks in order, post-hooks in reverse, always paired — on success, on an
 * upstream error, after a short-circuit, when the client goes away mid-stream, and once per
 * fallback attempt — and a plugin that throws never fails the request.
 */
import { describe, expect, it } from 'vitest';
import type { Attempt, AttemptEnd, GatewayPlugin, ShortCircuit } from '../../src/core/pipeline/plugin.js';
import { chatBody, chatChunk, chatCompletion, expectBifrostError, postChat, postStream, providerAt, sseData, useTestbed } from '../gateway/gateway-harness.js';
import { replyJson } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const CHAT_PATH = '/v1/chat/completions';

interface Seen {
  events: string[];
  attempts: Attempt[];
  ends: AttemptEnd[];
  chunks: number;
}

/** A plugin that writes down every hook it sees, optionally answering or refusing from its pre-hook. */
function recorder(
  name: string,
  seen: Seen,
  options: { shortCircuit?: (attempt: Attempt) => ShortCircuit | undefined; throwInPre?: boolean } = {},
): GatewayPlugin {
  return {
    name,
    preHook(attempt) {
      seen.events.push(`${name}.pre#${attempt.fallbackIndex}`);
      if (options.throwInPre) throw new Error(`${name} is broken`);
      seen.attempts.push(attempt);
      const shortCircuit = options.shortCircuit?.(attempt);
      return {
        ...(shortCircuit ? { shortCircuit } : {}),
        chunkHook: () => {
          seen.chunks++;
        },
        postHook: (end) => {
          seen.events.push(`${name}.post#${attempt.fallbackIndex}:${end.status}`);
          seen.ends.push(end);
        },
      };
    },
  };
}

function newSeen(): Seen {
  return { events: [], attempts: [], ends: [], chunks: 0 };
}

const testbed = useTestbed();

async function gatewayWith(plugins: GatewayPlugin[], upstreamStatus = 200) {
  const mock = await testbed.mock();
  mock.on('POST', CHAT_PATH, (_req, res) =>
    upstreamStatus === 200
      ? replyJson(res, 200, chatCompletion('hello'))
      : replyJson(res, upstreamStatus, { error: { message: 'upstream broke', type: 'server_error' } }),
  );
  const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url, { network_config: { max_retries: 0 } }) } }, { plugins });
  return { mock, gateway, close: () => gateway.close() };
}

describe('the plugin pipeline', () => {
  it('runs pre-hooks in order and post-hooks in reverse, once each, on success', async () => {
    const seen = newSeen();
    const { gateway, close } = await gatewayWith([recorder('a', seen), recorder('b', seen)]);
    try {
      const reply = await postChat(gateway, chatBody(), { 'x-request-id': 'req-1' });
      expect(reply.status).toBe(200);
      expect(seen.events).toEqual(['a.pre#0', 'b.pre#0', 'b.post#0:success', 'a.post#0:success']);
      const attempt = seen.attempts[0]!;
      expect(attempt).toMatchObject({
        requestId: 'req-1',
        attemptId: 'req-1',
        provider: 'openai',
        model: 'gpt-4o-mini',
        keyName: 'default',
        retries: 0,
        fallbackIndex: 0,
      });
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      await close();
    }
  });

  it('pairs the hooks when the provider answers with an error', async () => {
    const seen = newSeen();
    const { gateway, close } = await gatewayWith([recorder('a', seen)], 500);
    try {
      expectBifrostError(await postChat(gateway, chatBody()), 500);
      expect(seen.events).toEqual(['a.pre#0', 'a.post#0:error']);
      expect(seen.ends[0]).toMatchObject({ status: 'error', error: { status_code: 500 } });
    } finally {
      await close();
    }
  });

  it('stops at a short-circuit: later plugins never run, earlier ones still get their post-hook, the provider is not called', async () => {
    const seen = newSeen();
    const cached: ShortCircuit = { result: { kind: 'json', body: { ...chatCompletion('from the cache'), extra_fields: { provider: 'openai' } } } };
    const { mock, gateway, close } = await gatewayWith([recorder('a', seen), recorder('cache', seen, { shortCircuit: () => cached }), recorder('c', seen)]);
    try {
      const reply = await postChat(gateway, chatBody());
      expect(reply.status).toBe(200);
      expect(JSON.stringify(reply.json)).toContain('from the cache');
      expect(mock.requests).toHaveLength(0);
      expect(seen.events).toEqual(['a.pre#0', 'cache.pre#0', 'cache.post#0:success', 'a.post#0:success']);
    } finally {
      await close();
    }
  });

  it('runs the whole pipeline again for each fallback attempt, each with its own id pointing at the request', async () => {
    const seen = newSeen();
    const refusePrimary = (attempt: Attempt): ShortCircuit | undefined => (attempt.fallbackIndex === 0 ? { error: expectedRefusal() } : undefined);
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyJson(res, 200, chatCompletion('from groq')));
    const withPlugins = await startTestGateway(
      { providers: { openai: providerAt(mock.url), groq: providerAt(mock.url) } },
      { plugins: [recorder('gov', seen, { shortCircuit: refusePrimary })] },
    );
    try {
      const reply = await postChat(withPlugins, chatBody('openai/gpt-4o-mini', { fallbacks: ['groq/llama-3'] }), { 'x-request-id': 'req-f' });
      expect(reply.status).toBe(200);
      expect(seen.events).toEqual(['gov.pre#0', 'gov.post#0:error', 'gov.pre#1', 'gov.post#1:success']);
      const [primary, fallback] = seen.attempts;
      expect(primary).toMatchObject({ attemptId: 'req-f', parentRequestId: undefined, provider: 'openai' });
      expect(fallback).toMatchObject({ requestId: 'req-f', parentRequestId: 'req-f', fallbackIndex: 1, provider: 'groq', model: 'llama-3' });
      expect(fallback!.attemptId).not.toBe('req-f');
      expect(mock.requests).toHaveLength(1);
    } finally {
      await withPlugins.close();
    }
  });

  it('a refusal that allows no fallback ends the request with it', async () => {
    const seen = newSeen();
    const { mock, gateway, close } = await gatewayWith([recorder('gov', seen, { shortCircuit: () => ({ error: expectedRefusal(), allowFallbacks: false }) })]);
    try {
      const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o-mini', { fallbacks: ['openai/gpt-4o'] })), 403);
      expect(err.error.message).toBe('budget exceeded');
      expect(seen.events).toEqual(['gov.pre#0', 'gov.post#0:error']);
      expect(mock.requests).toHaveLength(0);
    } finally {
      await close();
    }
  });

  it('gives each stream chunk to the chunk hooks and runs the post-hook at the end with the usage and first-chunk time', async () => {
    const seen = newSeen();
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseData(chatChunk('Hel')));
      res.write(sseData(chatChunk('lo', { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })));
      res.write(sseData({ ...chatChunk(''), choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } }));
      res.end(sseData('[DONE]'));
    });
    const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url) } }, { plugins: [recorder('log', seen)] });
    try {
      const res = await postStream(gateway, chatBody('openai/gpt-4o-mini', { stream: true }));
      await res.text();
      await waitFor(() => seen.events.length === 2);
      expect(seen.events).toEqual(['log.pre#0', 'log.post#0:success']);
      expect(seen.chunks).toBe(3);
      const attempt = seen.attempts[0]!;
      expect(attempt.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
      expect(attempt.finishReason).toBe('stop');
      expect(attempt.firstChunkMs).toBeGreaterThanOrEqual(0);
      expect(attempt.chunks).toBe(3);
    } finally {
      await gateway.close();
    }
  });

  it('runs the post-hook with `aborted` when the client goes away mid-stream', async () => {
    const seen = newSeen();
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseData(chatChunk('Hel')));
      // never ends: the client gives up
    });
    const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url) } }, { plugins: [recorder('log', seen)] });
    try {
      const controller = new AbortController();
      const res = await postStream(gateway, chatBody('openai/gpt-4o-mini', { stream: true }), { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await waitFor(() => seen.events.length === 2);
      expect(seen.events).toEqual(['log.pre#0', 'log.post#0:aborted']);
    } finally {
      await gateway.close();
    }
  });

  it('a plugin whose pre-hook throws is skipped; the request and the other plugins go on', async () => {
    const seen = newSeen();
    const { gateway, close } = await gatewayWith([recorder('broken', seen, { throwInPre: true }), recorder('b', seen)]);
    try {
      expect((await postChat(gateway, chatBody())).status).toBe(200);
      expect(seen.events).toEqual(['broken.pre#0', 'b.pre#0', 'b.post#0:success']);
    } finally {
      await close();
    }
  });

  it('sees every HTTP exchange with its route template, never the raw path', async () => {
    const exchanges: Array<{ route: string; status: number }> = [];
    const plugin: GatewayPlugin = { name: 'http', httpExchange: (e) => exchanges.push({ route: e.route, status: e.status }) };
    const { gateway, close } = await gatewayWith([plugin]);
    try {
      await fetch(`${gateway.url}/v1/files/file-abc?provider=nope`);
      await fetch(`${gateway.url}/nowhere`);
      await waitFor(() => exchanges.length === 2);
      expect(exchanges).toEqual([
        { route: '/v1/files/{id}', status: 400 },
        { route: 'unmatched', status: 404 },
      ]);
    } finally {
      await close();
    }
  });
});

function expectedRefusal() {
  return {
    event_id: 'e',
    type: 'permission_error',
    is_bifrost_error: true,
    status_code: 403,
    error: { type: 'permission_error', code: null, message: 'budget exceeded', param: null, event_id: 'e' },
    extra_fields: {},
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
