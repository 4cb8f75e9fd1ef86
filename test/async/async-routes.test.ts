/**
 * `/v1/async/*`: a job is accepted (202), polled (202 while it runs, 200 with the result or the
 * BifrostError), kept for its TTL, visible only to the credential that submitted it, and run
 * with bounded concurrency.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../support/fixtures.js';
import { replyFixtureJson, replyJson } from '../support/mock-upstream.js';
import {
  CHAT_BODY,
  expectBifrostError,
  getJson,
  jobRows,
  pollUntilDone,
  postJson,
  sleep,
  useAsyncTestbed,
  waitFor,
  withoutEventIds,
  withoutLatency,
} from './async-harness.js';
import type { JsonObject } from './async-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const EMBEDDING_RESPONSE = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 2, total_tokens: 2 },
};

const TEXT_COMPLETION_RESPONSE = {
  id: 'cmpl-async-test',
  object: 'text_completion',
  created: 1_715_000_000,
  model: 'gpt-3.5-turbo-instruct',
  choices: [{ text: ' there', index: 0, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

/** A mock route that holds every request until `release()` is called. */
function gate(): { wait: Promise<void>; release: () => void } {
  let release!: () => void;
  const wait = new Promise<void>((resolve) => (release = resolve));
  return { wait, release };
}

