/**
 * `/v1/async/audio/speech` and `/v1/async/images/generations` (also under `/openai/v1/async` and
 * `/openai/async`): 202 with the job, 202 while it runs, 200 with the result once done. An image job
 * keeps the JSON the sync route answers; a speech job keeps Bifrost's speech response, the audio
 * as base64 in `audio`, up to 25 MB.
 */
import { describe, expect, it } from 'vitest';
import { mp3LikeBytes } from '../support/audio-bytes.js';
import { replyBytes, replyJson } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { expectBifrostError, getJson, jobRows, pollUntilDone, postJson, useAsyncTestbed, waitFor, withoutLatency } from './async-harness.js';
import type { JsonObject } from './async-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AUDIO = mp3LikeBytes(48 * 1024);
/** Seven characters, eleven UTF-8 bytes: `input_chars` counts characters. */
const SPOKEN = 'Grüße 👋';
const SPEECH_BODY: JsonObject = { model: 'openai/tts-1', input: SPOKEN, voice: 'alloy' };
const IMAGE_BODY: JsonObject = { model: 'openai/dall-e-3', prompt: 'A watercolor lighthouse at dawn', size: '1024x1024' };

/** OpenAI's answer for dall-e-3 (a URL and the prompt it rewrote). */
const DALL_E_RESPONSE = {
  created: 1_745_325_600,
  data: [
    {
      revised_prompt: 'A delicate watercolor painting of a white lighthouse on a rocky coast at dawn, with soft pink and orange light.',
      url: 'https://oaidalleapiprodscus.blob.core.windows.net/private/org-Xq/user-Yz/img-8bE3.png?st=2025-04-22T11%3A00%3A00Z&sig=abc',
    },
  ],
};

function serveSpeech(mock: MockUpstream, audio: Buffer = AUDIO): void {
  mock.on('POST', '/v1/audio/speech', (_req, res) => replyBytes(res, audio, 'audio/mpeg', { splitEvery: 16 * 1024 }));
}

function serveImages(mock: MockUpstream): void {
  mock.on('POST', '/v1/images/generations', (_req, res) => replyJson(res, 200, DALL_E_RESPONSE));
}

