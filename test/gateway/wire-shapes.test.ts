import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../support/fixtures.js';
import { replyDestroy, replyFixtureJson, replyJson } from '../support/mock-upstream.js';
import { chatBody, expectBifrostError, postChat, postJson, providerAt, toJsonReply, useTestbed } from './gateway-harness.js';
import type { JsonObject, ProviderExtras } from './gateway-harness.js';

const CHAT_PATH = '/v1/chat/completions';
const CHAT_FIXTURE = 'openai/chat/openai-text.json';
const ERROR_FIXTURE = 'openai/chat/reasoning-model-legacy-parameter-error.json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const testbed = useTestbed();

async function servingFixture(extras: ProviderExtras = {}) {
  const mock = await testbed.mock();
  mock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
  const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url, extras) } });
  return { mock, gateway };
}

function extraFieldsOf(body: unknown): JsonObject {
  return (body as JsonObject)['extra_fields'] as JsonObject;
}

describe('extra_fields on JSON responses', () => {
  it('carries request_type, provider, model_requested, latency and chunk_index 0, and keeps the provider body', async () => {
    const { gateway } = await servingFixture();
    const reply = await postChat(gateway, chatBody('openai/gpt-4o-mini'));
    expect(reply.status).toBe(200);
    const { extra_fields: extra, ...rest } = reply.json as JsonObject;
    expect(extra).toEqual({
      request_type: 'chat_completion',
      provider: 'openai',
      model_requested: 'gpt-4o-mini',
      latency: expect.any(Number),
      chunk_index: 0,
    });
    expect(rest).toEqual(readJsonBody(CHAT_FIXTURE));
  });

  it('adds raw_response when the provider sets send_back_raw_response (and no raw_request)', async () => {
    const { gateway } = await servingFixture({ send_back_raw_response: true });
    const extra = extraFieldsOf((await postChat(gateway, chatBody())).json);
    expect(extra['raw_response']).toEqual(readJsonBody(CHAT_FIXTURE));
    expect(extra).not.toHaveProperty('raw_request');
  });

  it('adds raw_request (the body sent upstream) when the provider sets send_back_raw_request', async () => {
    const { mock, gateway } = await servingFixture({ send_back_raw_request: true });
    const extra = extraFieldsOf((await postChat(gateway, chatBody('openai/gpt-4o-mini', { temperature: 0.5 }))).json);
    expect(extra['raw_request']).toEqual(mock.lastRequest().json);
    expect(extra['raw_request']).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.5 });
    expect(extra).not.toHaveProperty('raw_response');
  });

  it('adds raw_request and raw_response for x-bf-send-back-raw-response: true, only on that request', async () => {
    const { mock, gateway } = await servingFixture();
    const withHeader = extraFieldsOf((await postChat(gateway, chatBody(), { 'x-bf-send-back-raw-response': 'true' })).json);
    expect(withHeader['raw_response']).toEqual(readJsonBody(CHAT_FIXTURE));
    expect(withHeader['raw_request']).toEqual(mock.lastRequest().json);
    const without = extraFieldsOf((await postChat(gateway, chatBody())).json);
    expect(without).not.toHaveProperty('raw_response');
    expect(without).not.toHaveProperty('raw_request');
  });
});

describe('error shape', () => {
  it('every kind of error has exactly the BifrostError keys and HTTP status == status_code', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (req, res) => {
      const model = (req.json as JsonObject)['model'];
      if (model === 'upstream-500') return replyJson(res, 500, { error: { message: 'boom', type: 'server_error' } });
      if (model === 'upstream-text') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Service Unavailable');
        return;
      }
      replyDestroy(res);
    });
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url) } });
    const cases: Array<[Promise<Response>, number]> = [
      [fetch(`${gateway.url}/v1/nope`), 404],
      [fetch(`${gateway.url}/v1/chat/completions`), 405],
      [fetch(`${gateway.url}${CHAT_PATH}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }), 415],
      [fetch(`${gateway.url}${CHAT_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400],
      [fetch(`${gateway.url}${CHAT_PATH}`, jsonInit(chatBody('openai/upstream-500'))), 500],
      [fetch(`${gateway.url}${CHAT_PATH}`, jsonInit(chatBody('openai/upstream-text'))), 503],
      [fetch(`${gateway.url}${CHAT_PATH}`, jsonInit(chatBody('openai/network'))), 502],
      [fetch(`${gateway.url}${CHAT_PATH}`, jsonInit(chatBody('mystery/model'))), 400],
    ];
    for (const [pending, status] of cases) {
      const err = expectBifrostError(await toJsonReply(await pending), status);
      expect(err.error.event_id).toBe(err.event_id);
      expect(err.error.type).toBe(err.type);
      expect(err.error.message.length).toBeGreaterThan(0);
    }
  });

  it('an upstream error keeps the provider’s message, type, code and param, with is_bifrost_error false', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, ERROR_FIXTURE, 400));
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url) } });
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/o3-mini', { max_tokens: 10 })), 400);
    const upstream = (readJsonBody(ERROR_FIXTURE) as { error: JsonObject }).error;
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error).toMatchObject({
      message: upstream['message'],
      type: upstream['type'],
      code: upstream['code'],
      param: upstream['param'],
    });
    expect(err.extra_fields).toMatchObject({ provider: 'openai', model_requested: 'o3-mini', request_type: 'chat_completion' });
  });

  it('a non-JSON upstream error body becomes the message', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway from the provider edge</html>');
    });
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url) } });
    const err = expectBifrostError(await postChat(gateway, chatBody()), 502);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toContain('Bad Gateway from the provider edge');
  });
});

