import { describe, expect, it, vi } from 'vitest';
import { replyDestroy, replyHang, replyJson } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { bearerOf, chatBody, chatCompletion, deferred, expectBifrostError, postChat, providerAt, useTestbed, within } from './gateway-harness.js';
import type { JsonObject, ProviderExtras } from './gateway-harness.js';

const CHAT_PATH = '/v1/chat/completions';
const testbed = useTestbed();

function openAIError(message: string, type: string, code: string | null = null): JsonObject {
  return { error: { message, type, code, param: null } };
}

/** Mock answering every chat request with a completion. */
function answerOk(mock: MockUpstream, content = 'hello'): void {
  mock.on('POST', CHAT_PATH, (req, res) => {
    const model = (req.json as JsonObject | undefined)?.['model'];
    replyJson(res, 200, chatCompletion(content, typeof model === 'string' ? model : 'unknown'));
  });
}

async function gatewayWithOpenAI(mock: MockUpstream, extras: ProviderExtras = {}, config: JsonObject = {}) {
  return testbed.gateway({ ...config, providers: { openai: providerAt(mock.url, extras) } });
}

const TWO_KEYS: ProviderExtras['keys'] = [
  { name: 'key-a', models: ['*'], value: 'sk-a', weight: 1 },
  { name: 'key-b', models: ['*'], value: 'sk-b', weight: 1 },
];

describe('key selection through the gateway', () => {
  it('x-bf-api-key pins the named key: the upstream sees its bearer token every time', async () => {
    const mock = await testbed.mock();
    answerOk(mock);
    const gateway = await gatewayWithOpenAI(mock, { keys: TWO_KEYS });
    for (let i = 0; i < 10; i++) {
      const reply = await postChat(gateway, chatBody(), { 'x-bf-api-key': 'key-b' });
      expect(reply.status).toBe(200);
    }
    expect(mock.requests.map((r) => bearerOf(r.headers))).toEqual(Array(10).fill('sk-b'));
  });

  it('x-bf-api-key naming an unknown key is a 400 and nothing goes upstream', async () => {
    const mock = await testbed.mock();
    answerOk(mock);
    const gateway = await gatewayWithOpenAI(mock, { keys: TWO_KEYS });
    const err = expectBifrostError(await postChat(gateway, chatBody(), { 'x-bf-api-key': 'key-zzz' }), 400);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.message).toContain('key-zzz');
    expect(mock.requests).toHaveLength(0);
  });

  it('a key whose models list excludes the model is never used for it', async () => {
    const mock = await testbed.mock();
    answerOk(mock);
    const gateway = await gatewayWithOpenAI(mock, {
      keys: [
        { name: 'big', value: 'sk-big', models: ['gpt-4o'], weight: 100 },
        { name: 'mini', value: 'sk-mini', models: ['gpt-4o-mini'], weight: 1 },
      ],
    });
    for (let i = 0; i < 20; i++) expect((await postChat(gateway, chatBody('openai/gpt-4o-mini'))).status).toBe(200);
    expect(new Set(mock.requests.map((r) => bearerOf(r.headers)))).toEqual(new Set(['sk-mini']));
  });

  it('a model no key allows is a 400 BifrostError naming the model', async () => {
    const mock = await testbed.mock();
    answerOk(mock);
    const gateway = await gatewayWithOpenAI(mock, { keys: [{ name: 'big', value: 'sk-big', models: ['gpt-4o'] }] });
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/o3-mini')), 400);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.message).toContain('o3-mini');
    expect(mock.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('max_retries 2 against a 500 makes exactly 3 attempts and returns the upstream error', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) =>
      replyJson(res, 500, openAIError('The server had an error while processing your request.', 'server_error', 'upstream_boom')),
    );
    const gateway = await gatewayWithOpenAI(mock, {
      network_config: { max_retries: 2, retry_backoff_initial: 10, retry_backoff_max: 100 },
    });
    const err = expectBifrostError(await postChat(gateway, chatBody()), 500);
    expect(mock.requests).toHaveLength(3);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe('The server had an error while processing your request.');
    expect(err.error.type).toBe('server_error');
    expect(err.error.code).toBe('upstream_boom');
    expect(err.extra_fields['provider']).toBe('openai');
  });

  it('spaces attempts by at least half the backoff step, and the step grows', async () => {
    const mock = await testbed.mock();
    const arrivals: number[] = [];
    mock.on('POST', CHAT_PATH, (_req, res) => {
      arrivals.push(performance.now());
      replyJson(res, 503, openAIError('overloaded', 'server_error'));
    });
    const initialMs = 120;
    const gateway = await gatewayWithOpenAI(mock, {
      network_config: { max_retries: 2, retry_backoff_initial: initialMs, retry_backoff_max: 10_000 },
    });
    expectBifrostError(await postChat(gateway, chatBody()), 503);
    expect(arrivals).toHaveLength(3);
    const [first, second, third] = arrivals as [number, number, number];
    const slackMs = 2;
    // equal jitter: retry 1 waits in [initial/2, initial], retry 2 in [initial, 2*initial]
    expect(second - first).toBeGreaterThanOrEqual(initialMs / 2 - slackMs);
    expect(third - second).toBeGreaterThanOrEqual(initialMs - slackMs);
  });

  it('never retries a 400 from upstream', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) =>
      replyJson(res, 400, openAIError("Unsupported parameter: 'max_tokens'", 'invalid_request_error', 'unsupported_parameter')),
    );
    const gateway = await gatewayWithOpenAI(mock, { network_config: { max_retries: 3, retry_backoff_initial: 1 } });
    const err = expectBifrostError(await postChat(gateway, chatBody()), 400);
    expect(mock.requests).toHaveLength(1);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe("Unsupported parameter: 'max_tokens'");
    expect(err.error.code).toBe('unsupported_parameter');
  });

  it('retries a network error (socket destroyed) and succeeds on the next attempt', async () => {
    const mock = await testbed.mock();
    let calls = 0;
    mock.on('POST', CHAT_PATH, (_req, res) => {
      calls++;
      if (calls === 1) return replyDestroy(res);
      replyJson(res, 200, chatCompletion('second time lucky'));
    });
    const gateway = await gatewayWithOpenAI(mock, { network_config: { max_retries: 2, retry_backoff_initial: 5 } });
    const reply = await postChat(gateway, chatBody());
    expect(reply.status).toBe(200);
    expect(mock.requests).toHaveLength(2);
    const choices = (reply.json as JsonObject)['choices'] as Array<{ message: { content: string } }>;
    expect(choices[0]?.message.content).toBe('second time lucky');
  });

  it('a network error on the last attempt is a 502 gateway error naming the provider origin', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyDestroy(res));
    const gateway = await gatewayWithOpenAI(mock, { network_config: { max_retries: 1, retry_backoff_initial: 5 } });
    const err = expectBifrostError(await postChat(gateway, chatBody()), 502);
    expect(mock.requests).toHaveLength(2);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.message).toContain(mock.url);
  });

  it('after a 429 the retry uses the other key', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => {
      if (mock.requests.length === 1) return replyJson(res, 429, openAIError('Rate limit reached', 'requests', 'rate_limit_exceeded'));
      replyJson(res, 200, chatCompletion('from the other key'));
    });
    const gateway = await gatewayWithOpenAI(mock, { keys: TWO_KEYS, network_config: { max_retries: 1, retry_backoff_initial: 5 } });
    for (let round = 0; round < 5; round++) {
      mock.clearRequests();
      const reply = await postChat(gateway, chatBody());
      expect(reply.status).toBe(200);
      expect(mock.requests).toHaveLength(2);
      const [first, second] = mock.requests.map((r) => bearerOf(r.headers));
      expect(new Set([first, second])).toEqual(new Set(['sk-a', 'sk-b']));
    }
  });
});

