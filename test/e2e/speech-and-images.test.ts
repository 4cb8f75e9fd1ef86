/**
 * Text to speech (`/audio/speech`) and image generation (`/images/generations`) through Iris with
 * the official `openai` SDK: speech answers with the upstream's audio bytes and content type,
 * images with the upstream JSON plus `extra_fields`; on `/v1`, `/openai`, `/openai/v1` and Azure
 * deployment paths; providers without the API are refused with a 400 BifrostError.
 * (The shared fixtures hold no speech or image recordings, so the mocks answer in OpenAI's documented shapes.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { mp3LikeBytes } from '../support/audio-bytes.js';
import { startTestGateway } from '../support/test-gateway.js';
import { replyBytes, replyJson, replySse, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import {
  AZURE_API_VERSION,
  AZURE_DEPLOYMENTS,
  azureClientFor,
  UPSTREAM_KEYS,
  extraFieldsOf,
  jsonBodyOf,
  onlyRequestTo,
  openAIClient,
  postJson,
  startE2EGateway,
} from './harness.js';
import type { E2EGateway } from './harness.js';

/** Each OpenAI-shaped surface and how a caller names an OpenAI model on it. */
const SURFACES = [
  { prefix: '/v1', model: (name: string) => `openai/${name}` },
  { prefix: '/openai', model: (name: string) => name },
  { prefix: '/openai/v1', model: (name: string) => name },
] as const;

/** A 1×1 PNG, as `b64_json` carries it. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** OpenAI's answer for gpt-image-1 (base64 image, usage in tokens). */
const GPT_IMAGE_RESPONSE = {
  created: 1_745_325_600,
  background: 'opaque',
  data: [{ b64_json: PNG_1X1 }],
  output_format: 'png',
  quality: 'low',
  size: '1024x1024',
  usage: {
    input_tokens: 14,
    input_tokens_details: { image_tokens: 0, text_tokens: 14 },
    output_tokens: 272,
    total_tokens: 286,
  },
};

/** xAI's answer for grok-2-image (a URL and the prompt it rewrote). */
const XAI_IMAGE_RESPONSE = {
  data: [
    {
      url: 'https://imgen.x.ai/xai-imgen/xai-tmp-imgen-6f0a6a2e-2c7d-4b54-9a0f-3c9d3a0c1f5e.jpeg',
      revised_prompt: 'A watercolor painting of a lighthouse on a rocky shore at dawn, soft pastel sky.',
    },
  ],
};

const AUDIO = mp3LikeBytes(96 * 1024);

/** A speech route answering `audio` in pieces, with the content type OpenAI gives the requested format. */
function serveSpeech(mock: MockUpstream, path: string, audio: Buffer = AUDIO): void {
  mock.on('POST', path, (req, res) => {
    const format = jsonBodyOf(req)['response_format'];
    const contentType = format === 'wav' ? 'audio/wav' : 'audio/mpeg';
    return replyBytes(res, audio, contentType, { splitEvery: 8 * 1024 });
  });
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

let env: E2EGateway;
let openaiMock: MockUpstream;

beforeAll(async () => {
  env = await startE2EGateway(['openai', 'azure', 'groq', 'xai', 'mistral']);
  openaiMock = env.mock('openai');
});

afterEach(() => env.resetMocks());

afterAll(async () => {
  await env?.close();
});

describe.each(SURFACES)('OpenAI SDK audio.speech.create on $prefix', ({ prefix, model }) => {
  it('returns the exact upstream audio bytes with the upstream content type, and sends the OpenAI body on', async () => {
    serveSpeech(openaiMock, '/v1/audio/speech');
    const client = openAIClient(`${env.url}${prefix}`);

    const response = await client.audio.speech.create({
      model: model('gpt-4o-mini-tts'),
      input: 'The quick brown fox jumped over the lazy dog.',
      voice: 'coral',
      instructions: 'Speak in a cheerful and positive tone.',
      response_format: 'mp3',
      speed: 1.25,
    });

    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect((await bytesOf(response)).equals(AUDIO)).toBe(true);
    const upstream = onlyRequestTo(openaiMock, '/v1/audio/speech');
    expect(upstream.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'gpt-4o-mini-tts',
      input: 'The quick brown fox jumped over the lazy dog.',
      voice: 'coral',
      instructions: 'Speak in a cheerful and positive tone.',
      response_format: 'mp3',
      speed: 1.25,
    });
  });

  it('keeps the content type of another format (wav)', async () => {
    serveSpeech(openaiMock, '/v1/audio/speech');
    const client = openAIClient(`${env.url}${prefix}`);

    const response = await client.audio.speech.create({ model: model('tts-1'), input: 'Hello', voice: 'alloy', response_format: 'wav' });

    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect((await bytesOf(response)).equals(AUDIO)).toBe(true);
  });
});