function jsonInit(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

describe('headers', () => {
  it('x-bf-eh-foo: bar reaches the upstream as foo: bar', async () => {
    const { mock, gateway } = await servingFixture();
    expect((await postChat(gateway, chatBody(), { 'x-bf-eh-foo': 'bar', 'x-bf-eh-x-trace-id': 'trace-42' })).status).toBe(200);
    const headers = mock.lastRequest().headers;
    expect(headers['foo']).toBe('bar');
    expect(headers['x-trace-id']).toBe('trace-42');
    expect(headers).not.toHaveProperty('x-bf-eh-foo');
  });

  it('x-bf-eh- headers cannot replace the key the gateway sends', async () => {
    const { mock, gateway } = await servingFixture();
    await postChat(gateway, chatBody(), { 'x-bf-eh-authorization': 'Bearer stolen' });
    expect(mock.lastRequest().headers['authorization']).toBe('Bearer sk-test');
  });

  it('echoes x-request-id when the client sends one', async () => {
    const { gateway } = await servingFixture();
    const ok = await postChat(gateway, chatBody(), { 'x-request-id': 'req-abc-123' });
    expect(ok.headers.get('x-request-id')).toBe('req-abc-123');
    const notFound = await fetch(`${gateway.url}/nowhere`, { headers: { 'x-request-id': 'req-404' } });
    await notFound.arrayBuffer();
    expect(notFound.headers.get('x-request-id')).toBe('req-404');
  });

  it('generates a distinct x-request-id when the client sends none', async () => {
    const { gateway } = await servingFixture();
    const first = (await postChat(gateway, chatBody())).headers.get('x-request-id');
    const second = (await postChat(gateway, chatBody())).headers.get('x-request-id');
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });
});

describe('request body pass-through', () => {
  it('unknown body fields reach the upstream untouched; only model is rewritten and fallbacks removed', async () => {
    const { mock, gateway } = await servingFixture();
    const sent: JsonObject = {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'héllo ✓' }] }],
      temperature: 0.25,
      seed: 7,
      logit_bias: { '50256': -100 },
      metadata: { team: 'search', nested: { list: [1, 'two', null, true] } },
      some_future_field: { enabled: true },
      fallbacks: ['openai/gpt-4o'],
    };
    expect((await postChat(gateway, sent)).status).toBe(200);
    const { fallbacks: _dropped, ...expected } = sent;
    expect(mock.lastRequest().json).toEqual({ ...expected, model: 'gpt-4o-mini' });
  });

  it("model 'openrouter/meta-llama/llama-3' reaches the openrouter upstream as 'meta-llama/llama-3'", async () => {
    const openrouter = await testbed.mock();
    openrouter.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, CHAT_FIXTURE));
    const gateway = await testbed.gateway({ providers: { openrouter: providerAt(openrouter.url) } });
    const reply = await postJson(gateway, CHAT_PATH, chatBody('openrouter/meta-llama/llama-3'));
    expect(reply.status).toBe(200);
    expect((openrouter.lastRequest().json as JsonObject)['model']).toBe('meta-llama/llama-3');
    expect(extraFieldsOf(reply.json)).toMatchObject({ provider: 'openrouter', model_requested: 'meta-llama/llama-3' });
  });
});
