/**
 * Gemini files and batches through the unified API: the resumable upload protocol, the download
 * endpoint, batch mode requests, and Gemini's operations converted to the canonical batch.
 */
import { describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { expectBifrostError, postJson, providerAt, toJsonReply, useTestbed } from '../gateway/gateway-harness.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { geminiResponse, installGeminiResourceMock, type GeminiResourceState, type JsonObject } from './provider-resource-mocks.js';

const GEMINI_KEY = 'gemini-resource-key';
const testbed = useTestbed();

interface Setup {
  gateway: RunningGateway;
  upstream: MockUpstream;
  gemini: GeminiResourceState;
}

async function setup(): Promise<Setup> {
  const upstream = await testbed.mock();
  const gemini = installGeminiResourceMock(upstream, GEMINI_KEY);
  const gateway = await testbed.gateway({ providers: { gemini: providerAt(upstream.url, { keys: [{ name: 'g', models: ['*'], value: GEMINI_KEY }] }) } });
  return { gateway, upstream, gemini };
}

async function uploadText(gateway: RunningGateway, text: string, filename: string, type: string): Promise<JsonObject> {
  const form = new FormData();
  form.append('provider', 'gemini');
  form.append('file', new Blob([text], { type }), filename);
  const res = await fetch(`${gateway.url}/v1/files`, { method: 'POST', body: form });
  const reply = await toJsonReply(res);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as JsonObject;
}

async function getJson(gateway: RunningGateway, path: string, init: RequestInit = {}): Promise<JsonObject> {
  const reply = await toJsonReply(await fetch(`${gateway.url}${path}`, init));
  expect(reply.status, reply.text).toBe(200);
  return reply.json as JsonObject;
}

describe('Gemini files', () => {
  it('uploads with the resumable protocol: start announces size and type, then the bytes are finalized at the upload URL', async () => {
    const { gateway, upstream, gemini } = await setup();
    const text = '{"key":"a","request":{"contents":[{"parts":[{"text":"hi"}]}]}}\n';
    const file = await uploadText(gateway, text, 'requests.jsonl', 'application/jsonl');

    const [start, finalize] = upstream.requests.filter((r) => r.path === '/upload/v1beta/files');
    expect(start!.headers).toMatchObject({
      'x-goog-api-key': GEMINI_KEY,
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(Buffer.byteLength(text)),
      'x-goog-upload-header-content-type': 'application/jsonl',
    });
    expect(start!.json).toEqual({ file: { display_name: 'requests.jsonl' } });
    expect(finalize!.query.get('upload_id')).toBeTruthy();
    expect(finalize!.headers).toMatchObject({
      'x-goog-upload-command': 'upload, finalize',
      'x-goog-upload-offset': '0',
      'content-length': String(Buffer.byteLength(text)),
    });
    expect(finalize!.bodyText).toBe(text);

    const stored = [...gemini.files.keys()][0]!;
    expect(file).toMatchObject({
      id: stored,
      object: 'file',
      bytes: Buffer.byteLength(text),
      filename: 'requests.jsonl',
      status: 'processed',
      mime_type: 'application/jsonl',
      created_at: 1_735_689_600,
      expires_at: 1_735_862_400,
      extra_fields: { request_type: 'file_upload', provider: 'gemini' },
    });
  });

  it('lists, retrieves, downloads and deletes files by their bare id', async () => {
    const { gateway, upstream, gemini } = await setup();
    const file = await uploadText(gateway, 'hello gemini', 'note.txt', 'text/plain');
    const id = String(file['id']);

    const list = await getJson(gateway, '/v1/files?provider=gemini&limit=10&after=tok');
    expect((list['data'] as JsonObject[]).map((f) => f['id'])).toEqual([id]);
    expect(list).toMatchObject({ has_more: true, after: 'page-2' });
    const listed = upstream.requests.find((r) => r.path === '/v1beta/files')!;
    expect(Object.fromEntries(listed.query)).toEqual({ pageSize: '10', pageToken: 'tok' });

    expect(await getJson(gateway, `/v1/files/files%2F${id}`, { headers: { 'x-model-provider': 'gemini' } })).toMatchObject({ id, filename: 'note.txt' });

    const content = await fetch(`${gateway.url}/openai/v1/files/${id}/content?provider=gemini`);
    expect(content.headers.get('content-type')).toBe('text/plain');
    expect(await content.text()).toBe('hello gemini');
    expect(upstream.requests.at(-1)!.path).toBe(`/download/v1beta/files/${id}:download`);

    const deleted = await toJsonReply(await fetch(`${gateway.url}/v1/files/${id}?provider=gemini`, { method: 'DELETE' }));
    expect(deleted.json).toMatchObject({ id, object: 'file', deleted: true });
    expect(gemini.files.size).toBe(0);
  });

  it('passes Gemini’s 404 for an unknown file through', async () => {
    const { gateway } = await setup();
    const err = expectBifrostError(await toJsonReply(await fetch(`${gateway.url}/v1/files/nope?provider=gemini`)), 404);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe('File files/nope not found.');
  });
});

describe('Gemini batches', () => {
  it('creates an inline batch: chat requests become GenerateContent requests keyed by custom_id', async () => {
    const { gateway, gemini, upstream } = await setup();
    const reply = await postJson(gateway, '/v1/batches', {
      model: 'gemini/gemini-2.5-flash',
      metadata: { display_name: 'nightly' },
      requests: [
        {
          custom_id: 'one',
          body: {
            messages: [
              { role: 'system', content: 'Be terse' },
              { role: 'user', content: 'Hi' },
            ],
            max_tokens: 16,
          },
        },
        { custom_id: 'two', params: { contents: [{ role: 'user', parts: [{ text: 'native' }] }] } },
      ],
    });
    expect(reply.status, reply.text).toBe(200);
    expect(upstream.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:batchGenerateContent');
    const batch = gemini.created[0]!['batch'] as JsonObject;
    expect(batch['display_name']).toBe('nightly');
    const items = ((batch['input_config'] as JsonObject)['requests'] as JsonObject)['requests'] as JsonObject[];
    expect(items.map((i) => i['metadata'])).toEqual([{ key: 'one' }, { key: 'two' }]);
    expect(items[0]!['request']).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'Be terse' }] },
      generationConfig: { maxOutputTokens: 16 },
    });
    expect(items[1]!['request']).toEqual({ contents: [{ role: 'user', parts: [{ text: 'native' }] }] });

    const id = [...gemini.batches.keys()][0]!;
    expect(reply.json).toMatchObject({
      id,
      object: 'batch',
      status: 'validating',
      operation_name: `batches/${id}`,
      model: 'gemini-2.5-flash',
      request_counts: { total: 2, pending: 2, completed: 0, failed: 0 },
      extra_fields: { request_type: 'batch_create', provider: 'gemini', model_requested: 'gemini-2.5-flash' },
    });
  });

  it('creates a batch from an uploaded file', async () => {
    const { gateway, gemini } = await setup();
    const reply = await postJson(gateway, '/v1/batches', { provider: 'gemini', model: 'gemini-2.5-pro', input_file_id: 'abc123' });
    expect(reply.status, reply.text).toBe(200);
    expect((gemini.created[0]!['batch'] as JsonObject)['input_config']).toEqual({ file_name: 'files/abc123' });
  });

  it('needs a model to create a batch', async () => {
    const { gateway } = await setup();
    const err = expectBifrostError(await postJson(gateway, '/v1/batches', { provider: 'gemini', input_file_id: 'abc123' }), 400);
    expect(err.error.param).toBe('model');
  });

  it('cancels a batch and answers with the batch as it now stands', async () => {
    const { gateway, gemini, upstream } = await setup();
    await postJson(gateway, '/v1/batches', { model: 'gemini/gemini-2.5-flash', input_file_id: 'f1' });
    const id = [...gemini.batches.keys()][0]!;
    const reply = await toJsonReply(
      await fetch(`${gateway.url}/v1/batches/${id}/cancel?provider=gemini`, { method: 'POST', headers: { 'x-bf-eh-x-trace-id': 'trace-7' } }),
    );
    expect(reply.json).toMatchObject({ id, status: 'cancelled', done: true });
    expect(upstream.requests.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v1beta/batches/${id}:cancel`, `GET /v1beta/batches/${id}`]);
    // Both steps of the chained call go out with the caller's forwarded header.
    expect(upstream.requests.slice(-2).map((r) => r.headers['x-trace-id'])).toEqual(['trace-7', 'trace-7']);

    const list = await getJson(gateway, '/v1/batches?provider=gemini');
    expect((list['data'] as JsonObject[]).map((b) => [b['id'], b['status']])).toEqual([[id, 'cancelled']]);
  });

  it('reads the results of an inline batch from the finished operation, as chat completions', async () => {
    const { gateway, gemini } = await setup();
    await postJson(gateway, '/v1/batches', {
      model: 'gemini/gemini-2.5-flash',
      requests: [{ custom_id: 'one', body: { messages: [{ role: 'user', content: 'x' }] } }],
    });
    const id = [...gemini.batches.keys()][0]!;
    const pending = expectBifrostError(await toJsonReply(await fetch(`${gateway.url}/v1/batches/${id}/results?provider=gemini`)), 400);
    expect(pending.error.message).toMatch(/no results yet/);

    gemini.succeedInline(id, [{ key: 'one', text: 'Hello!' }]);
    const retrieved = await getJson(gateway, `/v1/batches/${id}?provider=gemini`);
    expect(retrieved).toMatchObject({ status: 'completed', completed_at: 1_735_696_800, request_counts: { total: 1, succeeded: 1, completed: 1 } });

    const results = await getJson(gateway, `/v1/batches/${id}/results?provider=gemini`);
    expect(results['batch_id']).toBe(id);
    const [item] = results['results'] as Array<{ custom_id: string; response: { status_code: number; body: JsonObject } }>;
    expect(item!.custom_id).toBe('one');
    expect(item!.response.status_code).toBe(200);
    expect(item!.response.body).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
    });
  });

  it('reads the results of a file batch from its responses file, line by line, reporting bad lines', async () => {
    const { gateway, gemini, upstream } = await setup();
    await postJson(gateway, '/v1/batches', { model: 'gemini/gemini-2.5-flash', input_file_id: 'in' });
    const id = [...gemini.batches.keys()][0]!;
    const lines = [
      JSON.stringify({ key: 'a', response: geminiResponse('first') }),
      'garbage',
      JSON.stringify({ key: 'b', error: { code: 400, message: 'bad request' } }),
    ];
    gemini.succeedWithFile(id, lines.join('\n'));

    const batch = await getJson(gateway, `/v1/batches/${id}?provider=gemini`);
    expect(batch).toMatchObject({ status: 'completed', output_file_id: `batch-${id}-out`, request_counts: { total: 3, succeeded: 2, failed: 1 } });

    const results = await getJson(gateway, `/v1/batches/${id}/results?provider=gemini`);
    expect(upstream.requests.at(-1)!.path).toBe(`/download/v1beta/files/batch-${id}-out:download`);
    const items = results['results'] as JsonObject[];
    expect(items.map((i) => i['custom_id'])).toEqual(['a', 'b']);
    expect(items[1]).toEqual({ custom_id: 'b', error: { code: '400', message: 'bad request' } });
    expect((results['extra_fields'] as JsonObject)['parse_errors']).toEqual([{ line: 2, message: expect.stringMatching(/^line 2 is not JSON/) }]);
  });
});
