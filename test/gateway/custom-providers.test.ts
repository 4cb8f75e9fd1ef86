/**
 * Custom OpenAI-compatible providers (`custom_provider_config`), as Bifrost reads them: every
 * operation of the base wire, narrowed by `allowed_requests`, with paths moved by
 * `request_path_overrides`, and keyless when `is_key_less`.
 */
import { describe, expect, it } from 'vitest';
import { replyBytes, replyFixtureJson, replyJson } from '../support/mock-upstream.js';
import { chatBody, chatCompletion, expectBifrostError, postJson, providerAt, useTestbed } from './gateway-harness.js';
import type { JsonObject } from './gateway-harness.js';

const CHAT_FIXTURE = 'openai/chat/openai-text.json';
const testbed = useTestbed();

function custom(baseUrl: string, config: JsonObject, extras: JsonObject = {}): JsonObject {
  return providerAt(baseUrl, { custom_provider_config: { base_provider_type: 'openai', ...config }, ...extras });
}

describe('custom providers', () => {
  it('serve speech and image generation like the OpenAI wire they speak', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/audio/speech', (_req, res) => replyBytes(res, Buffer.from('ID3-audio'), 'audio/mpeg'));
    mock.on('POST', '/v1/images/generations', (_req, res) => replyJson(res, 200, { created: 1, data: [{ b64_json: 'aW1n' }] }));
    const gateway = await testbed.gateway({ providers: { 'my-llm': custom(mock.url, {}) } });

    const speech = await fetch(`${gateway.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'my-llm/tts-1', input: 'hello', voice: 'alloy' }),
    });
    expect(speech.status).toBe(200);
    expect(Buffer.from(await speech.arrayBuffer()).toString()).toBe('ID3-audio');

    const image = await postJson(gateway, '/v1/images/generations', { model: 'my-llm/img-1', prompt: 'a cat' });
    expect(image.status, image.text).toBe(200);
    expect((image.json as JsonObject)['data']).toEqual([{ b64_json: 'aW1n' }]);
    expect(mock.requests.map((r) => r.path)).toEqual(['/v1/audio/speech', '/v1/images/generations']);
  });

  it('answer only the request types allowed_requests sets to true, with a 400 naming the type', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    const gateway = await testbed.gateway({ providers: { 'my-llm': custom(mock.url, { allowed_requests: { chat_completion: true, embedding: false } }) } });

    const ok = await postJson(gateway, '/v1/chat/completions', chatBody('my-llm/llama'));
    expect(ok.status, ok.text).toBe(200);

    const stream = await postJson(gateway, '/v1/chat/completions', chatBody('my-llm/llama', { stream: true }));
    const err = expectBifrostError(stream, 400);
    expect(err.error.message).toBe("provider 'my-llm' does not allow chat_completion_stream requests (custom_provider_config.allowed_requests)");
    expect(err.extra_fields).toMatchObject({ provider: 'my-llm', request_type: 'chat_completion_stream' });

    expectBifrostError(await postJson(gateway, '/v1/embeddings', { model: 'my-llm/embed', input: 'hi' }), 400);
    expect(mock.requests).toHaveLength(1);
  });

  it('fall back to the next model when a request type is not allowed', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('from openai')));
    const gateway = await testbed.gateway({
      providers: { 'my-llm': custom(mock.url, { allowed_requests: { embedding: true } }), openai: providerAt(mock.url) },
    });
    const reply = await postJson(gateway, '/v1/chat/completions', chatBody('my-llm/llama', { fallbacks: ['openai/gpt-4o-mini'] }));
    expect(reply.status, reply.text).toBe(200);
    expect((reply.json as JsonObject)['extra_fields']).toMatchObject({ provider: 'openai' });
  });

  it('let the Responses lifecycle follow responses unless a lifecycle verb is named', async () => {
    const mock = await testbed.mock();
    mock.on('GET', '/v1/responses/resp_1', (_req, res) => replyJson(res, 200, { id: 'resp_1', object: 'response', status: 'completed', output: [] }));
    const follows = await testbed.gateway({ providers: { 'my-llm': custom(mock.url, { allowed_requests: { responses: true } }) } });
    const granular = await testbed.gateway({ providers: { 'my-llm': custom(mock.url, { allowed_requests: { responses: true, responses_delete: true } }) } });

    const retrieved = await fetch(`${follows.url}/v1/responses/resp_1?provider=my-llm`);
    expect(retrieved.status, await retrieved.clone().text()).toBe(200);
    const refused = await fetch(`${granular.url}/v1/responses/resp_1?provider=my-llm`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as JsonObject)['error']).toMatchObject({ message: expect.stringContaining('responses_retrieve') });
  });

  it('send a request type to its request_path_overrides path under base_url, or to a whole URL', async () => {
    const mock = await testbed.mock();
    const other = await testbed.mock();
    mock.on('POST', '/api/chat', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    other.on('POST', '/embed/now', (_req, res) =>
      replyJson(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
        model: 'e',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      }),
    );
    const gateway = await testbed.gateway({
      providers: {
        'my-llm': custom(`${mock.url}/`, { request_path_overrides: { chat_completion: 'api/chat', embedding: `${other.url}/embed/now`, speech: '  ' } }),
      },
    });

    const chat = await postJson(gateway, '/v1/chat/completions', chatBody('my-llm/llama'));
    expect(chat.status, chat.text).toBe(200);
    expect(mock.lastRequest().path).toBe('/api/chat');
    expect(mock.lastRequest().json).toMatchObject({ model: 'llama' });

    const embedding = await postJson(gateway, '/v1/embeddings', { model: 'my-llm/e', input: 'hi', encoding_format: 'float' });
    expect(embedding.status, embedding.text).toBe(200);
    expect(other.lastRequest().path).toBe('/embed/now');
  });

  it('start without a key value when is_key_less, and send no authorization', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    const gateway = await testbed.gateway({
      providers: { 'my-llm': custom(mock.url, { is_key_less: true }, { keys: [{ name: 'local', models: ['*'], weight: 1 }] }) },
    });
    const reply = await postJson(gateway, '/v1/chat/completions', chatBody('my-llm/llama'));
    expect(reply.status, reply.text).toBe(200);
    expect(mock.lastRequest().headers['authorization']).toBeUndefined();
  });
});
