/**
 * Azure OpenAI's files, batches and containers: the OpenAI wire under the key's endpoint at
 * `/openai/v1`, authenticated with `api-key` (never a bearer token), no api-version needed.
 */
import { describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { postJson, toJsonReply, useTestbed } from '../gateway/gateway-harness.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { installOpenAIResourceMock, parseMultipart, type JsonObject, type OpenAIResourceState } from './provider-resource-mocks.js';

const AZURE_KEY = 'azure-resource-key';
const testbed = useTestbed();

async function setup(): Promise<{ gateway: RunningGateway; upstream: MockUpstream; azure: OpenAIResourceState }> {
  const upstream = await testbed.mock();
  const azure = installOpenAIResourceMock(upstream, {
    root: '/openai/v1',
    authorized: (req) => req.headers['api-key'] === AZURE_KEY && req.headers['authorization'] === undefined,
  });
  const gateway = await testbed.gateway({
    providers: {
      azure: {
        keys: [
          {
            name: 'az',
            value: AZURE_KEY,
            models: ['*'],
            weight: 1,
            azure_key_config: { endpoint: `${upstream.url}/`, deployments: {}, api_version: '2024-10-21' },
          },
        ],
      },
    },
  });
  return { gateway, upstream, azure };
}

describe('Azure files', () => {
  it('uploads to {endpoint}/openai/v1/files with the api-key header and the form fields in order', async () => {
    const { gateway, upstream } = await setup();
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob(['{"x":1}\n'], { type: 'application/jsonl' }), 'in.jsonl');
    const reply = await toJsonReply(await fetch(`${gateway.url}/v1/files`, { method: 'POST', body: form, headers: { 'x-model-provider': 'azure' } }));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toMatchObject({
      object: 'file',
      filename: 'in.jsonl',
      purpose: 'batch',
      extra_fields: { provider: 'azure', request_type: 'file_upload' },
    });

    const sent = upstream.requests.find((r) => r.method === 'POST')!;
    expect(sent.path).toBe('/openai/v1/files');
    expect(sent.query.has('api-version')).toBe(false);
    const received = await parseMultipart(sent);
    expect(received.order).toEqual(['purpose', 'file']);
    expect(received.files[0]!.data.toString()).toBe('{"x":1}\n');
  });

  it('downloads file content from {endpoint}/openai/v1/files/{id}/content', async () => {
    const { gateway, azure } = await setup();
    const id = azure.addFile('out.jsonl', 'batch_output', '{"ok":true}\n');
    const res = await fetch(`${gateway.url}/v1/files/${id}/content?provider=azure`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ok":true}\n');
  });
});

describe('Azure batches and containers', () => {
  it('creates and retrieves a batch at {endpoint}/openai/v1/batches', async () => {
    const { gateway, upstream, azure } = await setup();
    const inputId = azure.addFile('in.jsonl', 'batch', '{}\n');
    const created = await postJson(gateway, '/v1/batches', {
      provider: 'azure',
      input_file_id: inputId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect(created.status, created.text).toBe(200);
    const batch = created.json as JsonObject;
    expect(batch).toMatchObject({ object: 'batch', status: 'validating', extra_fields: { provider: 'azure' } });
    expect(upstream.requests.at(-1)!.path).toBe('/openai/v1/batches');

    azure.completeBatch(String(batch['id']), '{"custom_id":"x"}\n');
    const results = await toJsonReply(await fetch(`${gateway.url}/v1/batches/${String(batch['id'])}/results?provider=azure`));
    expect(results.json).toMatchObject({ results: [{ custom_id: 'x' }] });
  });

  it('creates a container at {endpoint}/openai/v1/containers', async () => {
    const { gateway, upstream } = await setup();
    const created = await postJson(gateway, '/openai/v1/containers', { provider: 'azure', name: 'az-box' });
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({ object: 'container', name: 'az-box', status: 'running' });
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/openai/v1/containers');
    expect(sent.json).toEqual({ name: 'az-box' });
  });
});
