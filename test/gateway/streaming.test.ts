import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { readJsonlEvents } from '../support/fixtures.js';
import { replyFixtureSse, replyJson, replySse } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import {
  SseReader,
  chatBody,
  chatChunk,
  dataChunks,
  deferred,
  expectBifrostError,
  expectBifrostErrorShape,
  postStream,
  providerAt,
  readAllEvents,
  sseData,
  toJsonReply,
  useTestbed,
  within,
} from './gateway-harness.js';
import type { JsonObject, ProviderExtras } from './gateway-harness.js';

const CHAT_PATH = '/v1/chat/completions';
const STREAM_FIXTURE = 'openai/chat/issue-15789-step-1.chunks.txt';
const testbed = useTestbed();

function streamBody(extra: JsonObject = {}): JsonObject {
  return chatBody('openai/gpt-4o-mini', { stream: true, ...extra });
}

async function gatewayWithOpenAI(mock: MockUpstream, extras: ProviderExtras = {}) {
  return testbed.gateway({ providers: { openai: providerAt(mock.url, extras) } });
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
}

function contentOf(chunk: JsonObject): unknown {
  const choices = chunk['choices'] as Array<{ delta?: { content?: unknown } }> | undefined;
  return choices?.[0]?.delta?.content;
}

function withoutExtraFields(chunk: JsonObject): JsonObject {
  const { extra_fields: _ignored, ...rest } = chunk;
  return rest;
}

