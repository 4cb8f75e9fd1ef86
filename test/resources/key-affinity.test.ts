/**
 * A provider with several keys: a file, batch, container or stored response belongs to the account
 * of the key that made it, so every later call about it must go out with that key. Iris remembers
 * the key per resource id in the app dir's database (surviving a restart); x-bf-api-key still wins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { noteResource } from '../../src/core/routing/resource-keys.js';
import { MemoryResourceKeys } from '../support/memory-resource-keys.js';
import { startGateway, type RunningGateway } from '../../src/index.js';
import { postJson, useTestbed } from '../gateway/gateway-harness.js';
import type { JsonObject } from '../gateway/gateway-harness.js';
import { replyJson, type MockUpstream, type RecordedRequest } from '../support/mock-upstream.js';

const testbed = useTestbed();
const KEYS = { a: 'sk-account-a', b: 'sk-account-b' } as const;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** An OpenAI-like upstream with two accounts: each sees only what its own key made. */
function twoAccountUpstream(mock: MockUpstream) {
  const owner = new Map<string, string>();
  let next = 0;
  const accountOf = (req: RecordedRequest): string => String(req.headers['authorization']).replace('Bearer ', '');
  const notFound = (res: ServerResponse, id: string) =>
    replyJson(res, 404, { error: { message: `No such object: ${id}`, type: 'invalid_request_error', param: 'id', code: null } });
  const make = (req: RecordedRequest, prefix: string): string => {
    const id = `${prefix}${++next}`;
    owner.set(id, accountOf(req));
    return id;
  };
  const mine = (req: RecordedRequest, id: string): boolean => owner.get(id) === accountOf(req);
  mock.on('POST', '/v1/files', (req, res) =>
    replyJson(res, 200, { id: make(req, 'file-'), object: 'file', bytes: 2, created_at: 1, filename: 'a.jsonl', purpose: 'batch' }),
  );
  mock.on('GET', /^\/v1\/files\/[^/]+$/, (req, res) => {
    const id = req.path.split('/').pop()!;
    return mine(req, id) ? replyJson(res, 200, { id, object: 'file', bytes: 2, created_at: 1, filename: 'a.jsonl', purpose: 'batch' }) : notFound(res, id);
  });
  mock.on('POST', '/v1/batches', (req, res) => {
    const input = (req.json as JsonObject)['input_file_id'] as string;
    if (!mine(req, input)) return notFound(res, input);
    replyJson(res, 200, {
      id: make(req, 'batch_'),
      object: 'batch',
      endpoint: '/v1/chat/completions',
      input_file_id: input,
      completion_window: '24h',
      status: 'validating',
      created_at: 1,
    });
  });
  mock.on('GET', /^\/v1\/batches\/[^/]+$/, (req, res) => {
    const id = req.path.split('/').pop()!;
    return mine(req, id) ? replyJson(res, 200, { id, object: 'batch', status: 'in_progress', created_at: 1 }) : notFound(res, id);
  });
  mock.on('POST', '/v1/responses', (req, res) => {
    const previous = (req.json as JsonObject)['previous_response_id'];
    if (typeof previous === 'string' && !mine(req, previous)) return notFound(res, previous);
    const id = make(req, 'resp_');
    replyJson(res, 200, {
      id,
      object: 'response',
      created_at: 1,
      status: 'completed',
      model: 'gpt-4o-mini',
      output: [],
      usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
    });
  });
  return { owner };
}

