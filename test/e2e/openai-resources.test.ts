/**
 * The OpenAI SDK's files, batches, containers and container files through Iris, under every
 * OpenAI-shaped prefix (`/v1`, `/openai/v1`, `/openai`), against a stateful OpenAI mock.
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { ContainerCreateParams } from 'openai/resources/containers/containers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installOpenAIResourceMock, parseMultipart, type OpenAIResourceState } from '../resources/provider-resource-mocks.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { asRecord, extraFieldsOf, openAIClient, startE2EGateway, UPSTREAM_KEYS, type E2EGateway } from './harness.js';

const PREFIXES = ['/v1', '/openai/v1', '/openai'] as const;

let e2e: E2EGateway;
let upstream: MockUpstream;
let openai: OpenAIResourceState;

beforeAll(async () => {
  e2e = await startE2EGateway(['openai']);
});

afterAll(async () => {
  await e2e?.close();
});

beforeEach(() => {
  e2e.resetMocks();
  upstream = e2e.mock('openai');
  openai = installOpenAIResourceMock(upstream, { root: '/v1', authorized: (req) => req.headers['authorization'] === `Bearer ${UPSTREAM_KEYS.openai}` });
});

function client(prefix: string): OpenAI {
  return openAIClient(`${e2e.url}${prefix}`);
}

describe.each(PREFIXES)('files through %s', (prefix) => {
  it('uploads, lists, retrieves, downloads and deletes a file with the upstream key', async () => {
    const sdk = client(prefix);
    const jsonl = '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{}}\n';
    const created = await sdk.files.create({ file: await toFile(Buffer.from(jsonl), 'input.jsonl', { type: 'application/jsonl' }), purpose: 'batch' });
    expect(created).toMatchObject({ object: 'file', filename: 'input.jsonl', purpose: 'batch', bytes: Buffer.byteLength(jsonl) });
    expect(extraFieldsOf(created)).toMatchObject({ request_type: 'file_upload', provider: 'openai' });

    const upload = upstream.requests.find((r) => r.method === 'POST' && r.path === '/v1/files')!;
    expect(upload.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
    const form = await parseMultipart(upload);
    expect(form.fields).toEqual({ purpose: 'batch' });
    expect(form.files[0]).toMatchObject({ field: 'file', filename: 'input.jsonl', contentType: 'application/jsonl' });
    expect(form.files[0]!.data.toString()).toBe(jsonl);

    const listed = await sdk.files.list();
    expect(listed.data.map((f) => f.id)).toEqual([created.id]);
    const retrieved = await sdk.files.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, filename: 'input.jsonl' });
    expect(extraFieldsOf(retrieved)).toMatchObject({ request_type: 'file_retrieve' });

    const content = await sdk.files.content(created.id);
    expect(content.headers.get('content-type')).toBe('application/octet-stream');
    expect(await content.text()).toBe(jsonl);

    const deleted = await sdk.files.delete(created.id);
    expect(deleted).toMatchObject({ id: created.id, deleted: true });
    expect(openai.files.size).toBe(0);
  });
});

describe('the provider form field', () => {
  it('chooses the provider even after the file part, and is not forwarded upstream', async () => {
    const form = new FormData();
    form.append('file', new Blob(['abc']), 'a.txt');
    form.append('purpose', 'user_data');
    form.append('provider', 'openai');
    const res = await fetch(`${e2e.url}/v1/files`, { method: 'POST', body: form, headers: { 'x-model-provider': 'azure' } });
    expect(res.status).toBe(200);
    const received = await parseMultipart(upstream.requests.find((r) => r.method === 'POST')!);
    expect(received.order).toEqual(['purpose', 'file']);
    expect(received.fields).toEqual({ purpose: 'user_data' });
  });
});

describe.each(PREFIXES)('batches through %s', (prefix) => {
  it('creates a batch from an uploaded file and reads it back with the full request counts', async () => {
    const sdk = client(prefix);
    const inputId = openai.addFile('input.jsonl', 'batch', '{"custom_id":"a"}\n');
    const batch = await sdk.batches.create({ input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { team: 'eval' } });
    expect(batch).toMatchObject({
      object: 'batch',
      status: 'validating',
      input_file_id: inputId,
      endpoint: '/v1/chat/completions',
      metadata: { team: 'eval' },
    });
    expect(batch.request_counts).toEqual({ total: 0, completed: 0, failed: 0, succeeded: 0, expired: 0, canceled: 0, pending: 0 });
    expect(extraFieldsOf(batch)).toMatchObject({ request_type: 'batch_create', provider: 'openai' });
    const sent = asRecord(upstream.requests.find((r) => r.method === 'POST' && r.path === '/v1/batches')!.json);
    expect(sent).toEqual({ input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { team: 'eval' } });

    openai.completeBatch(batch.id, '{"custom_id":"a","response":{"status_code":200,"body":{}}}\n', { total: 3, completed: 2, failed: 1 });
    const done = await sdk.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    expect(done.output_file_id).toMatch(/^file-/);
    expect(done.request_counts).toEqual({ total: 3, completed: 2, failed: 1, succeeded: 2, expired: 0, canceled: 0, pending: 0 });

    const page = await sdk.batches.list({ limit: 5 });
    expect(page.data.map((b) => b.id)).toEqual([batch.id]);
    expect(upstream.requests.find((r) => r.method === 'GET' && r.path === '/v1/batches')!.query.get('limit')).toBe('5');

    const cancelled = await sdk.batches.cancel(batch.id);
    expect(cancelled).toMatchObject({ id: batch.id, status: 'cancelling' });
  });
});

describe.each(PREFIXES)('containers through %s', (prefix) => {
  it('creates, retrieves, lists and deletes a container, the provider named in the query', async () => {
    const sdk = client(prefix);
    const params: ContainerCreateParams = { name: 'analysis', expires_after: { anchor: 'last_active_at', minutes: 30 }, memory_limit: '4g' };
    const container = await sdk.containers.create(params, { query: { provider: 'openai' } });
    expect(container).toMatchObject({
      object: 'container',
      name: 'analysis',
      status: 'running',
      memory_limit: '4g',
      expires_after: { anchor: 'last_active_at', minutes: 30 },
    });
    expect(extraFieldsOf(container)).toMatchObject({ request_type: 'container_create', provider: 'openai' });
    const sent = upstream.requests.find((r) => r.method === 'POST' && r.path === '/v1/containers')!;
    expect(sent.json).toEqual(params);
    expect(sent.query.has('provider')).toBe(false);

    expect(await sdk.containers.retrieve(container.id)).toMatchObject({ id: container.id, name: 'analysis' });
    const second = await sdk.containers.create({ name: 'second', ...{ provider: 'openai' } });
    const page = await sdk.containers.list({ limit: 1, order: 'asc' });
    expect(page.data.map((c) => c.id)).toEqual([container.id]);
    expect(page.has_more).toBe(true);
    const after = await sdk.containers.list({ after: container.id, order: 'asc' });
    expect(after.data.map((c) => c.id)).toEqual([second.id]);

    await sdk.containers.delete(container.id);
    expect(openai.containers.has(container.id)).toBe(false);
  });

  it('adds files to a container by upload and by file id, lists them, downloads one and deletes it', async () => {
    const sdk = client(prefix);
    const container = await sdk.containers.create({ name: 'files', ...{ provider: 'openai' } });
    const csv = 'a,b\n1,2\n';
    const uploaded = await sdk.containers.files.create(container.id, { file: await toFile(Buffer.from(csv), 'data.csv', { type: 'text/csv' }) });
    expect(uploaded).toMatchObject({ object: 'container.file', container_id: container.id, path: '/mnt/data/data.csv', bytes: csv.length, source: 'user' });

    const fileId = openai.addFile('notes.txt', 'user_data', 'notes', 'text/plain');
    const copied = await sdk.containers.files.create(container.id, { file_id: fileId });
    expect(copied).toMatchObject({ path: '/mnt/data/notes.txt', bytes: 5 });

    const listed = await sdk.containers.files.list(container.id);
    expect(listed.data.map((f) => f.id).sort()).toEqual([uploaded.id, copied.id].sort());
    expect(await sdk.containers.files.retrieve(uploaded.id, { container_id: container.id })).toMatchObject({ id: uploaded.id });

    const content = await sdk.containers.files.content.retrieve(uploaded.id, { container_id: container.id });
    expect(content.headers.get('content-type')).toBe('text/csv');
    expect(await content.text()).toBe(csv);

    await sdk.containers.files.delete(uploaded.id, { container_id: container.id });
    expect(openai.containerFiles.has(uploaded.id)).toBe(false);
  });
});

describe('batch results', () => {
  it('reads the output file line by line and reports the lines that are not JSON', async () => {
    const sdk = client('/v1');
    const inputId = openai.addFile('input.jsonl', 'batch', '{}\n');
    const batch = await sdk.batches.create({ input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const good = (id: string): string =>
      JSON.stringify({
        id: `batch_req_${id}`,
        custom_id: id,
        response: { status_code: 200, request_id: `req_${id}`, body: { object: 'chat.completion' } },
        error: null,
      });
    openai.completeBatch(batch.id, `${good('a')}\r\n{not json\n${good('b')}\n\n`);

    const res = await fetch(`${e2e.url}/v1/batches/${batch.id}/results`);
    expect(res.status).toBe(200);
    const body = asRecord(await res.json());
    expect(body['batch_id']).toBe(batch.id);
    expect((body['results'] as Array<{ custom_id: string }>).map((r) => r.custom_id)).toEqual(['a', 'b']);
    expect(extraFieldsOf(body)).toMatchObject({
      request_type: 'batch_results',
      provider: 'openai',
      parse_errors: [{ line: 2, message: expect.stringContaining('line 2 is not JSON') }],
    });
  });

  it('refuses with a 400 while the batch has no output yet', async () => {
    const inputId = openai.addFile('input.jsonl', 'batch', '{}\n');
    const batch = await client('/v1').batches.create({ input_file_id: inputId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const res = await fetch(`${e2e.url}/openai/batches/${batch.id}/results`);
    expect(res.status).toBe(400);
    const err = asRecord(await res.json());
    expect(err['is_bifrost_error']).toBe(true);
    expect(asRecord(err['error'])['message']).toContain('status validating');
  });
});

describe('inline batch requests', () => {
  it('uploads inline requests as the JSONL input file, then creates the batch from it', async () => {
    const res = await fetch(`${e2e.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        endpoint: '/v1/chat/completions',
        requests: [
          { custom_id: 'q1', body: { messages: [{ role: 'user', content: 'hi' }] } },
          { custom_id: 'q2', body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'yo' }] } },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const batch = asRecord(await res.json());
    const stored = [...openai.files.values()][0]!;
    expect(stored.object['purpose']).toBe('batch');
    const lines = stored.data
      .toString()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { custom_id: 'q1', method: 'POST', url: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }], model: 'gpt-4o-mini' } },
      { custom_id: 'q2', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'yo' }] } },
    ]);
    expect(batch).toMatchObject({ object: 'batch', input_file_id: stored.object['id'], completion_window: '24h' });
  });
});