describe('stream forwarding', () => {
  it('forwards each chunk as soon as it arrives (chunk 2 is only sent after the client read chunk 1)', async () => {
    const mock = await testbed.mock();
    const clientReadFirst = deferred();
    mock.on('POST', CHAT_PATH, async (_req, res) => {
      startSse(res);
      res.write(sseData(chatChunk('first')));
      await clientReadFirst.promise;
      res.write(sseData(chatChunk('second')));
      res.end(sseData('[DONE]'));
    });
    const gateway = await gatewayWithOpenAI(mock);
    const res = await postStream(gateway, streamBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = new SseReader(res);
    const first = await within(reader.next(), 5_000, 'chunk 1 must reach the client while the upstream waits');
    expect(contentOf(JSON.parse(first!.data) as JsonObject)).toBe('first');
    clientReadFirst.resolve();
    const second = await reader.next();
    expect(contentOf(JSON.parse(second!.data) as JsonObject)).toBe('second');
    expect((await reader.next())?.data).toBe('[DONE]');
    expect(await reader.next()).toBeUndefined();
  });

  it('sends the SSE head as soon as the upstream answers, before its first chunk', async () => {
    const mock = await testbed.mock();
    const firstChunk = deferred<void>();
    mock.on('POST', CHAT_PATH, async (_req, res) => {
      startSse(res);
      await firstChunk.promise;
      res.end(`data: ${JSON.stringify(chatChunk('late'))}\n\ndata: [DONE]\n\n`);
    });
    const gateway = await gatewayWithOpenAI(mock);

    const res = await within(
      fetch(`${gateway.url}${CHAT_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(streamBody()) }),
      2_000,
      'the SSE head while the upstream has sent no chunk',
    );
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    firstChunk.resolve();
    expect(await res.text()).toContain('"late"');
  });

  it('reassembles frames split into 7-byte TCP pieces exactly', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, STREAM_FIXTURE, 'openai', { splitEvery: 7, chunkDelayMs: 1 }));
    const gateway = await gatewayWithOpenAI(mock);
    const events = await readAllEvents(await postStream(gateway, streamBody()));
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(dataChunks(events).map(withoutExtraFields)).toEqual(readJsonlEvents(STREAM_FIXTURE));
  });

  it('handles SSE comments, event: lines and CRLF separators from upstream', async () => {
    const mock = await testbed.mock();
    const wire =
      ': keep-alive comment\r\n\r\n' +
      `event: message\r\ndata: ${JSON.stringify(chatChunk('one'))}\r\n\r\n` +
      ': another comment\n' +
      `data: ${JSON.stringify(chatChunk('two'))}\n\n` +
      `id: 7\r\ndata: ${JSON.stringify(chatChunk('three'))}\r\n\r\n` +
      'data: [DONE]\r\n\r\n';
    mock.on('POST', CHAT_PATH, (_req, res) => replySse(res, wire, { splitEvery: 5 }));
    const gateway = await gatewayWithOpenAI(mock);
    const events = await readAllEvents(await postStream(gateway, streamBody()));
    expect(dataChunks(events).map(contentOf)).toEqual(['one', 'two', 'three']);
    expect(events.at(-1)?.data).toBe('[DONE]');
  });

  it('data: [DONE] ends the client stream even when the upstream keeps its connection open', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      startSse(res);
      res.write(sseData(chatChunk('only')));
      res.write(sseData('[DONE]'));
      res.write(sseData(chatChunk('after done')));
      // never end: the gateway must finish on [DONE], not on upstream EOF
    });
    const gateway = await gatewayWithOpenAI(mock);
    const events = await within(readAllEvents(await postStream(gateway, streamBody())), 5_000, 'the stream must end at [DONE]');
    expect(events.map((e) => e.data)).toHaveLength(2);
    expect(contentOf(JSON.parse(events[0]!.data) as JsonObject)).toBe('only');
    expect(events[1]?.data).toBe('[DONE]');
  });

  it('stream_options.include_usage reaches upstream and the final chunk carries usage', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, STREAM_FIXTURE, 'openai'));
    const gateway = await gatewayWithOpenAI(mock);
    const events = await readAllEvents(await postStream(gateway, streamBody({ stream_options: { include_usage: true } })));
    expect((mock.lastRequest().json as JsonObject)['stream_options']).toEqual({ include_usage: true });
    const chunks = dataChunks(events);
    const expectedUsage = (readJsonlEvents(STREAM_FIXTURE).at(-1) as JsonObject)['usage'];
    expect(chunks.at(-1)?.['usage']).toEqual(expectedUsage);
    expect(chunks.at(-1)?.['usage']).toMatchObject({ prompt_tokens: 58, completion_tokens: 12, total_tokens: 70 });
  });

  it('every chunk carries extra_fields with an increasing chunk_index', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, STREAM_FIXTURE, 'openai'));
    const gateway = await gatewayWithOpenAI(mock);
    const chunks = dataChunks(await readAllEvents(await postStream(gateway, streamBody())));
    expect(chunks).toHaveLength(readJsonlEvents(STREAM_FIXTURE).length);
    chunks.forEach((chunk, i) => {
      const extra = chunk['extra_fields'] as JsonObject;
      expect(extra).toMatchObject({
        request_type: 'chat_completion_stream',
        provider: 'openai',
        model_requested: 'gpt-4o-mini',
        chunk_index: i,
      });
      expect(typeof extra['latency']).toBe('number');
    });
  });
});

describe('stream errors', () => {
  it('an upstream failure after the first chunk becomes an error event, then the stream closes', async () => {
    const mock = await testbed.mock();
    const clientReadFirst = deferred();
    mock.on('POST', CHAT_PATH, async (_req, res) => {
      startSse(res);
      res.write(sseData(chatChunk('first')));
      await clientReadFirst.promise;
      res.socket?.destroy();
    });
    const gateway = await gatewayWithOpenAI(mock);
    const res = await postStream(gateway, streamBody());
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    expect(contentOf(JSON.parse((await reader.next())!.data) as JsonObject)).toBe('first');
    clientReadFirst.resolve();
    const rest = await within(reader.rest(), 5_000, 'the stream must end after the upstream failure');
    expect(rest).toHaveLength(1);
    const err = expectBifrostErrorShape(JSON.parse(rest[0]!.data));
    expect(err.status_code).toBe(502);
    expect(err.error.message).toContain(mock.url);
    expect(err.extra_fields).toMatchObject({ provider: 'openai', request_type: 'chat_completion_stream' });
  });

  it('a socket destroyed mid-stream (replySse destroyAfterPieces) ends the stream with one error event and no [DONE]', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, STREAM_FIXTURE, 'openai', { destroyAfterPieces: 3, chunkDelayMs: 20 }));
    const gateway = await gatewayWithOpenAI(mock);
    const res = await postStream(gateway, streamBody());
    expect(res.status).toBe(200);
    const events = await readAllEvents(res);
    const last = events.at(-1);
    expect(last).toBeDefined();
    expect(expectBifrostErrorShape(JSON.parse(last!.data)).status_code).toBe(502);
    const before = events.slice(0, -1).map((e) => withoutExtraFields(JSON.parse(e.data) as JsonObject));
    // chunks relayed before the failure are the fixture's first chunks, in order
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before).toEqual(readJsonlEvents(STREAM_FIXTURE).slice(0, before.length));
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('an error object inside the upstream stream is relayed as an error event with the upstream message', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      startSse(res);
      res.write(sseData(chatChunk('partial')));
      res.end(sseData({ error: { message: 'The model crashed mid-answer', type: 'server_error', code: 'model_crash' } }));
    });
    const gateway = await gatewayWithOpenAI(mock);
    const events = await readAllEvents(await postStream(gateway, streamBody()));
    expect(events).toHaveLength(2);
    const err = expectBifrostErrorShape(JSON.parse(events[1]!.data));
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe('The model crashed mid-answer');
    expect(err.error.code).toBe('model_crash');
  });

  it('an upstream error before the first byte is a plain JSON BifrostError with the upstream status', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) =>
      replyJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }),
    );
    const gateway = await gatewayWithOpenAI(mock);
    const err = expectBifrostError(await toJsonReply(await postStream(gateway, streamBody())), 401);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe('Incorrect API key provided');
    expect(err.error.code).toBe('invalid_api_key');
    expect(err.extra_fields).toMatchObject({ provider: 'openai', request_type: 'chat_completion_stream' });
  });

  it('falls back to the next provider when the primary fails before the first byte', async () => {
    const primary = await testbed.mock();
    primary.on('POST', CHAT_PATH, (_req, res) => replyJson(res, 500, { error: { message: 'primary down', type: 'server_error' } }));
    const groq = await testbed.mock();
    groq.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, STREAM_FIXTURE, 'openai'));
    const gateway = await testbed.gateway({ providers: { openai: providerAt(primary.url), groq: providerAt(groq.url) } });
    const res = await postStream(gateway, streamBody({ fallbacks: ['groq/llama-3'] }));
    expect(res.status).toBe(200);
    const chunks = dataChunks(await readAllEvents(res));
    expect(chunks).toHaveLength(readJsonlEvents(STREAM_FIXTURE).length);
    for (const chunk of chunks) expect(chunk['extra_fields']).toMatchObject({ provider: 'groq', model_requested: 'llama-3' });
    expect((groq.lastRequest().json as JsonObject)['model']).toBe('llama-3');
  });

  it('stream_idle_timeout_in_seconds: a silent upstream gives the first chunk, then an error event, then the end', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      startSse(res);
      res.write(sseData(chatChunk('before the silence')));
    });
    const gateway = await gatewayWithOpenAI(mock, { network_config: { stream_idle_timeout_in_seconds: 0.3 } });
    const events = await within(readAllEvents(await postStream(gateway, streamBody())), 5_000, 'the stream must end soon after 0.3 s of upstream silence');
    expect(events).toHaveLength(2);
    expect(contentOf(JSON.parse(events[0]!.data) as JsonObject)).toBe('before the silence');
    const err = expectBifrostErrorShape(JSON.parse(events[1]!.data));
    expect(err.status_code).toBe(504);
    expect(err.error.type).toBe('timeout_error');
    await vi.waitFor(() => expect(mock.lastRequest().aborted).toBe(true));
  });
});

describe('stream client disconnect', () => {
  it('a client aborting mid-stream aborts the upstream request', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      startSse(res);
      res.write(sseData(chatChunk('first')));
    });
    const gateway = await gatewayWithOpenAI(mock);
    const controller = new AbortController();
    const reader = new SseReader(await postStream(gateway, streamBody(), { signal: controller.signal }));
    expect(contentOf(JSON.parse((await reader.next())!.data) as JsonObject)).toBe('first');
    expect(mock.lastRequest().aborted).toBe(false);
    controller.abort();
    await vi.waitFor(() => expect(mock.lastRequest().aborted).toBe(true), { timeout: 2_000 });
  });
});
