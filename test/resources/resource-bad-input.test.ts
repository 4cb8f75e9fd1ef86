/**
 * Bad input to files, batches and containers: each is refused with a clear 4xx BifrostError that
 * says what is wrong, and upstream "not found" answers pass through as upstream errors.
 */
import { describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { expectBifrostError, postJson, providerAt, toJsonReply, useTestbed, type JsonReply } from '../gateway/gateway-harness.js';
import { installAnthropicResourceMock, installOpenAIResourceMock } from './provider-resource-mocks.js';

const testbed = useTestbed();

async function gatewayWithMocks(client: Record<string, unknown> = {}): Promise<RunningGateway> {
  const openai = await testbed.mock();
  installOpenAIResourceMock(openai, { root: '/v1', authorized: () => true });
  const anthropic = await testbed.mock();
  installAnthropicResourceMock(anthropic, 'sk-test');
  return testbed.gateway({ providers: { openai: providerAt(openai.url), anthropic: providerAt(anthropic.url) }, client });
}

async function send(
  gateway: RunningGateway,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<JsonReply> {
  return toJsonReply(await fetch(`${gateway.url}${path}`, { method, ...init }));
}

function multipart(boundary: string, parts: string): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: parts };
}

describe('container create', () => {
  it('requires a provider', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/openai/v1/containers', { name: 'box' }), 400);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.param).toBe('provider');
    expect(err.error.message).toMatch(/provider is required/);
    expect(err.extra_fields['request_type']).toBe('container_create');
  });

  it('requires a name', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/containers', { provider: 'openai' }), 400);
    expect(err.error.param).toBe('name');
    expect(err.error.message).toMatch(/name is required/);
  });

  it('says a configured provider without a containers API does not support containers', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/containers', { provider: 'anthropic', name: 'box' }), 400);
    expect(err.error.message).toBe("provider 'anthropic' does not support containers");
    expect(err.extra_fields).toMatchObject({ provider: 'anthropic', request_type: 'container_create' });
  });

  it('says a known provider without a containers API does not support containers, configured or not', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/containers', { provider: 'groq', name: 'box' }), 400);
    expect(err.error.message).toBe("provider 'groq' does not support containers");
    const files = expectBifrostError(await send(gateway, 'GET', '/v1/containers/cntr_1/files?provider=mistral'), 400);
    expect(files.error.message).toBe("provider 'mistral' does not support containers");
  });

  it('names the configured providers when the provider is unknown', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/containers', { provider: 'nosuch', name: 'box' }), 400);
    expect(err.error.message).toMatch(/provider 'nosuch' is not configured; configured providers: openai, anthropic/);
    expect(err.error.param).toBe('provider');
  });

  it('refuses a body that is not a JSON object', async () => {
    const gateway = await gatewayWithMocks();
    expectBifrostError(await postJson(gateway, '/v1/containers', ['box']), 400);
    const wrongType = expectBifrostError(await send(gateway, 'POST', '/v1/containers', { headers: { 'content-type': 'text/plain' }, body: 'box' }), 415);
    expect(wrongType.error.message).toMatch(/application\/json/);
  });
});

describe('unknown ids', () => {
  it('passes the provider’s 404 for an unknown container through as an upstream error', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await send(gateway, 'GET', '/openai/containers/cntr_missing'), 404);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe("Container with id 'cntr_missing' not found.");
    expect(err.extra_fields).toMatchObject({ provider: 'openai', request_type: 'container_retrieve' });
  });

  it('passes the provider’s 404 for an unknown batch through as an upstream error', async () => {
    const gateway = await gatewayWithMocks();
    const openai = expectBifrostError(await send(gateway, 'GET', '/v1/batches/batch_missing'), 404);
    expect(openai.is_bifrost_error).toBe(false);
    expect(openai.error.message).toBe("No batch found with id 'batch_missing'.");
    const anthropic = expectBifrostError(await send(gateway, 'POST', '/v1/batches/msgbatch_missing/cancel?provider=anthropic'), 404);
    expect(anthropic.is_bifrost_error).toBe(false);
    expect(anthropic.error.type).toBe('not_found_error');
  });

  it('passes the provider’s 404 for an unknown file’s content through', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await send(gateway, 'GET', '/v1/files/file-missing/content'), 404);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.extra_fields['request_type']).toBe('file_content');
  });
});

describe('file uploads', () => {
  it('refuses a multipart body cut off before its closing boundary', async () => {
    const gateway = await gatewayWithMocks();
    const body =
      '--xyz\r\ncontent-disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--xyz\r\ncontent-disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\n{"a":1}';
    const err = expectBifrostError(await send(gateway, 'POST', '/v1/files', { ...multipart('xyz', body) }), 400);
    expect(err.error.code).toBe('invalid_multipart');
    expect(err.error.message).toMatch(/malformed multipart\/form-data body: Unexpected end of (form|file)/);
    expect(err.extra_fields['request_type']).toBe('file_upload');
  });

  it('refuses multipart without a boundary', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await send(gateway, 'POST', '/v1/files', { headers: { 'content-type': 'multipart/form-data' }, body: 'x' }), 400);
    expect(err.error.code).toBe('invalid_multipart');
  });

  it('refuses a JSON body with 415', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/files', { purpose: 'batch' }), 415);
    expect(err.error.message).toBe("content-type must be multipart/form-data (got 'application/json')");
  });

  it('requires the file field', async () => {
    const gateway = await gatewayWithMocks();
    const body = '--xyz\r\ncontent-disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--xyz--\r\n';
    const err = expectBifrostError(await send(gateway, 'POST', '/v1/files', multipart('xyz', body)), 400);
    expect(err.error.param).toBe('file');
  });

  it('refuses a file over client.max_request_body_size_mb with 413', async () => {
    const gateway = await gatewayWithMocks({ max_request_body_size_mb: 1 });
    const big = 'x'.repeat(1024 * 1024 + 10);
    const body = `--xyz\r\ncontent-disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--xyz\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\n\r\n${big}\r\n--xyz--\r\n`;
    const err = expectBifrostError(await send(gateway, 'POST', '/v1/files', multipart('xyz', body)), 413);
    expect(err.error.message).toMatch(/larger than 1 MB/);
  });

  it('refuses a container file in neither multipart nor JSON, and JSON without file_id', async () => {
    const gateway = await gatewayWithMocks();
    const wrong = expectBifrostError(await send(gateway, 'POST', '/v1/containers/cntr_1/files', { headers: { 'content-type': 'text/csv' }, body: 'a,b' }), 415);
    expect(wrong.error.message).toMatch(/multipart\/form-data .* or application\/json/);
    const noId = expectBifrostError(await postJson(gateway, '/v1/containers/cntr_1/files', {}), 400);
    expect(noId.error.param).toBe('file_id');
  });
});

describe('batch create', () => {
  it('requires input_file_id or requests', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/batches', { endpoint: '/v1/chat/completions', completion_window: '24h' }), 400);
    expect(err.error.param).toBe('input_file_id');
    expect(err.extra_fields).toMatchObject({ request_type: 'batch_create', provider: 'openai' });
  });

  it('refuses a model that is not a string', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/batches', { model: 42, input_file_id: 'file-1' }), 400);
    expect(err.error.param).toBe('model');
  });

  it('says which provider lacks batches', async () => {
    const gateway = await gatewayWithMocks();
    const err = expectBifrostError(await postJson(gateway, '/v1/batches', { model: 'groq/llama-3.3-70b', input_file_id: 'file-1' }), 400);
    expect(err.error.message).toBe("provider 'groq' does not support batches");
  });
});