describe('async inference: /v1/async/*', () => {
  const bed = useAsyncTestbed();

  it.each([
    ['chat/completions', CHAT_BODY, '/v1/chat/completions'],
    ['responses', { model: 'openai/gpt-4o-mini', input: 'Summarise the PDF' }, '/v1/responses'],
    ['embeddings', { model: 'openai/text-embedding-3-small', input: 'hello' }, '/v1/embeddings'],
    ['completions', { model: 'openai/gpt-3.5-turbo-instruct', prompt: 'hello' }, '/v1/completions'],
  ] as const)('%s: 202 with a pending job, then 200 with the same result the sync route gives', async (path, body, upstreamPath) => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    mock.on('POST', '/v1/responses', (_req, res) => replyFixtureJson(res, 'openai/responses/openai-pdf-input-file.1.json'));
    mock.on('POST', '/v1/embeddings', (_req, res) => replyJson(res, 200, EMBEDDING_RESPONSE));
    mock.on('POST', '/v1/completions', (_req, res) => replyJson(res, 200, TEXT_COMPLETION_RESPONSE));
    const gateway = await bed.gateway(bed.appDir(), mock.url);

    const sync = await postJson(`${gateway.url}/v1/${path}`, body);
    expect(sync.status).toBe(200);

    const submitted = await postJson(`${gateway.url}/v1/async/${path}`, body);
    expect(submitted.status).toBe(202);
    expect(submitted.json).toEqual({ id: expect.stringMatching(UUID), status: 'pending', created_at: expect.stringMatching(ISO_TIME) });

    const done = await pollUntilDone(`${gateway.url}/v1/async/${path}/${String(submitted.json['id'])}`);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ id: submitted.json['id'], status: 'completed', status_code: 200, created_at: submitted.json['created_at'] });
    expect(withoutLatency(done.json['result'])).toEqual(withoutLatency(sync.json));
    const completedAt = Date.parse(String(done.json['completed_at']));
    expect(Date.parse(String(done.json['expires_at'])) - completedAt).toBe(3600 * 1000);

    const upstream = mock.requests.filter((r) => r.path === upstreamPath);
    expect(upstream).toHaveLength(2);
    expect(upstream[1]?.json).toEqual(upstream[0]?.json);
  });

  it('a poll answers 202 with the job while it is pending or processing', async () => {
    const mock = await bed.mock();
    const held = gate();
    mock.on('POST', '/v1/chat/completions', async (_req, res) => {
      await held.wait;
      replyFixtureJson(res, 'openai/chat/openai-text.json');
    });
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const submitted = await postJson(`${gateway.url}/v1/async/chat/completions`, CHAT_BODY);
    const url = `${gateway.url}/v1/async/chat/completions/${String(submitted.json['id'])}`;

    await waitFor('the job to reach the upstream', () => mock.requests.length === 1);
    const running = await getJson(url);
    expect(running.status).toBe(202);
    expect(running.json).toEqual({ id: submitted.json['id'], status: 'processing', created_at: submitted.json['created_at'] });

    held.release();
    const done = await pollUntilDone(url);
    expect(done.json['status']).toBe('completed');
  });

  it('a failed job answers 200 with status failed and the upstream BifrostError the sync route gives', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/reasoning-model-legacy-parameter-error.json', 400));
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const body = { ...CHAT_BODY, max_tokens: 20 };

    const sync = await postJson(`${gateway.url}/v1/chat/completions`, body);
    expect(sync.status).toBe(400);
    const submitted = await postJson(`${gateway.url}/v1/async/chat/completions`, body);
    expect(submitted.status).toBe(202);

    const done = await pollUntilDone(`${gateway.url}/v1/async/chat/completions/${String(submitted.json['id'])}`);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ status: 'failed', status_code: 400 });
    expect(done.json['result']).toBeUndefined();
    const upstreamError = readJsonBody('openai/chat/reasoning-model-legacy-parameter-error.json') as { error: JsonObject };
    expect(done.json['error']).toMatchObject({
      is_bifrost_error: false,
      status_code: 400,
      error: { message: upstreamError.error['message'], param: 'max_tokens', code: 'unsupported_parameter' },
      extra_fields: { provider: 'openai', model_requested: 'gpt-4o-mini', request_type: 'chat_completion' },
    });
    expect(withoutEventIds(done.json['error'])).toEqual(withoutEventIds(sync.json));
  });

  it('stream: true is refused with a 400 and no job is stored', async () => {
    const mock = await bed.mock();
    const appDir = bed.appDir();
    const gateway = await bed.gateway(appDir, mock.url);
    const reply = await postJson(`${gateway.url}/v1/async/chat/completions`, { ...CHAT_BODY, stream: true });
    expectBifrostError(reply, 400);
    expect(reply.json).toMatchObject({ error: { message: 'stream is not supported for async requests', param: 'stream' } });
    const responses = await postJson(`${gateway.url}/v1/async/responses`, { model: 'openai/gpt-4o-mini', input: 'hi', stream: true });
    expectBifrostError(responses, 400);
    expect(jobRows(appDir)).toEqual([]);
    expect(mock.requests).toHaveLength(0);
  });

  it('an invalid body gets the same 400 the sync route gives, and no job', async () => {
    const mock = await bed.mock();
    const appDir = bed.appDir();
    const gateway = await bed.gateway(appDir, mock.url);
    const body = { model: 'openai/gpt-4o-mini' };
    const sync = await postJson(`${gateway.url}/v1/chat/completions`, body);
    const submitted = await postJson(`${gateway.url}/v1/async/chat/completions`, body);
    expectBifrostError(submitted, 400);
    expect(withoutEventIds(submitted.json)).toEqual(withoutEventIds(sync.json));
    expect(submitted.json).toMatchObject({ error: { param: 'messages' } });
    expect(jobRows(appDir)).toEqual([]);
  });

  it('unknown ids, ids of another request type and ids polled by another credential are all 404', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    const appDir = bed.appDir();
    const gateway = await bed.gateway(appDir, mock.url);
    const owner = { authorization: 'Bearer sk-bf-owner-secret' };
    const submitted = await postJson(`${gateway.url}/v1/async/chat/completions`, CHAT_BODY, owner);
    const id = String(submitted.json['id']);
    const done = await pollUntilDone(`${gateway.url}/v1/async/chat/completions/${id}`, owner);
    expect(done.json['status']).toBe('completed');

    const notFound = [
      await getJson(`${gateway.url}/v1/async/chat/completions/00000000-0000-0000-0000-000000000000`, owner),
      await getJson(`${gateway.url}/v1/async/embeddings/${id}`, owner),
      await getJson(`${gateway.url}/v1/async/chat/completions/${id}`, { authorization: 'Bearer sk-bf-someone-else' }),
      await getJson(`${gateway.url}/v1/async/chat/completions/${id}`, { 'x-bf-vk': 'sk-bf-owner-secret' }),
      await getJson(`${gateway.url}/v1/async/chat/completions/${id}`),
    ];
    for (const reply of notFound) {
      expectBifrostError(reply, 404);
      expect(reply.json['error']).toMatchObject({ message: 'async job not found or expired' });
    }

    const rows = jobRows(appDir);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.['owner_hash']).toBe(createHash('sha256').update('Bearer sk-bf-owner-secret').digest('hex'));
    expect(JSON.stringify(rows)).not.toContain('sk-bf-owner-secret');
  });

  it('x-bf-async-job-result-ttl: 1 keeps the result one second, then the id is 404 and the row is gone', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    const appDir = bed.appDir();
    const gateway = await bed.gateway(appDir, mock.url);
    const submitted = await postJson(`${gateway.url}/v1/async/chat/completions`, CHAT_BODY, { 'x-bf-async-job-result-ttl': '1' });
    const url = `${gateway.url}/v1/async/chat/completions/${String(submitted.json['id'])}`;
    const done = await pollUntilDone(url);
    expect(done.json['status']).toBe('completed');
    const expiresAt = Date.parse(String(done.json['expires_at']));
    expect(expiresAt - Date.parse(String(done.json['completed_at']))).toBe(1000);
    expect(jobRows(appDir)).toHaveLength(1);

    await sleep(Math.max(0, expiresAt - Date.now()) + 50);
    expectBifrostError(await getJson(url), 404);
    expect(jobRows(appDir)).toEqual([]);
  });

  it('client.async_job_result_ttl sets the default TTL', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    const gateway = await bed.gateway(bed.appDir(), mock.url, { async_job_result_ttl: 120 });
    const submitted = await postJson(`${gateway.url}/v1/async/chat/completions`, CHAT_BODY);
    const done = await pollUntilDone(`${gateway.url}/v1/async/chat/completions/${String(submitted.json['id'])}`);
    expect(Date.parse(String(done.json['expires_at'])) - Date.parse(String(done.json['completed_at']))).toBe(120_000);
  });

  it('with client.async_job_concurrency 2, at most two jobs are upstream at once and all of them finish', async () => {
    const mock = await bed.mock();
    let inFlight = 0;
    let maxInFlight = 0;
    mock.on('POST', '/v1/chat/completions', async (_req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(150);
      inFlight--;
      replyFixtureJson(res, 'openai/chat/openai-text.json');
    });
    const gateway = await bed.gateway(bed.appDir(), mock.url, { async_job_concurrency: 2 });
    const submitted = await Promise.all(Array.from({ length: 6 }, () => postJson(`${gateway.url}/v1/async/chat/completions`, CHAT_BODY)));
    expect(submitted.map((reply) => reply.status)).toEqual(Array(6).fill(202));
    const done = await Promise.all(submitted.map((reply) => pollUntilDone(`${gateway.url}/v1/async/chat/completions/${String(reply.json['id'])}`)));
    expect(done.map((reply) => reply.json['status'])).toEqual(Array(6).fill('completed'));
    expect(mock.requests).toHaveLength(6);
    expect(maxInFlight).toBe(2);
  });

  it('rerank runs as a job; a provider without rerank fails the job with its BifrostError', async () => {
    const mock = await bed.mock();
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const submitted = await postJson(`${gateway.url}/v1/async/rerank`, { model: 'openai/rerank-1', query: 'q', documents: ['a', 'b'] });
    expect(submitted.status).toBe(202);
    const done = await pollUntilDone(`${gateway.url}/v1/async/rerank/${String(submitted.json['id'])}`);
    expect(done.json).toMatchObject({ status: 'failed', status_code: 400, error: { error: { message: "provider 'openai' does not support rerank" } } });
  });

  it('the async routes also answer under /openai/v1, where a bare model means openai', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const submitted = await postJson(`${gateway.url}/openai/v1/async/chat/completions`, { ...CHAT_BODY, model: 'gpt-4o-mini' });
    expect(submitted.status).toBe(202);
    const done = await pollUntilDone(`${gateway.url}/openai/v1/async/chat/completions/${String(submitted.json['id'])}`);
    expect(done.json).toMatchObject({ status: 'completed', result: { object: 'chat.completion', extra_fields: { provider: 'openai' } } });
  });
});
