/**
 * OpenAI-family answers are passed on as text with `extra_fields` spliced in (no parse and
 * re-serialise). These tests pin down that the shortcut gives exactly what the full path gives,
 * and that it steps aside whenever the answer needs changing.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/load-config.js';
import { CallerAbort } from '../../src/core/caller-signal.js';
import { Engine } from '../../src/core/engine.js';
import type { StreamItem } from '../../src/core/engine-result.js';
import {
  chatBody,
  chatChunk,
  chatCompletion,
  dataChunks,
  postChat,
  postStream,
  providerAt,
  readAllEvents,
  sseData,
  useTestbed,
  type JsonObject,
} from './gateway-harness.js';

const CHAT_PATH = '/v1/chat/completions';
const testbed = useTestbed();

describe('non-streaming answers', () => {
  it('are the upstream body, member for member, plus extra_fields', async () => {
    const mock = await testbed.mock();
    const upstream = { ...chatCompletion('hello'), system_fingerprint: 'fp_1', unknown_field: { kept: [1, 2, 3] } };
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(upstream));
    });
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url) } });
    const reply = await postChat(gateway, chatBody());
    expect(reply.status).toBe(200);
    const { extra_fields: extra, ...rest } = reply.json as JsonObject;
    expect(rest).toEqual(upstream);
    expect(extra).toMatchObject({ request_type: 'chat_completion', provider: 'openai', model_requested: 'gpt-4o-mini', chunk_index: 0 });
    expect(typeof (extra as JsonObject)['latency']).toBe('number');
  });

  it('still gain canonical `reasoning` when the provider names it reasoning_content', async () => {
    const mock = await testbed.mock();
    const upstream = chatCompletion('4');
    ((upstream['choices'] as JsonObject[])[0]!['message'] as JsonObject)['reasoning_content'] = 'two plus two';
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(upstream));
    });
    const gateway = await testbed.gateway({ providers: { deepseek: providerAt(mock.url) } });
    const reply = await postChat(gateway, chatBody('deepseek/deepseek-reasoner'));
    const message = ((reply.json as JsonObject)['choices'] as JsonObject[])[0]!['message'] as JsonObject;
    expect(message).toMatchObject({ content: '4', reasoning_content: 'two plus two', reasoning: 'two plus two' });
  });

  it('carry raw_response when asked, which takes the parsing path', async () => {
    const mock = await testbed.mock();
    const upstream = chatCompletion('hi');
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(upstream));
    });
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url) } });
    const reply = await postChat(gateway, chatBody(), { 'x-bf-send-back-raw-response': 'true' });
    expect(((reply.json as JsonObject)['extra_fields'] as JsonObject)['raw_response']).toEqual(upstream);
  });
});

describe('streamed chunks', () => {
  it('are the upstream chunks plus extra_fields with rising chunk_index; reasoning_content chunks gain `reasoning`', async () => {
    const mock = await testbed.mock();
    const chunks = [
      chatChunk('', { choices: [{ index: 0, delta: { role: 'assistant', reasoning_content: 'think' }, finish_reason: null }] }),
      chatChunk('Hel'),
      chatChunk('lo "error": not really', { choices: [{ index: 0, delta: { content: 'lo "error": not really' }, finish_reason: null }] }),
      chatChunk('', { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
    ];
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunks.map(sseData).join('') + sseData('[DONE]'));
    });
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url) } });
    const res = await postStream(gateway, chatBody('openai/gpt-4o-mini', { stream: true }));
    const events = await readAllEvents(res);
    const got = dataChunks(events);
    expect(got).toHaveLength(chunks.length);
    got.forEach((chunk, i) => {
      const { extra_fields: extra, ...rest } = chunk;
      const expected =
        i === 0
          ? { ...chunks[0], choices: [{ index: 0, delta: { role: 'assistant', reasoning_content: 'think', reasoning: 'think' }, finish_reason: null }] }
          : chunks[i];
      expect(rest).toEqual(expected);
      expect(extra).toMatchObject({ request_type: 'chat_completion_stream', provider: 'openai', model_requested: 'gpt-4o-mini', chunk_index: i });
    });
    expect(events.at(-1)?.data).toBe('[DONE]');
  });

  it('come out of the engine in batches: every chunk one upstream read completed, together', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(['a', 'b', 'c', 'd', 'e'].map((c) => sseData(chatChunk(c))).join(''));
      setTimeout(() => res.end(sseData(chatChunk('f')) + sseData('[DONE]')), 30);
    });
    const config = buildConfig(
      { appDir: '.', port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' },
      { providers: { openai: providerAt(mock.url) } },
      {},
    );
    const engine = new Engine(config);
    try {
      const result = await engine.execute({ op: 'chat', stream: true, model: 'openai/gpt-4o-mini', body: chatBody(), signal: new CallerAbort() });
      if (result.kind !== 'stream') throw new Error('expected a stream');
      const batches: StreamItem[][] = [];
      for await (const batch of result.items) batches.push(batch);
      const contents = batches.map((batch) =>
        batch.map((item) => (item.kind === 'chunk' ? ((item.chunk.data['choices'] as JsonObject[])[0]!['delta'] as JsonObject)['content'] : 'error')),
      );
      expect(contents).toEqual([['a', 'b', 'c', 'd', 'e'], ['f']]);
      const indexes = batches.flat().map((item) => (item.kind === 'chunk' ? (item.chunk.data['extra_fields'] as JsonObject)['chunk_index'] : -1));
      expect(indexes).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await engine.close();
    }
  });
});
