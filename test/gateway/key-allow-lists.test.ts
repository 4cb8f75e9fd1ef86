/**
 * Key allow-lists as a Bifrost config.json writes them, seen from a client: which requests reach the
 * upstream, the 400 for a model no key allows, GET /v1/models, and the start-up warning for keys
 * that can serve nothing.
 */
import { describe, expect, it } from 'vitest';
import { replyJson } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { captureLogs } from '../support/captured-logs.js';
import { chatBody, chatCompletion, expectBifrostError, postChat, useTestbed } from './gateway-harness.js';
import type { JsonObject } from './gateway-harness.js';

const testbed = useTestbed();
const PINO_WARN = 40;

async function answeringMock(): Promise<MockUpstream> {
  const mock = await testbed.mock();
  mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('hello')));
  return mock;
}

/** A config whose openai provider is the mock, with these keys and top-level fields (e.g. version). */
function openaiConfig(mock: MockUpstream, keys: JsonObject[], top: JsonObject = {}): JsonObject {
  return { ...top, providers: { openai: { keys, network_config: { base_url: mock.url } } } };
}

describe('key allow-lists on requests', () => {
  it('["*"] serves any model', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(openaiConfig(mock, [{ name: 'main', value: 'sk-main', models: ['*'] }]));
    for (const model of ['gpt-4o-mini', 'o3-mini', 'a-model-released-tomorrow']) {
      expect((await postChat(gateway, chatBody(`openai/${model}`))).status).toBe(200);
    }
    expect(mock.requests).toHaveLength(3);
  });

  it('a named list serves exactly those models, and the 400 for another names the keys and what they allow', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(
      openaiConfig(mock, [
        { name: 'main', value: 'sk-main', models: ['gpt-4o-mini'] },
        { name: 'backup', value: 'sk-backup', models: ['gpt-4o-mini'] },
      ]),
    );
    expect((await postChat(gateway, chatBody('openai/gpt-4o-mini'))).status).toBe(200);
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o')), 400);
    expect(err.error.message).toBe("keys main, backup of provider 'openai' do not allow model 'gpt-4o' (allowed: gpt-4o-mini)");
    expect(err.is_bifrost_error).toBe(true);
    expect(err.error.message).not.toMatch(/sk-main|sk-backup/);
    expect(mock.requests).toHaveLength(1);
  });

  it('blacklisted_models wins over models: the blocked model never reaches the upstream', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(openaiConfig(mock, [{ name: 'main', value: 'sk-main', models: ['*'], blacklisted_models: ['gpt-4o'] }]));
    expect((await postChat(gateway, chatBody('openai/gpt-4o-mini'))).status).toBe(200);
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o')), 400);
    expect(err.error.message).toBe("key main of provider 'openai' does not allow model 'gpt-4o' (allowed: * except gpt-4o)");
    expect(mock.requests.map((r) => (r.json as JsonObject)['model'])).toEqual(['gpt-4o-mini']);
  });

  it('a blacklisted model goes to another key that allows it', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(
      openaiConfig(mock, [
        { name: 'cheap', value: 'sk-cheap', models: ['*'], blacklisted_models: ['gpt-4o'], weight: 100 },
        { name: 'premium', value: 'sk-premium', models: ['gpt-4o'], weight: 1 },
      ]),
    );
    for (let i = 0; i < 10; i++) expect((await postChat(gateway, chatBody('openai/gpt-4o'))).status).toBe(200);
    expect(new Set(mock.requests.map((r) => r.headers['authorization']))).toEqual(new Set(['Bearer sk-premium']));
  });

  it('a pinned key (x-bf-api-key) that does not allow the model is a 400 naming that key', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(
      openaiConfig(mock, [
        { name: 'main', value: 'sk-main', models: ['gpt-4o-mini'] },
        { name: 'wide', value: 'sk-wide', models: ['*'] },
      ]),
    );
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o'), { 'x-bf-api-key': 'main' }), 400);
    expect(err.error.message).toBe("key main of provider 'openai' does not allow model 'gpt-4o' (allowed: gpt-4o-mini)");
    expect(mock.requests).toHaveLength(0);
  });
});

describe('an empty models list and the config version', () => {
  const emptyKey = { name: 'legacy', value: 'sk-legacy', models: [] };

  it('version 1 (Bifrost v1.4): [] serves every model', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(openaiConfig(mock, [emptyKey], { version: 1 }));
    expect((await postChat(gateway, chatBody('openai/gpt-4o-mini'))).status).toBe(200);
  });

  it('version 2: [] serves nothing', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(openaiConfig(mock, [emptyKey], { version: 2 }));
    const err = expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o-mini')), 400);
    expect(err.error.message).toBe("key legacy of provider 'openai' does not allow model 'gpt-4o-mini' (allowed: none)");
    expect(mock.requests).toHaveLength(0);
  });

  it('no version: [] serves nothing, as in Bifrost v1.5+', async () => {
    const mock = await answeringMock();
    const gateway = await testbed.gateway(openaiConfig(mock, [emptyKey]));
    expectBifrostError(await postChat(gateway, chatBody('openai/gpt-4o-mini')), 400);
    expect(mock.requests).toHaveLength(0);
  });
});

describe('start-up warning for keys that can serve no model', () => {
  it('names every such key, by name and never by value, in one warning line', async () => {
    const mock = await answeringMock();
    const logs = captureLogs();
    await testbed.gateway(
      {
        providers: {
          openai: {
            keys: [
              { name: 'empty', value: 'sk-secret-empty', models: [] },
              { name: 'serving', value: 'sk-secret-serving', models: ['*'] },
              { name: 'blocks-all', value: 'sk-secret-blocks', models: ['*'], blacklisted_models: ['*'] },
            ],
            network_config: { base_url: mock.url },
          },
          groq: { keys: [{ name: 'no-models-field', value: 'gsk-secret' }], network_config: { base_url: mock.url } },
        },
      },
      { logger: logs.logger },
    );
    const idle = logs.messages(PINO_WARN).filter((msg) => msg.includes('can serve no model'));
    expect(idle).toHaveLength(1);
    expect(idle[0]).toMatch(/^keys that can serve no model: openai: empty, blocks-all; groq: no-models-field /);
    expect(JSON.stringify(logs.lines())).not.toMatch(/sk-secret|gsk-secret/);
  });

  it('says nothing when every key can serve a model', async () => {
    const mock = await answeringMock();
    const logs = captureLogs();
    await testbed.gateway(openaiConfig(mock, [{ name: 'main', value: 'sk-main', models: ['gpt-4o-mini'] }]), { logger: logs.logger });
    expect(logs.messages(PINO_WARN)).toEqual([]);
  });
});

describe('GET /v1/models', () => {
  it('lists only the models some key may serve: its models, less its blacklisted_models', async () => {
    const mock = await testbed.mock();
    const upstreamIds = ['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'text-embedding-3-small'];
    mock.on('GET', '/v1/models', (_req, res) =>
      replyJson(res, 200, { object: 'list', data: upstreamIds.map((id) => ({ id, object: 'model', owned_by: 'openai' })) }),
    );
    const gateway = await testbed.gateway(
      openaiConfig(mock, [
        { name: 'main', value: 'sk-main', models: ['gpt-4o-mini'] },
        { name: 'backup', value: 'sk-backup', models: ['*'], blacklisted_models: ['gpt-4o', 'o3-mini'] },
      ]),
    );
    const res = await fetch(`${gateway.url}/v1/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toEqual(['openai/gpt-4o-mini', 'openai/text-embedding-3-small']);
  });
});
