/**
 * Speech to text (`/audio/transcriptions`) through Iris with the official `openai` SDK: the audio is
 * sent on as a multipart upload with the model named as the provider knows it; JSON transcripts come
 * back with `extra_fields`, text/SRT/VTT and event streams as the provider sends them; on `/v1`,
 * `/openai`, `/openai/v1`, Azure deployment paths and groq; providers without the API get a 400.
 * (The shared fixtures hold no transcription recordings, so the mocks answer in OpenAI's documented shapes.)
 */
import { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mp3LikeBytes } from '../support/audio-bytes.js';
import { replyJson, replySse, type MockUpstream, type RecordedRequest } from '../support/mock-upstream.js';
import { parseMultipart } from '../resources/provider-resource-mocks.js';
import { AZURE_API_VERSION, AZURE_DEPLOYMENTS, azureClientFor, extraFieldsOf, onlyRequestTo, openAIClient, startE2EGateway, UPSTREAM_KEYS } from './harness.js';
import type { E2EGateway } from './harness.js';

const SURFACES = [
  { prefix: '/v1', model: (name: string) => `openai/${name}` },
  { prefix: '/openai', model: (name: string) => name },
  { prefix: '/openai/v1', model: (name: string) => name },
] as const;

const AUDIO = mp3LikeBytes(48 * 1024);
const TRANSCRIPT = { text: 'Hello from the recording.', usage: { type: 'duration', seconds: 3 } };
const VERBOSE = {
  task: 'transcribe',
  language: 'english',
  duration: 3.2,
  text: 'Hello from the recording.',
  words: [{ word: 'Hello', start: 0, end: 0.4 }],
  segments: [
    {
      id: 0,
      seek: 0,
      start: 0,
      end: 3.2,
      text: ' Hello from the recording.',
      tokens: [50364],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 0.9,
      no_speech_prob: 0.01,
    },
  ],
};

let env: E2EGateway;
let openaiMock: MockUpstream;

beforeAll(async () => {
  env = await startE2EGateway(['openai', 'azure', 'groq', 'xai']);
  openaiMock = env.mock('openai');
});
afterEach(() => env.resetMocks());
afterAll(async () => {
  await env?.close();
});