describe('async speech and image generation', () => {
  const bed = useAsyncTestbed();

  it("speech: 202 with a pending job, then 200 with the audio as base64 in Bifrost's speech response", async () => {
    const mock = await bed.mock();
    serveSpeech(mock);
    const gateway = await bed.gateway(bed.appDir(), mock.url);

    const submitted = await postJson(`${gateway.url}/v1/async/audio/speech`, { ...SPEECH_BODY, response_format: 'mp3' });
    expect(submitted.status).toBe(202);
    expect(submitted.json).toMatchObject({ id: expect.stringMatching(UUID), status: 'pending' });

    const done = await pollUntilDone(`${gateway.url}/v1/async/audio/speech/${String(submitted.json['id'])}`);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ id: submitted.json['id'], status: 'completed', status_code: 200 });
    const result = done.json['result'] as JsonObject;
    expect(Buffer.from(String(result['audio']), 'base64').equals(AUDIO)).toBe(true);
    expect(result['usage']).toEqual({ input_tokens: 0, input_chars: 7, output_tokens: 0, total_tokens: 0 });
    expect(result['response_format']).toBe('mp3');
    expect(result['extra_fields']).toEqual({
      request_type: 'speech',
      provider: 'openai',
      model_requested: 'tts-1',
      latency: expect.any(Number),
      chunk_index: 0,
    });
    expect(mock.requests.map((r) => r.json)).toEqual([{ model: 'tts-1', input: SPOKEN, voice: 'alloy', response_format: 'mp3' }]);
  });

  it('speech served by a fallback names the fallback model in extra_fields', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/audio/speech', (req, res) => {
      const model = (mock.requests.at(-1)?.json as JsonObject | undefined)?.['model'];
      if (model === 'tts-1') return replyJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } });
      return replyBytes(res, AUDIO, 'audio/mpeg');
    });
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const submitted = await postJson(`${gateway.url}/v1/async/audio/speech`, { ...SPEECH_BODY, fallbacks: ['openai/tts-1-hd'] });
    const done = await pollUntilDone(`${gateway.url}/v1/async/audio/speech/${String(submitted.json['id'])}`);
    expect(done.json).toMatchObject({ status: 'completed' });
    const result = done.json['result'] as JsonObject;
    expect(Buffer.from(String(result['audio']), 'base64').equals(AUDIO)).toBe(true);
    expect(result['extra_fields']).toMatchObject({ provider: 'openai', model_requested: 'tts-1-hd' });
    expect(mock.requests.map((r) => (r.json as JsonObject)['model'])).toEqual(['tts-1', 'tts-1-hd']);
  });

  it('speech: a poll answers 202 while the job runs', async () => {
    const mock = await bed.mock();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    mock.on('POST', '/v1/audio/speech', async (_req, res) => {
      await held;
      await replyBytes(res, AUDIO, 'audio/mpeg');
    });
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const submitted = await postJson(`${gateway.url}/v1/async/audio/speech`, SPEECH_BODY);
    const url = `${gateway.url}/v1/async/audio/speech/${String(submitted.json['id'])}`;

    await waitFor('the job to reach the upstream', () => mock.requests.length === 1);
    const running = await getJson(url);
    expect(running.status).toBe(202);
    expect(running.json).toMatchObject({ status: 'processing' });

    release();
    const done = await pollUntilDone(url);
    expect(done.json['status']).toBe('completed');
  });

  it.each(['/openai/v1/async', '/openai/async'])('speech on %s takes a bare model as an openai one', async (prefix) => {
    const mock = await bed.mock();
    serveSpeech(mock);
    const gateway = await bed.gateway(bed.appDir(), mock.url);

    const submitted = await postJson(`${gateway.url}${prefix}/audio/speech`, { ...SPEECH_BODY, model: 'gpt-4o-mini-tts' });
    expect(submitted.status).toBe(202);
    const done = await pollUntilDone(`${gateway.url}${prefix}/audio/speech/${String(submitted.json['id'])}`);

    const result = done.json['result'] as JsonObject;
    expect(Buffer.from(String(result['audio']), 'base64').equals(AUDIO)).toBe(true);
    expect(result['extra_fields']).toMatchObject({ provider: 'openai', model_requested: 'gpt-4o-mini-tts' });
    expect(result['response_format']).toBe('mp3');
  });

  it.each([
    ['/v1/async', IMAGE_BODY],
    ['/openai/v1/async', { ...IMAGE_BODY, model: 'dall-e-3' }],
    ['/openai/async', { ...IMAGE_BODY, model: 'dall-e-3' }],
  ])('images on %s: 202, then 200 with the same result the sync route gives', async (prefix, body) => {
    const mock = await bed.mock();
    serveImages(mock);
    const gateway = await bed.gateway(bed.appDir(), mock.url);

    const sync = await postJson(`${gateway.url}/v1/images/generations`, IMAGE_BODY);
    expect(sync.status).toBe(200);
    expect(sync.json['data']).toEqual(DALL_E_RESPONSE.data);

    const submitted = await postJson(`${gateway.url}${prefix}/images/generations`, body);
    expect(submitted.status).toBe(202);
    const done = await pollUntilDone(`${gateway.url}${prefix}/images/generations/${String(submitted.json['id'])}`);

    expect(done.json).toMatchObject({ status: 'completed', status_code: 200 });
    expect(withoutLatency(done.json['result'])).toEqual(withoutLatency(sync.json));
    expect(mock.requests.map((r) => r.json)).toEqual([
      { model: 'dall-e-3', prompt: IMAGE_BODY['prompt'], size: '1024x1024' },
      { model: 'dall-e-3', prompt: IMAGE_BODY['prompt'], size: '1024x1024' },
    ]);
  });

  it('audio larger than 25 MB fails the job with a clear error instead of storing it', async () => {
    const mock = await bed.mock();
    const tooLarge = Buffer.alloc(25 * 1024 * 1024 + 64 * 1024, 0x55);
    mock.on('POST', '/v1/audio/speech', (_req, res) => replyBytes(res, tooLarge, 'audio/wav', { splitEvery: 1024 * 1024 }));
    const gateway = await bed.gateway(bed.appDir(), mock.url);

    const submitted = await postJson(`${gateway.url}/v1/async/audio/speech`, { ...SPEECH_BODY, response_format: 'wav' });
    const done = await pollUntilDone(`${gateway.url}/v1/async/audio/speech/${String(submitted.json['id'])}`);

    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'failed',
      status_code: 413,
      error: {
        is_bifrost_error: true,
        error: { code: 'async_result_too_large', message: expect.stringContaining('25 MB') },
        extra_fields: { provider: 'openai', request_type: 'speech' },
      },
    });
    expect(done.json).not.toHaveProperty('result');
  });

  it('an upstream speech error fails the job with the BifrostError the sync route gives', async () => {
    const mock = await bed.mock();
    mock.on('POST', '/v1/audio/speech', (_req, res) =>
      replyJson(res, 400, { error: { message: "Invalid value: 'robot'.", type: 'invalid_request_error', param: 'voice', code: 'invalid_value' } }),
    );
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const body = { ...SPEECH_BODY, voice: 'robot' };

    const sync = await postJson(`${gateway.url}/v1/audio/speech`, body);
    expect(sync.status).toBe(400);
    const submitted = await postJson(`${gateway.url}/v1/async/audio/speech`, body);
    const done = await pollUntilDone(`${gateway.url}/v1/async/audio/speech/${String(submitted.json['id'])}`);

    expect(done.json).toMatchObject({
      status: 'failed',
      status_code: 400,
      error: { is_bifrost_error: false, error: { message: "Invalid value: 'robot'.", param: 'voice' } },
    });
  });

  it.each([
    ['/v1/async/audio/speech', { ...SPEECH_BODY, stream: true }, 'stream'],
    ['/v1/async/audio/speech', { ...SPEECH_BODY, stream_format: 'sse' }, 'stream_format'],
    ['/v1/async/images/generations', { ...IMAGE_BODY, stream: true }, 'stream'],
    ['/openai/v1/async/audio/speech', { model: 'tts-1', input: 'Hi' }, 'voice'],
    ['/openai/async/images/generations', { model: 'dall-e-3' }, 'prompt'],
  ])('%s with %j is a 400 naming %s; no job is stored and nothing goes upstream', async (path, body, param) => {
    const mock = await bed.mock();
    const appDir = bed.appDir();
    const gateway = await bed.gateway(appDir, mock.url);

    const reply = await postJson(`${gateway.url}${path}`, body);

    expectBifrostError(reply, 400);
    expect(reply.json).toMatchObject({ error: { param } });
    expect(jobRows(appDir)).toHaveLength(0);
    expect(mock.requests).toHaveLength(0);
  });

  it("a speech job is not found under the image generation path (a poll names the job's type)", async () => {
    const mock = await bed.mock();
    serveSpeech(mock);
    const gateway = await bed.gateway(bed.appDir(), mock.url);
    const submitted = await postJson(`${gateway.url}/v1/async/audio/speech`, SPEECH_BODY);
    const id = String(submitted.json['id']);
    await pollUntilDone(`${gateway.url}/v1/async/audio/speech/${id}`);

    expectBifrostError(await getJson(`${gateway.url}/v1/async/images/generations/${id}`), 404);
  });
});
