/**
 * The Anthropic SDK's Message Batches through Iris's `/anthropic` surface, and the same batches on
 * the unified `/v1/batches` API in the canonical (OpenAI-shaped) batch form.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../src/index.js';
import { anthropicResultLine, installAnthropicResourceMock, type AnthropicResourceState } from '../resources/provider-resource-mocks.js';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const ANTHROPIC_KEY = 'sk-ant-e2e-key';

let gateway: RunningGateway;
let upstream: MockUpstream;
let anthropic: AnthropicResourceState;

beforeAll(async () => {
  upstream = await startMockUpstream();
  gateway = await startTestGateway({
    providers: { anthropic: { keys: [{ name: 'a', value: ANTHROPIC_KEY, models: ['*'], weight: 1 }], network_config: { base_url: upstream.url } } },
  });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.reset();
  anthropic = installAnthropicResourceMock(upstream, ANTHROPIC_KEY);
});

function sdk(): Anthropic {
  return new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'client-key-not-forwarded', maxRetries: 0, timeout: 10_000 });
}

const REQUESTS = [
  { custom_id: 'first', params: { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello' }] } },
  { custom_id: 'second', params: { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Bye' }] } },
];

describe('Anthropic SDK message batches on /anthropic', () => {
  it('creates a batch with the requests sent to Anthropic unchanged, and answers in Anthropic shape', async () => {
    const batch = await sdk().messages.batches.create({ requests: REQUESTS });
    expect(batch).toMatchObject({
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: 2, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      created_at: '2025-01-01T00:00:00.000Z',
      expires_at: '2025-01-02T00:00:00.000Z',
      results_url: null,
    });
    expect(batch.id).toMatch(/^msgbatch_/);
    const sent = upstream.requests.find((r) => r.method === 'POST' && r.path === '/v1/messages/batches')!;
    expect(sent.json).toEqual({ requests: REQUESTS });
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_KEY);
  });

  it('retrieves, lists and cancels batches', async () => {
    const client = sdk();
    const first = await client.messages.batches.create({ requests: REQUESTS });
    const second = await client.messages.batches.create({ requests: REQUESTS.slice(0, 1) });
    expect(await client.messages.batches.retrieve(first.id)).toMatchObject({ id: first.id, processing_status: 'in_progress' });

    const page = await client.messages.batches.list({ limit: 1 });
    expect(page.data.map((b) => b.id)).toEqual([second.id]);
    expect(page.has_more).toBe(true);
    expect(upstream.requests.find((r) => r.method === 'GET' && r.path === '/v1/messages/batches')!.query.get('limit')).toBe('1');

    const cancelled = await client.messages.batches.cancel(first.id);
    expect(cancelled).toMatchObject({ id: first.id, processing_status: 'canceling', cancel_initiated_at: '2025-01-01T00:30:00.000Z' });
  });

  it('streams the results of an ended batch from the gateway', async () => {
    const client = sdk();
    const batch = await client.messages.batches.create({ requests: REQUESTS });
    const lines = [
      anthropicResultLine('first', 'Hi there'),
      { custom_id: 'second', result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } } } },
    ];
    anthropic.endBatch(batch.id, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { succeeded: 1, errored: 1 });

    const ended = await client.messages.batches.retrieve(batch.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.ended_at).toBe('2025-01-01T01:00:00.000Z');
    expect(ended.results_url).toBe(`${gateway.url}/anthropic/v1/messages/batches/${batch.id}/results`);

    const results = [];
    for await (const item of await client.messages.batches.results(batch.id)) results.push(item);
    expect(results).toEqual(lines);
  });

  it('answers an unknown batch with Anthropic’s not_found error', async () => {
    const err = await sdk()
      .messages.batches.retrieve('msgbatch_missing')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'Message batch not found: msgbatch_missing' },
    });
  });

  it('refuses a batch without requests with an Anthropic-shaped 400', async () => {
    const res = await fetch(`${gateway.url}/anthropic/v1/messages/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"requests":[]}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('requests') } });
  });
});

describe('Anthropic batches on the unified /v1/batches API', () => {
  it('converts chat requests to Messages requests and answers with the canonical batch', async () => {
    const res = await fetch(`${gateway.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'anthropic/claude-sonnet-4-5',
        requests: [
          {
            custom_id: 'c1',
            body: {
              max_tokens: 32,
              messages: [
                { role: 'system', content: 'Be brief' },
                { role: 'user', content: 'Hi' },
              ],
            },
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const batch = (await res.json()) as Record<string, unknown>;
    expect(batch).toMatchObject({
      object: 'batch',
      status: 'in_progress',
      endpoint: '/v1/messages',
      processing_status: 'in_progress',
      created_at: 1_735_689_600,
      request_counts: { total: 1, completed: 0, failed: 0, succeeded: 0, expired: 0, canceled: 0, pending: 1 },
      extra_fields: { request_type: 'batch_create', provider: 'anthropic', model_requested: 'claude-sonnet-4-5' },
    });
    const sent = upstream.requests.find((r) => r.path === '/v1/messages/batches')!.json as {
      requests: Array<{ custom_id: string; params: Record<string, unknown> }>;
    };
    expect(sent.requests[0]!.custom_id).toBe('c1');
    expect(sent.requests[0]!.params).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 32,
      system: [{ type: 'text', text: 'Be brief' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('reports ended batches as completed and returns their results with bad lines in parse_errors', async () => {
    const created = await sdk().messages.batches.create({ requests: REQUESTS });
    anthropic.endBatch(created.id, `${JSON.stringify(anthropicResultLine('first', 'ok'))}\n<html>oops</html>\n`, { succeeded: 1, errored: 0 });
    const retrieved = (await (await fetch(`${gateway.url}/v1/batches/${created.id}?provider=anthropic`)).json()) as Record<string, unknown>;
    expect(retrieved).toMatchObject({
      id: created.id,
      status: 'completed',
      completed_at: 1_735_693_200,
      request_counts: { total: 1, completed: 1, succeeded: 1, pending: 0 },
    });

    const res = await fetch(`${gateway.url}/v1/batches/${created.id}/results`, { headers: { 'x-model-provider': 'anthropic' } });
    const body = (await res.json()) as { results: unknown[]; extra_fields: { parse_errors: Array<{ line: number }> } };
    expect(body.results).toEqual([anthropicResultLine('first', 'ok')]);
    expect(body.extra_fields.parse_errors.map((e) => e.line)).toEqual([2]);
  });
});