/** A transcription route that checks the upload and answers by `response_format`. */
function serveTranscription(mock: MockUpstream, path: string): void {
  mock.on('POST', path, async (req, res) => {
    const form = await parseMultipart(req);
    const file = form.files.find((f) => f.field === 'file');
    if (!file || !file.data.equals(AUDIO))
      return replyJson(res, 400, { error: { message: 'audio did not arrive intact', type: 'invalid_request_error', param: 'file', code: null } });
    const format = form.fields['response_format'] ?? 'json';
    if (format === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${TRANSCRIPT.text}\n`);
      return;
    }
    if (format === 'srt') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('1\n00:00:00,000 --> 00:00:03,200\nHello from the recording.\n\n');
      return;
    }
    replyJson(res, 200, format === 'verbose_json' ? VERBOSE : TRANSCRIPT);
  });
}

async function uploadedForm(req: RecordedRequest) {
  return parseMultipart(req);
}

describe.each(SURFACES)('OpenAI SDK audio.transcriptions.create on $prefix', ({ prefix, model }) => {
  it('sends the audio and fields on, and answers the JSON transcript with extra_fields', async () => {
    serveTranscription(openaiMock, '/v1/audio/transcriptions');
    const client = openAIClient(`${env.url}${prefix}`);

    const result = await client.audio.transcriptions.create({
      file: await toFile(AUDIO, 'hello.mp3'),
      model: model('whisper-1'),
      language: 'en',
      temperature: 0,
    });

    expect(result.text).toBe(TRANSCRIPT.text);
    expect(extraFieldsOf(result)).toMatchObject({ provider: 'openai', model_requested: 'whisper-1', request_type: 'transcription' });
    const upstream = onlyRequestTo(openaiMock, '/v1/audio/transcriptions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
    const form = await uploadedForm(upstream);
    expect(form.fields).toMatchObject({ model: 'whisper-1', language: 'en', temperature: '0' });
    expect(form.files[0]).toMatchObject({ field: 'file', filename: 'hello.mp3' });
  });

  it('passes text and SRT transcripts on as the provider sends them', async () => {
    serveTranscription(openaiMock, '/v1/audio/transcriptions');
    const client = openAIClient(`${env.url}${prefix}`);

    const text = await client.audio.transcriptions.create({ file: await toFile(AUDIO, 'a.mp3'), model: model('whisper-1'), response_format: 'text' });
    expect(text).toBe(`${TRANSCRIPT.text}\n`);
    const srt = await client.audio.transcriptions.create({ file: await toFile(AUDIO, 'a.mp3'), model: model('whisper-1'), response_format: 'srt' });
    expect(srt).toContain('00:00:00,000 --> 00:00:03,200');
  });
});

describe('transcriptions: formats, streams and other providers', () => {
  it('verbose_json keeps words and segments', async () => {
    serveTranscription(openaiMock, '/v1/audio/transcriptions');
    const result = await openAIClient(`${env.url}/v1`).audio.transcriptions.create({
      file: await toFile(AUDIO, 'a.mp3'),
      model: 'openai/whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(result).toMatchObject({ language: 'english', duration: 3.2, words: VERBOSE.words });
    const sent = onlyRequestTo(openaiMock, '/v1/audio/transcriptions').bodyText;
    expect(sent.match(/name="timestamp_granularities\[\]"/g), 'both granularities go upstream').toHaveLength(2);
    expect(sent).toMatch(/name="timestamp_granularities\[\]"\r\n\r\nword\r\n/);
    expect(sent).toMatch(/name="timestamp_granularities\[\]"\r\n\r\nsegment\r\n/);
    expect(result.segments?.[0]?.text).toBe(' Hello from the recording.');
  });

  it('stream=true passes the provider event stream on as it arrives', async () => {
    const events =
      'data: {"type":"transcript.text.delta","delta":"Hello"}\n\n' +
      'data: {"type":"transcript.text.done","text":"Hello","usage":{"type":"tokens","input_tokens":14,"output_tokens":2,"total_tokens":16}}\n\n';
    openaiMock.on('POST', '/v1/audio/transcriptions', (_req, res) => replySse(res, events));
    const form = new FormData();
    form.append('model', 'openai/gpt-4o-mini-transcribe');
    form.append('stream', 'true');
    form.append('file', new Blob([AUDIO]), 'a.mp3');

    const res = await fetch(`${env.url}/v1/audio/transcriptions`, { method: 'POST', body: form });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(events);
    expect((await uploadedForm(onlyRequestTo(openaiMock, '/v1/audio/transcriptions'))).fields).toMatchObject({
      model: 'gpt-4o-mini-transcribe',
      stream: 'true',
    });
  });

  it('groq transcribes at its OpenAI-compatible path', async () => {
    const groq = env.mock('groq');
    serveTranscription(groq, '/v1/audio/transcriptions');
    const result = await openAIClient(`${env.url}/v1`).audio.transcriptions.create({ file: await toFile(AUDIO, 'a.mp3'), model: 'groq/whisper-large-v3' });
    expect(result.text).toBe(TRANSCRIPT.text);
    expect(onlyRequestTo(groq, '/v1/audio/transcriptions').headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.groq}`);
  });

  it('AzureOpenAI transcribes at the deployment path with the api-key and api-version', async () => {
    const azure = env.mock('azure');
    const deployment = AZURE_DEPLOYMENTS['gpt-4o-mini']!;
    serveTranscription(azure, `/openai/deployments/${deployment}/audio/transcriptions`);
    const result = await azureClientFor(env.url).audio.transcriptions.create({ file: await toFile(AUDIO, 'a.mp3'), model: deployment });
    expect(result.text).toBe(TRANSCRIPT.text);
    const upstream = onlyRequestTo(azure, `/openai/deployments/${deployment}/audio/transcriptions`);
    expect(upstream.query.get('api-version')).toBe(AZURE_API_VERSION);
    expect(upstream.headers['api-key']).toBe(UPSTREAM_KEYS.azure);
  });

  it.each([
    [{ file: true }, 'model'],
    [{ model: 'openai/whisper-1' }, 'file'],
    [{ model: 'xai/whisper-1', file: true }, 'provider'],
  ] as const)('refuses a form with %o as a 400 BifrostError', async (parts, about) => {
    const form = new FormData();
    if ('model' in parts) form.append('model', parts.model);
    if ('file' in parts) form.append('file', new Blob([AUDIO]), 'a.mp3');
    const res = await fetch(`${env.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    const body = (await res.json()) as { is_bifrost_error: boolean; error: { message: string }; extra_fields: Record<string, unknown> };
    expect(res.status).toBe(400);
    expect(body.is_bifrost_error).toBe(true);
    expect(body.error.message).toContain(about === 'provider' ? "provider 'xai' does not support transcription" : `'${about}' is required`);
    expect(body.extra_fields['request_type']).toBe('transcription');
    expect(env.mock('xai').requests).toHaveLength(0);
    expect(openaiMock.requests).toHaveLength(0);
  });

  it('refuses a JSON body with a 415 that names multipart/form-data', async () => {
    const res = await fetch(`${env.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"openai/whisper-1"}',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('multipart/form-data');
  });
});