describe('fallbacks', () => {
  async function primaryAndGroq(primaryStatus = 500) {
    const primary = await testbed.mock();
    primary.on('POST', CHAT_PATH, (_req, res) => replyJson(res, primaryStatus, openAIError('primary is down', 'server_error')));
    const groq = await testbed.mock();
    answerOk(groq, 'served by groq');
    const gateway = await testbed.gateway({
      providers: {
        openai: providerAt(primary.url, { network_config: { max_retries: 0 } }),
        groq: providerAt(groq.url, { keys: [{ name: 'groq-key', models: ['*'], value: 'gsk-test' }] }),
      },
    });
    return { primary, groq, gateway };
  }

  it('serves from the fallback when the primary answers 500', async () => {
    const { primary, groq, gateway } = await primaryAndGroq();
    const reply = await postChat(gateway, chatBody('openai/gpt-4o-mini', { fallbacks: ['groq/llama-3'] }));
    expect(reply.status).toBe(200);
    expect(primary.requests).toHaveLength(1);
    expect(groq.requests).toHaveLength(1);
    const upstreamBody = groq.lastRequest().json as JsonObject;
    expect(upstreamBody['model']).toBe('llama-3');
    expect(upstreamBody).not.toHaveProperty('fallbacks');
    expect(bearerOf(groq.lastRequest().headers)).toBe('gsk-test');
    const body = reply.json as JsonObject;
    expect(body['extra_fields']).toMatchObject({ provider: 'groq', model_requested: 'llama-3' });
    const choices = body['choices'] as Array<{ message: { content: string } }>;
    expect(choices[0]?.message.content).toBe('served by groq');
  });

  it('refuses, before any upstream call, a fallback naming an unconfigured provider', async () => {
    const { primary, groq, gateway } = await primaryAndGroq();
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o-mini', { fallbacks: ['nowhere/model-x', 'groq/llama-3'] })), 400);
    expect(err.error.message).toContain("fallbacks[0] 'nowhere/model-x'");
    expect(err.error.message).toContain("provider 'nowhere' is not configured");
    expect(err.error.param).toBe('fallbacks');
    expect(primary.requests).toHaveLength(0);
    expect(groq.requests).toHaveLength(0);
  });

  it('returns the last target’s error when every target fails', async () => {
    const primary = await testbed.mock();
    primary.on('POST', CHAT_PATH, (_req, res) => replyJson(res, 500, openAIError('primary is down', 'server_error')));
    const groq = await testbed.mock();
    groq.on('POST', CHAT_PATH, (_req, res) => replyJson(res, 503, openAIError('groq is over capacity', 'service_unavailable')));
    const gateway = await testbed.gateway({
      providers: { openai: providerAt(primary.url), groq: providerAt(groq.url) },
    });
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o-mini', { fallbacks: ['groq/llama-3'] })), 503);
    expect(primary.requests).toHaveLength(1);
    expect(groq.requests).toHaveLength(1);
    expect(err.is_bifrost_error).toBe(false);
    expect(err.error.message).toBe('groq is over capacity');
    expect(err.extra_fields).toMatchObject({ provider: 'groq', model_requested: 'llama-3' });
  });
});

