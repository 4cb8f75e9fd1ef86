/**
 * The logging plugin: every attempt becomes the row a user would expect — a chat, a stream put back
 * together (text and tool calls equal to the recording's), an upstream error, a fallback (a parent
 * row and a child row), a resource call — with its cost from the usage, never written on the
 * request path, flushed on stop, and counted when it cannot be written.
 */
import OpenAI from 'openai';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/core/pipeline/plugin.js';
import type { RunningGateway } from '../../src/index.js';
import { createLoggingPlugin, type LoggingPlugin } from '../../src/plugins/logging/logging-plugin.js';
import { readJsonlEvents, readJsonBody } from '../support/fixtures.js';
import { MemoryLogStore } from '../support/memory-log-store.js';
import { replyFixtureJson, replyFixtureSse, replyJson, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const STREAM_FIXTURE = 'openai/chat/issue-15789-step-1.chunks.txt';
const CHAT_FIXTURE = 'openai/chat/openai-text.json';

/** $1 per million input tokens, $2 per million output tokens, for gpt-4o-mini only. */
function fakePrice(attempt: Attempt): number | null {
  if (attempt.model !== 'gpt-4o-mini' || !attempt.usage) return null;
  return (Number(attempt.usage['prompt_tokens']) * 1 + Number(attempt.usage['completion_tokens']) * 2) / 1_000_000;
}

interface Setup {
  mock: MockUpstream;
  gateway: RunningGateway;
  store: MemoryLogStore;
  logging: LoggingPlugin;
  client: OpenAI;
}

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!();
});

async function setup(options: { contentLogging?: boolean; capacity?: number; batchSize?: number; intervalMs?: number } = {}): Promise<Setup> {
  const mock = await startMockUpstream();
  const store = new MemoryLogStore();
  const logging = createLoggingPlugin(
    store,
    {
      contentLogging: options.contentLogging ?? true,
      capacity: options.capacity ?? 1000,
      batchSize: options.batchSize ?? 100,
      intervalMs: options.intervalMs ?? 50,
      retentionDays: 365,
    },
    pino({ level: 'silent' }),
  );
  const provider = (extra: Record<string, unknown> = {}) => ({
    keys: [{ name: 'main', value: 'sk-test', models: ['*'] }],
    network_config: { base_url: mock.url, max_retries: 0 },
    ...extra,
  });
  const gateway = await startTestGateway({ providers: { openai: provider(), groq: provider() } }, { plugins: [logging], price: fakePrice });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
  opened.push(async () => {
    await gateway.close();
    await mock.close();
  });
  return { mock, gateway, store, logging, client };
}