async function gatewayIn(appDir: string, upstreamUrl: string): Promise<RunningGateway> {
  const configObject = {
    providers: {
      openai: {
        keys: [
          { name: 'a', value: KEYS.a, models: ['*'], weight: 1 },
          { name: 'b', value: KEYS.b, models: ['*'], weight: 1 },
        ],
        network_config: { base_url: upstreamUrl },
      },
    },
  };
  const gateway = await startGateway({ appDir, port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json', configObject });
  cleanups.push(() => gateway.close());
  return gateway;
}

function tempAppDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-affinity-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function upload(gateway: RunningGateway): Promise<string> {
  const form = new FormData();
  form.append('purpose', 'batch');
  form.append('file', new Blob(['{}']), 'a.jsonl');
  const res = await fetch(`${gateway.url}/v1/files?provider=openai`, { method: 'POST', body: form });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as JsonObject)['id'] as string;
}

describe('a pool of several keys', () => {
  it('sends every call about a file or batch with the key that made it, also after a restart', async () => {
    const mock = await testbed.mock();
    const { owner } = twoAccountUpstream(mock);
    const appDir = tempAppDir();
    const first = await gatewayIn(appDir, mock.url);

    const files = await Promise.all(Array.from({ length: 8 }, () => upload(first)));
    expect(new Set(files.map((id) => owner.get(id))).size, 'both keys made files').toBe(2);
    for (const id of files) {
      for (let i = 0; i < 4; i++) expect((await fetch(`${first.url}/v1/files/${id}?provider=openai`)).status).toBe(200);
    }
    const batches: string[] = [];
    for (const id of files) {
      const batch = await postJson(first, '/v1/batches', { provider: 'openai', input_file_id: id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      expect(batch.status, batch.text).toBe(200);
      batches.push((batch.json as JsonObject)['id'] as string);
    }
    await first.close();

    const second = await gatewayIn(appDir, mock.url);
    for (const id of [...files, ...batches]) {
      const kind = id.startsWith('file-') ? 'files' : 'batches';
      const res = await fetch(`${second.url}/v1/${kind}/${id}?provider=openai`);
      expect(res.status, `${id} after restart`).toBe(200);
    }
  });

  it('continues a stored response with the key that made it (previous_response_id)', async () => {
    const mock = await testbed.mock();
    twoAccountUpstream(mock);
    const gateway = await gatewayIn(tempAppDir(), mock.url);
    let previous: string | undefined;
    for (let turn = 0; turn < 10; turn++) {
      const reply = await postJson(gateway, '/v1/responses', {
        model: 'openai/gpt-4o-mini',
        input: 'hi',
        ...(previous ? { previous_response_id: previous } : {}),
      });
      expect(reply.status, `turn ${turn}: ${reply.text}`).toBe(200);
      previous = (reply.json as JsonObject)['id'] as string;
    }
  });

  it('leaves x-bf-api-key in charge', async () => {
    const mock = await testbed.mock();
    const { owner } = twoAccountUpstream(mock);
    const gateway = await gatewayIn(tempAppDir(), mock.url);
    const id = await upload(gateway);
    const other = owner.get(id) === KEYS.a ? 'b' : 'a';
    const res = await fetch(`${gateway.url}/v1/files/${id}?provider=openai`, { headers: { 'x-bf-api-key': other } });
    expect(res.status).toBe(404);
  });
});

describe('resource key bookkeeping', () => {
  it('forgets a deleted resource and keeps only the newest entries when bounded', async () => {
    const store = new MemoryResourceKeys(2);
    await noteResource(store, 'openai', 'a', 'file_upload', {}, { id: 'file-1' });
    expect(await store.keyFor('openai', 'file-1')).toBe('a');
    await noteResource(store, 'openai', 'a', 'file_delete', { resourceId: 'file-1' }, { id: 'file-1', deleted: true });
    expect(await store.keyFor('openai', 'file-1')).toBeUndefined();
    await store.remember('openai', 'x', 'a');
    await store.remember('openai', 'y', 'b');
    await store.remember('openai', 'z', 'b');
    expect(await store.keyFor('openai', 'x')).toBeUndefined();
    expect(await store.keyFor('openai', 'z')).toBe('b');
    await noteResource(store, 'openai', 'a', 'chat', {}, { id: 'chatcmpl-1' });
    expect(await store.keyFor('openai', 'chatcmpl-1')).toBeUndefined();
  });
});