describe.each(SURFACES)('OpenAI SDK images.generate on $prefix', ({ prefix, model }) => {
  it('returns the upstream images and usage with extra_fields', async () => {
    openaiMock.on('POST', '/v1/images/generations', (_req, res) => replyJson(res, 200, GPT_IMAGE_RESPONSE));
    const client = openAIClient(`${env.url}${prefix}`);

    const result = await client.images.generate({
      model: model('gpt-image-1'),
      prompt: 'A watercolor lighthouse at dawn',
      n: 1,
      size: '1024x1024',
      quality: 'low',
    });

    expect(result.data?.[0]?.b64_json).toBe(PNG_1X1);
    expect(result.usage).toEqual(GPT_IMAGE_RESPONSE.usage);
    expect(result.created).toBe(GPT_IMAGE_RESPONSE.created);
    expect(extraFieldsOf(result)).toMatchObject({ request_type: 'image_generation', provider: 'openai', model_requested: 'gpt-image-1' });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/images/generations'))).toEqual({
      model: 'gpt-image-1',
      prompt: 'A watercolor lighthouse at dawn',
      n: 1,
      size: '1024x1024',
      quality: 'low',
    });
  });
});

describe('speech and images on other providers', () => {
  it('groq serves speech at its OpenAI-compatible path', async () => {
    const groq = env.mock('groq');
    serveSpeech(groq, '/v1/audio/speech');

    const response = await openAIClient(`${env.url}/v1`).audio.speech.create({ model: 'groq/playai-tts', input: 'Hi', voice: 'Fritz-PlayAI' });

    expect((await bytesOf(response)).equals(AUDIO)).toBe(true);
    expect(onlyRequestTo(groq, '/v1/audio/speech').headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.groq}`);
  });

  it('xai serves image generation', async () => {
    const xai = env.mock('xai');
    xai.on('POST', '/v1/images/generations', (_req, res) => replyJson(res, 200, XAI_IMAGE_RESPONSE));

    const result = await openAIClient(`${env.url}/v1`).images.generate({ model: 'xai/grok-2-image', prompt: 'A lighthouse', response_format: 'url' });

    expect(result.data).toEqual(XAI_IMAGE_RESPONSE.data);
    expect(extraFieldsOf(result)).toMatchObject({ request_type: 'image_generation', provider: 'xai', model_requested: 'grok-2-image' });
  });

  it.each([
    ['/v1/images/generations', { model: 'groq/some-image-model', prompt: 'A lighthouse' }, "provider 'groq' does not support image_generation"],
    ['/v1/audio/speech', { model: 'xai/some-tts', input: 'Hi', voice: 'alloy' }, "provider 'xai' does not support speech"],
    ['/v1/audio/speech', { model: 'mistral/some-tts', input: 'Hi', voice: 'alloy' }, "provider 'mistral' does not support speech"],
  ])('%s on a provider without that API is a 400 BifrostError that never reaches it', async (path, body, message) => {
    const reply = await postJson(`${env.url}${path}`, body);

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ is_bifrost_error: true, status_code: 400, error: { message } });
    for (const provider of ['groq', 'xai', 'mistral'] as const) expect(env.mock(provider).requests).toHaveLength(0);
  });
});

describe('Azure deployments: speech and images', () => {
  const modelName = 'gpt-4o-mini';
  const deployment = AZURE_DEPLOYMENTS[modelName]!;

  const azureClient = () => azureClientFor(env.url);

  it('AzureOpenAI audio.speech.create reaches the deployment path with the api-key and api-version', async () => {
    const azure = env.mock('azure');
    serveSpeech(azure, `/openai/deployments/${deployment}/audio/speech`);

    const response = await azureClient().audio.speech.create({ model: deployment, input: 'Hello', voice: 'alloy' });

    expect((await bytesOf(response)).equals(AUDIO)).toBe(true);
    const upstream = onlyRequestTo(azure, `/openai/deployments/${deployment}/audio/speech`);
    expect(upstream.query.get('api-version')).toBe(AZURE_API_VERSION);
    expect(upstream.headers['api-key']).toBe(UPSTREAM_KEYS.azure);
  });

  it('azure/<model> images on /v1 go to the configured deployment', async () => {
    const azure = env.mock('azure');
    azure.on('POST', `/openai/deployments/${deployment}/images/generations`, (_req, res) => replyJson(res, 200, GPT_IMAGE_RESPONSE));

    const result = await openAIClient(`${env.url}/v1`).images.generate({ model: `azure/${modelName}`, prompt: 'A lighthouse' });

    expect(result.data?.[0]?.b64_json).toBe(PNG_1X1);
    expect(extraFieldsOf(result)).toMatchObject({ provider: 'azure', model_requested: modelName, model_deployment: deployment });
    expect(onlyRequestTo(azure, `/openai/deployments/${deployment}/images/generations`).query.get('api-version')).toBe(AZURE_API_VERSION);
  });
});

describe('speech and images: bad input and upstream errors', () => {
  it.each([
    ['/v1/audio/speech', { model: 'openai/tts-1', input: 'Hello' }, 'voice'],
    ['/v1/audio/speech', { model: 'openai/tts-1', voice: 'alloy' }, 'input'],
    ['/v1/audio/speech', { model: 'openai/tts-1', input: '', voice: 'alloy' }, 'input'],
    ['/v1/audio/speech', { input: 'Hello', voice: 'alloy' }, 'model'],
    ['/v1/images/generations', { model: 'openai/dall-e-3' }, 'prompt'],
    ['/openai/v1/images/generations', { model: 'dall-e-3', prompt: 'A lighthouse', n: 0 }, 'n'],
  ])('%s with %j is a 400 naming %s, and nothing goes upstream', async (path, body, param) => {
    const reply = await postJson(`${env.url}${path}`, body);

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ is_bifrost_error: true, status_code: 400, error: { param } });
    expect(String((reply.json['error'] as Record<string, unknown>)['message'])).toContain(param);
    expect(openaiMock.requests).toHaveLength(0);
  });

  it('speech with stream: true is refused, pointing at stream_format', async () => {
    const reply = await postJson(`${env.url}/v1/audio/speech`, { model: 'openai/tts-1', input: 'Hi', voice: 'alloy', stream: true });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: { param: 'stream', message: expect.stringContaining('stream_format') } });
  });

  it('image generation with stream: true is refused', async () => {
    const reply = await postJson(`${env.url}/v1/images/generations`, { model: 'openai/gpt-image-1', prompt: 'A lighthouse', stream: true });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: { param: 'stream' } });
    expect(openaiMock.requests).toHaveLength(0);
  });

  it('speech with stream_format sse passes the upstream event stream on as it is', async () => {
    const events =
      'data: {"type":"speech.audio.delta","audio":"SUQzBAAAAAAA"}\n\n' +
      'data: {"type":"speech.audio.done","usage":{"input_tokens":4,"output_tokens":28,"total_tokens":32}}\n\n';
    openaiMock.on('POST', '/v1/audio/speech', (_req, res) => replySse(res, events));

    const res = await fetch(`${env.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini-tts', input: 'Hi', voice: 'alloy', stream_format: 'sse' }),
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(events);
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/audio/speech'))['stream_format']).toBe('sse');
  });

  it('an upstream speech error comes back as a BifrostError with the provider status and message', async () => {
    openaiMock.on('POST', '/v1/audio/speech', (_req, res) =>
      replyJson(res, 400, {
        error: {
          message: "Invalid value: 'robot'. Supported values are: 'alloy', 'ash', 'coral'.",
          type: 'invalid_request_error',
          param: 'voice',
          code: 'invalid_value',
        },
      }),
    );

    const reply = await postJson(`${env.url}/openai/v1/audio/speech`, { model: 'tts-1', input: 'Hi', voice: 'robot' });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      is_bifrost_error: false,
      status_code: 400,
      error: { message: expect.stringContaining("Invalid value: 'robot'"), param: 'voice' },
      extra_fields: { provider: 'openai', model_requested: 'tts-1', request_type: 'speech' },
    });
  });

  it('x-bf-async headers are refused on speech (they work on chat completions and responses)', async () => {
    const res = await fetch(`${env.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bf-async': 'true' },
      body: JSON.stringify({ model: 'openai/tts-1', input: 'Hi', voice: 'alloy' }),
    });

    expect(res.status).toBe(400);
    expect(openaiMock.requests).toHaveLength(0);
  });
});

describe('a provider without speech or images (anthropic)', () => {
  let anthropicMock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    anthropicMock = await startMockUpstream();
    gateway = await startTestGateway({
      providers: {
        anthropic: { keys: [{ name: 'a', value: 'sk-ant-e2e', models: ['*'], weight: 1 }], network_config: { base_url: anthropicMock.url } },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await anthropicMock?.close();
  });

  it.each([
    ['/v1/audio/speech', 'speech', { model: 'anthropic/claude-sonnet-4-5', input: 'Hi', voice: 'alloy' }],
    ['/v1/images/generations', 'image_generation', { model: 'anthropic/claude-sonnet-4-5', prompt: 'A lighthouse' }],
    ['/v1/async/audio/speech', 'speech', { model: 'anthropic/claude-sonnet-4-5', input: 'Hi', voice: 'alloy' }],
  ])('%s answers 400: the provider does not support %s', async (path, requestType, body) => {
    const reply = await postJson(`${gateway.url}${path}`, body);

    if (path.includes('/async/')) {
      expect(reply.status).toBe(202);
      const id = String(reply.json['id']);
      const done = await pollJob(`${gateway.url}${path}/${id}`);
      expect(done).toMatchObject({ status: 'failed', status_code: 400, error: { error: { message: `provider 'anthropic' does not support ${requestType}` } } });
    } else {
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({
        is_bifrost_error: true,
        error: { message: `provider 'anthropic' does not support ${requestType}` },
        extra_fields: { provider: 'anthropic', request_type: requestType },
      });
    }
    expect(anthropicMock.requests).toHaveLength(0);
  });
});

/** Polls an async job (with the credential `postJson` submits with) until it is no longer running (bounded). */
async function pollJob(url: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(url, { headers: { authorization: 'Bearer sk-client-key-not-forwarded' } });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 202) return json;
    if (Date.now() > deadline) throw new Error(`job at ${url} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
