import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAllowList } from '../../src/config/allow-list.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { buildConfig, loadConfig } from '../../src/load-config.js';
import type { StartOptions } from '../../src/load-config.js';
import type { GatewayConfig, ProviderSettings } from '../../src/config/types.js';
import { configErrorOf } from '../support/config-errors.js';
import { replyJson } from '../support/mock-upstream.js';
import { chatBody, chatCompletion, postChat, useTestbed } from '../gateway/gateway-harness.js';
import type { JsonObject } from '../gateway/gateway-harness.js';

const OPTIONS: StartOptions = { appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' };
const testbed = useTestbed();

function build(raw: unknown, env: Record<string, string> = {}): GatewayConfig {
  return buildConfig(OPTIONS, raw, env);
}

function provider(config: GatewayConfig, name: string): ProviderSettings {
  const settings = config.providers.get(name);
  if (!settings) throw new Error(`provider ${name} missing; have ${[...config.providers.keys()].join(', ')}`);
  return settings;
}

function openai(extra: JsonObject = {}): JsonObject {
  return { providers: { openai: { keys: [{ name: 'k', models: ['*'], value: 'sk-test' }], ...extra } } };
}

describe('buildConfig', () => {
  it('resolves env.VAR anywhere in the file', () => {
    const config = build(
      {
        providers: {
          openai: {
            keys: [{ name: 'main', value: 'env.MY_OPENAI_KEY', models: ['env.MY_MODEL'] }],
            network_config: { base_url: 'env.MY_BASE_URL' },
          },
        },
      },
      { MY_OPENAI_KEY: 'sk-from-env', MY_MODEL: 'gpt-4o-mini', MY_BASE_URL: 'http://127.0.0.1:9999' },
    );
    const settings = provider(config, 'openai');
    expect(settings.keys[0]).toMatchObject({ name: 'main', value: 'sk-from-env' });
    expect(describeAllowList(settings.keys[0]!.models)).toBe('gpt-4o-mini');
    expect(settings.baseUrl).toBe('http://127.0.0.1:9999');
  });

  it('a missing env variable is a ConfigError naming the field and the variable', () => {
    const err = configErrorOf(() => build({ providers: { openai: { keys: [{ name: 'main', models: ['*'], value: 'env.NOT_SET_ANYWHERE' }] } } }));
    expect(err.message).toBe('config error: providers.openai.keys[0].value: environment variable NOT_SET_ANYWHERE is not set');
  });

  it('an unknown provider is a ConfigError naming providers.<name>', () => {
    const err = configErrorOf(() => build({ providers: { notreal: { keys: [{ name: 'k', models: ['*'], value: 'v' }] } } }));
    expect(err.message).toMatch(/^config error: providers\.notreal: unknown provider/);
    expect(err.message).toContain('custom_provider_config');
  });

  it('an invalid base_url is a ConfigError naming network_config.base_url', () => {
    const err = configErrorOf(() => build(openai({ network_config: { base_url: 'not a url' } })));
    expect(err.message).toMatch(/^config error: providers\.openai\.network_config\.base_url: must be a URL/);
  });

  it('a negative weight is a ConfigError naming the key’s weight', () => {
    const err = configErrorOf(() => build({ providers: { openai: { keys: [{ name: 'k', models: ['*'], value: 'v', weight: -1 }] } } }));
    expect(err.message).toBe('config error: providers.openai.keys[0].weight: must be greater than 0');
  });

  it('a key without a value is a ConfigError for providers that need one', () => {
    const err = configErrorOf(() => build({ providers: { groq: { keys: [{ name: 'k' }] } } }));
    expect(err.message).toBe('config error: providers.groq.keys[0].value: is required');
  });

  it('duplicate key names are a ConfigError', () => {
    const err = configErrorOf(() =>
      build({
        providers: {
          openai: {
            keys: [
              { name: 'k', models: ['*'], value: 'a' },
              { name: 'k', models: ['*'], value: 'b' },
            ],
          },
        },
      }),
    );
    expect(err.message).toMatch(/^config error: providers\.openai\.keys\[1\]\.name: duplicate key name 'k'/);
  });

  it('a wrongly typed field is a ConfigError naming it', () => {
    const err = configErrorOf(() => build(openai({ network_config: { max_retries: 'three' } })));
    expect(err.message).toMatch(/^config error: providers\.openai\.network_config\.max_retries: /);
  });

  it('accepts fractional timeouts in seconds', () => {
    const settings = provider(build(openai({ network_config: { default_request_timeout_in_seconds: 0.3, stream_idle_timeout_in_seconds: 0.25 } })), 'openai');
    expect(settings.timeoutMs).toBe(300);
    expect(settings.streamIdleTimeoutMs).toBe(250);
  });

  it('reads retry backoff as milliseconds or durations', () => {
    const asNumbers = provider(build(openai({ network_config: { retry_backoff_initial: 250, retry_backoff_max: 4000 } })), 'openai');
    expect([asNumbers.retryBackoffInitialMs, asNumbers.retryBackoffMaxMs]).toEqual([250, 4000]);
    const asDurations = provider(build(openai({ network_config: { retry_backoff_initial: '500ms', retry_backoff_max: '2s' } })), 'openai');
    expect([asDurations.retryBackoffInitialMs, asDurations.retryBackoffMaxMs]).toEqual([500, 2000]);
  });

  it('fills every unset setting from DEFAULTS', () => {
    const config = build(openai());
    const settings = provider(config, 'openai');
    expect(settings).toMatchObject({
      maxRetries: DEFAULTS.maxRetries,
      retryBackoffInitialMs: DEFAULTS.retryBackoffInitialMs,
      retryBackoffMaxMs: DEFAULTS.retryBackoffMaxMs,
      timeoutMs: DEFAULTS.requestTimeoutSeconds * 1000,
      streamIdleTimeoutMs: DEFAULTS.streamIdleTimeoutSeconds * 1000,
      concurrency: DEFAULTS.concurrency,
      bufferSize: DEFAULTS.bufferSize,
      sendBackRawRequest: false,
      sendBackRawResponse: false,
    });
    expect(settings.keys[0]?.weight).toBe(DEFAULTS.keyWeight);
    expect(config.client).toEqual({
      dropExcessRequests: DEFAULTS.dropExcessRequests,
      maxRequestBodyBytes: DEFAULTS.maxRequestBodySizeMb * 1024 * 1024,
      asyncJobResultTtlSeconds: DEFAULTS.asyncJobResultTtlSeconds,
      asyncJobConcurrency: DEFAULTS.asyncJobConcurrency,
      headerFilter: { allowlist: [], denylist: [] },
      maxJsonDepth: DEFAULTS.maxJsonDepth,
      requestHeaderTimeoutMs: DEFAULTS.requestHeaderTimeoutSeconds * 1000,
      requestBodyIdleTimeoutMs: DEFAULTS.requestBodyIdleTimeoutSeconds * 1000,
      maxConnections: DEFAULTS.maxConnections,
    });
  });

  it('reads client settings', () => {
    const config = build({
      ...openai(),
      client: {
        drop_excess_requests: true,
        max_request_body_size_mb: 0.5,
        async_job_result_ttl: 60,
        async_job_concurrency: 2,
        header_filter_config: { allowlist: ['Anthropic-Beta'], denylist: ['x-debug'] },
        max_json_depth: 64,
        request_header_timeout_in_seconds: 5,
        request_body_idle_timeout_in_seconds: 7,
        max_connections: 100,
      },
    });
    expect(config.client).toEqual({
      dropExcessRequests: true,
      maxRequestBodyBytes: 512 * 1024,
      asyncJobResultTtlSeconds: 60,
      asyncJobConcurrency: 2,
      headerFilter: { allowlist: ['anthropic-beta'], denylist: ['x-debug'] },
      maxJsonDepth: 64,
      requestHeaderTimeoutMs: 5000,
      requestBodyIdleTimeoutMs: 7000,
      maxConnections: 100,
    });
  });

  it('loads a Bifrost config with sections Iris does not read yet', () => {
    const config = build({ ...openai(), governance: { virtual_keys: [] }, config_store: { enabled: false }, logs_store: { enabled: false } });
    expect([...config.providers.keys()]).toEqual(['openai']);
  });

  it('a custom provider needs custom_provider_config and a base_url', () => {
    const custom = { keys: [{ name: 'k', models: ['*'], value: 'v' }], custom_provider_config: { base_provider_type: 'openai' } };
    const err = configErrorOf(() => build({ providers: { 'my-llm': custom } }));
    expect(err.message).toBe('config error: providers.my-llm.network_config.base_url: is required for this provider');
    const config = build({ providers: { 'my-llm': { ...custom, network_config: { base_url: 'http://127.0.0.1:1' } } } });
    expect(provider(config, 'my-llm')).toMatchObject({ family: 'openai', baseUrl: 'http://127.0.0.1:1' });
  });

  it('custom_provider_config takes allowed_requests, request_path_overrides and is_key_less as Bifrost writes them', () => {
    const base = { network_config: { base_url: 'http://127.0.0.1:1' } };
    const bad = configErrorOf(() =>
      build({
        providers: {
          'my-llm': {
            ...base,
            keys: [{ name: 'k', models: ['*'], value: 'v' }],
            custom_provider_config: { base_provider_type: 'openai', allowed_requests: { chat_completion: 'yes' } },
          },
        },
      }),
    );
    expect(bad.message).toBe(
      'config error: providers.my-llm.custom_provider_config.allowed_requests.chat_completion: each allowed_requests entry must be true or false',
    );
    const keyless = configErrorOf(() =>
      build({ providers: { 'my-llm': { ...base, keys: [{ name: 'k' }], custom_provider_config: { base_provider_type: 'openai' } } } }),
    );
    expect(keyless.message).toBe('config error: providers.my-llm.keys[0].value: is required');

    const config = build({
      providers: {
        'my-llm': {
          ...base,
          keys: [{ name: 'k' }],
          custom_provider_config: {
            base_provider_type: 'openai',
            is_key_less: true,
            allowed_requests: { chat_completion: true, chat_completion_stream: false, ocr: true },
            request_path_overrides: { chat_completion: 'chat', embedding: 'https://e.example/x', speech: ' ' },
          },
        },
      },
    });
    const settings = provider(config, 'my-llm');
    expect(settings.keys[0]?.value).toBe('');
    expect([...(settings.allowedRequests ?? [])]).toEqual(['chat_completion', 'ocr']);
    expect(settings.requestPathOverrides).toEqual({ chat_completion: '/chat', embedding: 'https://e.example/x' });
  });

  it("the README's config.json example is accepted as written", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a ```json config example').toBeDefined();
    const config = build(JSON.parse(example!), { OPENAI_API_KEY: 'sk-readme', AZURE_API_KEY: 'az-readme' });
    expect([...config.providers.keys()]).toEqual(['openai', 'azure', 'my-vllm']);
    expect(provider(config, 'my-vllm').requestPathOverrides).toEqual({ embedding: '/v1/embed' });
  });

  it('a self-hosted provider (vllm) needs a base_url but no key value', () => {
    const err = configErrorOf(() => build({ providers: { vllm: { keys: [{ name: 'k' }] } } }));
    expect(err.message).toMatch(/^config error: providers\.vllm\.network_config\.base_url: /);
    const config = build({ providers: { vllm: { keys: [{ name: 'k' }], network_config: { base_url: 'http://127.0.0.1:8000' } } } });
    expect(provider(config, 'vllm').keys[0]?.value).toBe('');
  });
});

describe('custom providers serve requests', () => {
  it('a custom provider with custom_provider_config + base_url receives OpenAI-wire requests', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('from my-llm', 'house-model')));
    const gateway = await testbed.gateway({
      providers: {
        'my-llm': {
          keys: [{ name: 'house', models: ['*'], value: 'house-secret' }],
          custom_provider_config: { base_provider_type: 'openai' },
          network_config: { base_url: mock.url },
        },
      },
    });
    const reply = await postChat(gateway, chatBody('my-llm/house-model'));
    expect(reply.status, reply.text).toBe(200);
    const upstream = mock.lastRequest();
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe('Bearer house-secret');
    expect((upstream.json as JsonObject)['model']).toBe('house-model');
    expect((reply.json as JsonObject)['extra_fields']).toMatchObject({ provider: 'my-llm', model_requested: 'house-model' });
  });
});

describe('loadConfig', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function appDir(configJson?: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'iris-config-'));
    dirs.push(dir);
    if (configJson !== undefined) writeFileSync(path.join(dir, 'config.json'), configJson);
    return dir;
  }

  it('without config.json, OPENAI_API_KEY and GROQ_API_KEY produce the openai and groq providers', () => {
    const config = loadConfig({ ...OPTIONS, appDir: appDir() }, { OPENAI_API_KEY: 'sk-openai-env', GROQ_API_KEY: 'gsk-groq-env' });
    expect([...config.providers.keys()].sort()).toEqual(['groq', 'openai']);
    expect(provider(config, 'openai').keys[0]?.value).toBe('sk-openai-env');
    expect(provider(config, 'groq').keys[0]?.value).toBe('gsk-groq-env');
  });

  it('without config.json or provider env vars, no provider is configured', () => {
    expect(loadConfig({ ...OPTIONS, appDir: appDir() }, {}).providers.size).toBe(0);
  });

  it('reads APP_DIR/config.json when present, resolving env.VAR from the given env', () => {
    const dir = appDir(JSON.stringify({ providers: { mistral: { keys: [{ name: 'm', models: ['*'], value: 'env.MISTRAL_KEY' }] } } }));
    const config = loadConfig({ ...OPTIONS, appDir: dir }, { MISTRAL_KEY: 'mk-1', OPENAI_API_KEY: 'ignored-when-file-exists' });
    expect([...config.providers.keys()]).toEqual(['mistral']);
    expect(provider(config, 'mistral').keys[0]?.value).toBe('mk-1');
  });

  it('a config.json that is not JSON is a ConfigError naming the file', () => {
    const dir = appDir('{ "providers": ');
    const err = configErrorOf(() => loadConfig({ ...OPTIONS, appDir: dir }, {}));
    expect(err.message).toContain(path.join(dir, 'config.json'));
    expect(err.message).toMatch(/is not valid JSON/);
  });
});
