/**
 * `x-bf-async: true` / `x-bf-async-id` on the OpenAI SDK routes, driven by the official `openai`
 * SDK: submitting answers an empty object of the route's type whose id is the job id; polling
 * answers it empty while the job runs, the full result once done, the BifrostError if it failed.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../support/fixtures.js';
import { replyFixtureJson } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { jobRows, useAsyncTestbed, waitFor, withoutLatency } from './async-harness.js';
import type { JsonObject } from './async-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Say hello' }] };
const SUBMIT = { headers: { 'x-bf-async': 'true' } };

function client(baseURL: string, apiKey = 'sk-bf-client-a'): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 10_000 });
}

function pollOptions(id: string): { headers: Record<string, string> } {
  return { headers: { 'x-bf-async-id': id } };
}

/** A mock chat/responses upstream that holds requests until released. */
function heldUpstream(mock: MockUpstream): { release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  mock.on('POST', '/v1/chat/completions', async (_req, res) => {
    await held;
    replyFixtureJson(res, 'openai/chat/openai-text.json');
  });
  mock.on('POST', '/v1/responses', async (_req, res) => {
    await held;
    replyFixtureJson(res, 'openai/responses/openai-pdf-input-file.1.json');
  });
  return { release };
}

/** Calls `poll` until `done` says so (bounded). */
async function pollUntil<T>(poll: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await poll();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error('async job did not finish in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('x-bf-async headers with the openai SDK', () => {
  const bed = useAsyncTestbed();

  it('chat.completions: submit gives empty choices and the job id; polls stay empty while it runs, then give the sync result', async () => {
    const mock = await bed.mock();
    const upstream = heldUpstream(mock);
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const openai = client(`${gateway.url}/openai/v1`);

    const submitted = await openai.chat.completions.create(CHAT, SUBMIT);
    expect(submitted.id).toMatch(UUID);
    expect(submitted.object).toBe('chat.completion');
    expect(submitted.choices).toEqual([]);
    expect(submitted.model).toBe('gpt-4o-mini');
    expect((submitted as unknown as JsonObject)['extra_fields']).toMatchObject({
      request_type: 'chat_completion',
      provider: 'openai',
      model_requested: 'gpt-4o-mini',
      async_job: { id: submitted.id, status: 'pending' },
    });

    await waitFor('the job to reach the upstream', () => mock.requests.length === 1);
    const running = await openai.chat.completions.create(CHAT, pollOptions(submitted.id));
    expect(running.id).toBe(submitted.id);
    expect(running.choices).toEqual([]);
    expect((running as unknown as JsonObject)['extra_fields']).toMatchObject({ async_job: { status: 'processing' } });

    upstream.release();
    const done = await pollUntil(
      () => openai.chat.completions.create(CHAT, pollOptions(submitted.id)),
      (r) => r.choices.length > 0,
    );
    const sync = await openai.chat.completions.create(CHAT);
    const fixture = readJsonBody('openai/chat/openai-text.json') as JsonObject;
    expect(done.id).toBe(fixture['id']);
    expect(done.choices[0]?.message.content).toBe(sync.choices[0]?.message.content);
    expect(withoutLatency(done)).toEqual(withoutLatency(sync));
    expect(mock.requests).toHaveLength(2);
  });

  it('responses: submit gives the job id with status pending and no output; polling ends with the full response', async () => {
    const mock = await bed.mock();
    const upstream = heldUpstream(mock);
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const openai = client(`${gateway.url}/openai/v1`);
    const body = { model: 'gpt-4o-mini', input: 'Summarise the PDF' };

    const submitted = await openai.responses.create(body, SUBMIT);
    expect(submitted.id).toMatch(UUID);
    expect(submitted.object).toBe('response');
    expect(submitted.status).toBe('pending');
    expect(submitted.output).toEqual([]);

    upstream.release();
    const done = await pollUntil(
      () => openai.responses.create(body, pollOptions(submitted.id)),
      (r) => r.output.length > 0,
    );
    const fixture = readJsonBody('openai/responses/openai-pdf-input-file.1.json') as JsonObject;
    expect(done.id).toBe(fixture['id']);
    expect(done.status).toBe('completed');
    expect(done.output_text).toBe((await openai.responses.create(body)).output_text);
  });

  it('a failed job is answered as the upstream error, with its status, through the SDK', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, 'openai/chat/reasoning-model-legacy-parameter-error.json', 400));
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const openai = client(`${gateway.url}/openai/v1`);
    const body = { ...CHAT, max_tokens: 20 };

    const submitted = await openai.chat.completions.create(body, SUBMIT);
    expect(submitted.choices).toEqual([]);
    const upstreamError = readJsonBody('openai/chat/reasoning-model-legacy-parameter-error.json') as { error: JsonObject };
    const failure = await pollUntil(
      () =>
        openai.chat.completions.create(body, pollOptions(submitted.id)).then(
          () => undefined,
          (err: unknown) => err,
        ),
      (err) => err !== undefined,
    );
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = failure as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain(String(upstreamError.error['message']));
    expect(apiError.param).toBe('max_tokens');
  });

  it('another credential polling the job id gets 404, as does an unknown id', async () => {
    const mock = await bed.mock();
    heldUpstream(mock).release();
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const owner = client(`${gateway.url}/openai/v1`, 'sk-bf-client-a');
    const stranger = client(`${gateway.url}/openai/v1`, 'sk-bf-client-b');
    const submitted = await owner.chat.completions.create(CHAT, SUBMIT);
    await pollUntil(
      () => owner.chat.completions.create(CHAT, pollOptions(submitted.id)),
      (r) => r.choices.length > 0,
    );

    await expect(stranger.chat.completions.create(CHAT, pollOptions(submitted.id))).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(owner.chat.completions.create(CHAT, pollOptions('00000000-0000-0000-0000-000000000000'))).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(owner.responses.create({ model: 'gpt-4o-mini', input: 'x' }, pollOptions(submitted.id))).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('x-bf-async with stream: true is a 400, and on embeddings x-bf-async is a 400; no job is stored', async () => {
    const mock = await bed.mock();
    const appDir = bed.appDir();
    const gateway = await bed.gateway(appDir, mock.url);
    const openai = client(`${gateway.url}/openai`);
    await expect(openai.chat.completions.create({ ...CHAT, stream: true }, SUBMIT)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('stream is not supported for async requests'),
    });
    await expect(openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' }, SUBMIT)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('x-bf-async'),
    });
    expect(jobRows(appDir)).toEqual([]);
    expect(mock.requests).toHaveLength(0);
  });
});