describe('the logging plugin', () => {
  it('writes a chat as one row: ids, model, key name, usage, cost, stop reason, input and output', async () => {
    const { mock, store, logging, client } = await setup();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    const answer = await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], temperature: 0.2 },
      { headers: { 'x-request-id': 'req-chat' } },
    );
    expect(store.rows).toHaveLength(0);
    await logging.flush();
    const fixture = readJsonBody(CHAT_FIXTURE) as { usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
    const row = store.rows[0]!;
    expect(row).toMatchObject({
      id: 'req-chat',
      parent_request_id: null,
      object: 'chat_completion',
      provider: 'openai',
      model: 'gpt-4o-mini',
      model_requested: 'openai/gpt-4o-mini',
      selected_key_name: 'main',
      number_of_retries: 0,
      fallback_index: 0,
      status: 'success',
      stream: false,
      token_usage: { prompt_tokens: fixture.usage.prompt_tokens, completion_tokens: fixture.usage.completion_tokens, total_tokens: fixture.usage.total_tokens },
      stop_reason: answer.choices[0]!.finish_reason,
      error_details: null,
      input_history: [{ role: 'user', content: 'Say hello' }],
      output_message: { role: 'assistant', content: answer.choices[0]!.message.content },
      params: { temperature: 0.2 },
    });
    expect(row.cost).toBeCloseTo((fixture.usage.prompt_tokens + fixture.usage.completion_tokens * 2) / 1_000_000, 12);
    expect(row.latency).toBeGreaterThanOrEqual(0);
    expect(row.content_summary).toContain('Say hello');
    expect(row.content_summary).toContain(String(answer.choices[0]!.message.content).slice(0, 10));
    expect(JSON.stringify(row)).not.toContain('sk-test');
  });

  it('puts a stream back together: the text and every tool call equal the recording’s, with time to first token', async () => {
    const { mock, store, logging, client } = await setup();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureSse(res, STREAM_FIXTURE, 'openai'));
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }], stream: true });
    for await (const _chunk of stream) {
      // read to the end
    }
    await waitFor(() => logging.flush().then(() => store.rows.length === 1));
    const expected = foldFixtureStream();
    const row = store.rows[0]!;
    expect(row).toMatchObject({ object: 'chat_completion_stream', stream: true, status: 'success', stop_reason: expected.finishReason });
    const output = row.output_message as { content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };
    expect(output.content).toBe(expected.content);
    expect(output.tool_calls?.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }))).toEqual(expected.toolCalls);
    expect(row.time_to_first_token).toBeGreaterThanOrEqual(0);
    expect(row.time_to_first_token!).toBeLessThanOrEqual(row.latency!);
  });

  it('writes an upstream error with its details and no cost', async () => {
    const { mock, store, logging, client } = await setup();
    mock.on('POST', '/v1/chat/completions', (_req, res) =>
      replyJson(res, 429, { error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limited' } }),
    );
    await expect(client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await logging.flush();
    expect(store.rows[0]).toMatchObject({
      status: 'error',
      cost: null,
      token_usage: null,
      error_details: { status_code: 429, is_bifrost_error: false, error: { message: 'slow down' } },
    });
  });

  it('writes a fallback as a parent row and a child row that points at it', async () => {
    const { mock, store, logging, client } = await setup();
    let calls = 0;
    mock.on('POST', '/v1/chat/completions', (_req, res) =>
      calls++ === 0 ? replyJson(res, 503, { error: { message: 'primary down' } }) : replyFixtureJson(res, CHAT_FIXTURE),
    );
    await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], fallbacks: ['groq/llama-3.1-8b'] } as never,
      { headers: { 'x-request-id': 'req-fb' } },
    );
    await logging.flush();
    const [primary, fallback] = [store.rows.find((r) => r.fallback_index === 0)!, store.rows.find((r) => r.fallback_index === 1)!];
    expect(primary).toMatchObject({ id: 'req-fb', parent_request_id: null, provider: 'openai', status: 'error' });
    expect(fallback).toMatchObject({
      parent_request_id: 'req-fb',
      provider: 'groq',
      model: 'llama-3.1-8b',
      model_requested: 'groq/llama-3.1-8b',
      status: 'success',
      cost: null,
    });
    expect(fallback.id).not.toBe('req-fb');
  });

  it('writes a resource call', async () => {
    const { mock, store, logging, gateway } = await setup();
    mock.on('GET', '/v1/files/file-abc', (_req, res) =>
      replyJson(res, 200, { id: 'file-abc', object: 'file', bytes: 3, filename: 'a.jsonl', purpose: 'batch' }),
    );
    const res = await fetch(`${gateway.url}/v1/files/file-abc?provider=openai`, { headers: { 'x-request-id': 'req-file' } });
    expect(res.status).toBe(200);
    await logging.flush();
    expect(store.rows[0]).toMatchObject({
      id: 'req-file',
      object: 'file_retrieve',
      provider: 'openai',
      model: '',
      selected_key_name: 'main',
      status: 'success',
      cost: null,
      output_message: { id: 'file-abc', object: 'file', filename: 'a.jsonl' },
    });
  });

  it('keeps no content with client.disable_content_logging', async () => {
    const { mock, store, logging, client } = await setup({ contentLogging: false });
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'secret words' }] });
    await logging.flush();
    expect(store.rows[0]).toMatchObject({ input_history: null, output_message: null, content_summary: '', status: 'success' });
    expect(JSON.stringify(store.rows[0])).not.toContain('secret words');
  });

  it('writes what is queued when the gateway stops', async () => {
    const { mock, store, gateway, client } = await setup();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await gateway.close();
    expect(store.rows).toHaveLength(1);
  });

  it('drops and counts rows beyond the queue instead of holding requests', async () => {
    const { mock, store, logging, client } = await setup({ capacity: 2 });
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    await Promise.all(
      Array.from({ length: 5 }, () => client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })),
    );
    await logging.flush();
    expect(store.rows.length + logging.dropped()).toBe(5);
    expect(logging.dropped()).toBeGreaterThan(0);
  });

  it('writes a full batch at once, even while a partial one waits for its interval', async () => {
    const { mock, store, client } = await setup({ batchSize: 4, intervalMs: 60_000 });
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    const chat = () => client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    // Two rows: a partial batch, due in a minute.
    await chat();
    await chat();
    await new Promise((r) => setTimeout(r, 50));
    expect(store.rows).toHaveLength(0);
    // Four more fill a batch: it goes now, not behind the partial one's minute (under load the queue would overflow meanwhile).
    await Promise.all(Array.from({ length: 4 }, chat));
    for (let i = 0; i < 40 && store.rows.length < 4; i++) await new Promise((r) => setTimeout(r, 25));
    expect(store.rows.length).toBeGreaterThanOrEqual(4);
  });

  it('counts rows the store refused to take', async () => {
    const { mock, store, logging, client } = await setup();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    store.failInserts = true;
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await logging.flush();
    expect(logging.dropped()).toBe(1);
  });
});

/** What an SDK ends up with after reading the recorded stream. */
function foldFixtureStream() {
  const events = readJsonlEvents(STREAM_FIXTURE) as Array<Record<string, unknown>>;
  let content = '';
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  let finishReason: string | null = null;
  for (const event of events) {
    const choice = (event['choices'] as Array<Record<string, unknown>>)[0];
    if (!choice) continue;
    const delta = choice['delta'] as Record<string, unknown>;
    if (typeof delta['content'] === 'string') content += delta['content'];
    for (const call of (delta['tool_calls'] as Array<Record<string, unknown>> | undefined) ?? []) {
      const index = call['index'] as number;
      const fn = call['function'] as Record<string, string>;
      const seen = calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (call['id']) seen.id = call['id'] as string;
      if (fn['name']) seen.name = fn['name'];
      seen.arguments += fn['arguments'] ?? '';
      calls.set(index, seen);
    }
    if (typeof choice['finish_reason'] === 'string') finishReason = choice['finish_reason'];
  }
  return { content, toolCalls: [...calls.values()], finishReason };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
