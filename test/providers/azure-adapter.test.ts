/**
 * Azure OpenAI: chat, text completions and embeddings go to a deployment path with an
 * `api-version` and an `api-key` header; the Responses API goes to `/openai/v1` with the
 * deployment as the model.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { configuredProvider } from './stream-reassembly.js';

const ENDPOINT = 'https://iris-test.openai.azure.com';

const azure = configuredProvider('azure', {
  keys: [
    {
      name: 'azure-east',
      value: 'azure-secret',
      models: ['*'],
      azure_key_config: {
        endpoint: `${ENDPOINT}/`,
        deployments: { 'gpt-4o': 'prod-gpt4o', 'text-embedding-3-small': 'embed-small' },
        api_version: '2025-01-01-preview',
      },
    },
  ],
  network_config: { extra_headers: { 'x-team': 'search' } },
});

const CHAT_BODY = { model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'Hello' }], fallbacks: ['openai/gpt-4o'] };

describe('Azure deployment requests', () => {
  it.each([
    ['chat', 'gpt-4o', 'prod-gpt4o', 'chat/completions'],
    ['text_completion', 'gpt-4o', 'prod-gpt4o', 'completions'],
    ['embedding', 'text-embedding-3-small', 'embed-small', 'embeddings'],
  ] as const)('%s for %s goes to deployment %s under /%s', (op, model, deployment, path) => {
    const request = azure.adapter.buildRequest(azure.call(op, model, { body: CHAT_BODY }));
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${ENDPOINT}/openai/deployments/${deployment}/${path}?api-version=2025-01-01-preview`);
  });

  it('authenticates with the api-key header, never a bearer authorization header', () => {
    const request = azure.adapter.buildRequest(azure.call('chat', 'gpt-4o', { body: CHAT_BODY }));
    expect(request.headers['api-key']).toBe('azure-secret');
    expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
    expect(request.headers['x-team']).toBe('search');
  });

  it('sends the chat body without gateway-only fields', () => {
    const request = azure.adapter.buildRequest(azure.call('chat', 'gpt-4o', { body: CHAT_BODY }));
    const sent: unknown = JSON.parse(request.body ?? 'null');
    expect(sent).toMatchObject({ messages: [{ role: 'user', content: 'Hello' }] });
    expect(sent).not.toHaveProperty('fallbacks');
  });

  it('uses the model name as the deployment when the key does not map it', () => {
    const request = azure.adapter.buildRequest(azure.call('chat', 'gpt-4.1-mini', { body: CHAT_BODY }));
    expect(request.url).toBe(`${ENDPOINT}/openai/deployments/gpt-4.1-mini/chat/completions?api-version=2025-01-01-preview`);
    expect(azure.adapter.deploymentFor?.('gpt-4.1-mini', azure.key)).toBe('gpt-4.1-mini');
    expect(azure.adapter.deploymentFor?.('gpt-4o', azure.key)).toBe('prod-gpt4o');
  });

  it('defaults the api-version when the key names none', () => {
    const plain = configuredProvider('azure', {
      keys: [{ name: 'azure-plain', models: ['*'], value: 'k', azure_key_config: { endpoint: ENDPOINT } }],
    });
    const request = plain.adapter.buildRequest(plain.call('chat', 'gpt-4o', { body: CHAT_BODY }));
    expect(request.url).toBe(`${ENDPOINT}/openai/deployments/gpt-4o/chat/completions?api-version=${DEFAULTS.azureApiVersion}`);
  });

  it('serves keys without azure_key_config from the provider base_url', () => {
    const viaBaseUrl = configuredProvider('azure', {
      keys: [{ name: 'azure-plain', models: ['*'], value: 'k' }],
      network_config: { base_url: 'https://other.openai.azure.com' },
    });
    const request = viaBaseUrl.adapter.buildRequest(viaBaseUrl.call('embedding', 'text-embedding-3-small', { body: { input: 'x' } }));
    expect(request.url).toBe(`https://other.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=${DEFAULTS.azureApiVersion}`);
  });
});

describe('Azure Responses API requests', () => {
  it('creates responses at /openai/v1/responses with the deployment as the model', () => {
    const request = azure.adapter.buildRequest(azure.call('responses', 'gpt-4o', { body: { model: 'azure/gpt-4o', input: 'Hi' } }));
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${ENDPOINT}/openai/v1/responses`);
    expect(request.headers['api-key']).toBe('azure-secret');
    expect(request.headers).not.toHaveProperty('authorization');
    expect(JSON.parse(request.body ?? 'null')).toEqual({ model: 'prod-gpt4o', input: 'Hi' });
  });

  it.each([
    ['responses_retrieve', 'GET', '/openai/v1/responses/resp_123'],
    ['responses_delete', 'DELETE', '/openai/v1/responses/resp_123'],
    ['responses_cancel', 'POST', '/openai/v1/responses/resp_123/cancel'],
    ['responses_input_items', 'GET', '/openai/v1/responses/resp_123/input_items'],
  ] as const)('%s is %s %s', (op, method, path) => {
    const request = azure.adapter.buildRequest(azure.call(op, 'gpt-4o', { resourceId: 'resp_123' }));
    expect(request.method).toBe(method);
    expect(request.url).toBe(`${ENDPOINT}${path}`);
    expect(request.headers['api-key']).toBe('azure-secret');
  });
});