describe('timeouts', () => {
  it('default_request_timeout_in_seconds turns a hanging upstream into a quick 504', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyHang(res));
    const gateway = await gatewayWithOpenAI(mock, { network_config: { default_request_timeout_in_seconds: 0.3 } });
    const started = performance.now();
    const err = expectBifrostError(await postChat(gateway, chatBody()), 504);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.type).toBe('timeout_error');
    expect(err.error.message).toContain('0.3');
    await vi.waitFor(() => expect(mock.lastRequest().aborted).toBe(true));
  });

  it('a timeout on the primary falls back like any other failure', async () => {
    const slow = await testbed.mock();
    slow.on('POST', CHAT_PATH, (_req, res) => replyHang(res));
    const groq = await testbed.mock();
    answerOk(groq, 'fast');
    const gateway = await testbed.gateway({
      providers: {
        openai: providerAt(slow.url, { network_config: { default_request_timeout_in_seconds: 0.2 } }),
        groq: providerAt(groq.url),
      },
    });
    const reply = await postChat(gateway, chatBody('openai/gpt-4o-mini', { fallbacks: ['groq/llama-3'] }));
    expect(reply.status).toBe(200);
    expect((reply.json as JsonObject)['extra_fields']).toMatchObject({ provider: 'groq' });
  });
});

describe('queue limits', () => {
  async function slowGateway(dropExcessRequests: boolean) {
    const mock = await testbed.mock();
    const releases: Array<() => void> = [];
    mock.on('POST', CHAT_PATH, async (_req, res) => {
      const gate = deferred();
      releases.push(() => gate.resolve());
      await gate.promise;
      replyJson(res, 200, chatCompletion('finally'));
    });
    const gateway = await gatewayWithOpenAI(
      mock,
      { concurrency_and_buffer_size: { concurrency: 1, buffer_size: 0 } },
      { client: { drop_excess_requests: dropExcessRequests } },
    );
    return { mock, gateway, releases };
  }

  it('with drop_excess_requests a request beyond concurrency + buffer is refused at once with 429', async () => {
    const { mock, gateway, releases } = await slowGateway(true);
    const first = postChat(gateway, chatBody());
    await vi.waitFor(() => expect(mock.requests).toHaveLength(1));
    const refused = await within(postChat(gateway, chatBody()), 2_000, 'the excess request must be refused at once');
    const err = expectBifrostError(refused, 429);
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.message).toMatch(/queue is full/);
    expect(mock.requests).toHaveLength(1);
    releases[0]!();
    expect((await first).status).toBe(200);
    // the slot is free again: the next request goes through
    const third = postChat(gateway, chatBody());
    await vi.waitFor(() => expect(mock.requests).toHaveLength(2));
    releases[1]!();
    expect((await third).status).toBe(200);
  });

  it('without drop_excess_requests the extra request waits for the slot and succeeds', async () => {
    const { mock, gateway, releases } = await slowGateway(false);
    const first = postChat(gateway, chatBody());
    await vi.waitFor(() => expect(mock.requests).toHaveLength(1));
    const second = postChat(gateway, chatBody());
    let secondSettled = false;
    void second.then(() => (secondSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(secondSettled).toBe(false);
    expect(mock.requests).toHaveLength(1);
    releases[0]!();
    expect((await first).status).toBe(200);
    await vi.waitFor(() => expect(mock.requests).toHaveLength(2));
    releases[1]!();
    expect((await second).status).toBe(200);
  });
});

describe('client disconnect', () => {
  it('a client abandoning a non-streaming request aborts the upstream request', async () => {
    const mock = await testbed.mock();
    mock.on('POST', CHAT_PATH, (_req, res) => replyHang(res));
    const gateway = await gatewayWithOpenAI(mock);
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}${CHAT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody()),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(mock.requests).toHaveLength(1));
    expect(mock.lastRequest().aborted).toBe(false);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(mock.lastRequest().aborted).toBe(true), { timeout: 2_000 });
  });
});
