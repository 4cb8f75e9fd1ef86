/**
 * A config.json written for a current Bifrost loads unchanged: every top-level section is accepted,
 * what Iris does not act on yet is listed once at start-up, a wrong type is still a one-line error
 * naming the field, and Bifrost's own end-to-end config (test/fixtures/bifrost-config) starts Iris
 * and serves a chat request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildConfig, type StartOptions } from '../../src/load-config.js';
import { startGateway, type RunningGateway } from '../../src/index.js';
import { captureLogs } from '../support/captured-logs.js';
import { configErrorOf } from '../support/config-errors.js';
import { readJsonBody } from '../support/fixtures.js';
import { replyJson } from '../support/mock-upstream.js';
import { chatBody, chatCompletion, postChat, useTestbed } from '../gateway/gateway-harness.js';
import type { JsonObject } from '../gateway/gateway-harness.js';

const OPTIONS: StartOptions = { appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' };
const PINO_WARN = 40;
const testbed = useTestbed();

const OPENAI = { keys: [{ name: 'k', value: 'sk-test', models: ['*'] }] };

describe('every top-level field of a current Bifrost config.json', () => {
  it('is accepted, including Enterprise blocks', () => {
    const config = buildConfig(
      OPTIONS,
      {
        $schema: 'https://www.getbifrost.ai/schema',
        version: 2,
        encryption_key: 'a-passphrase-of-sixteen-bytes',
        source_of_truth: 'split',
        env_label: 'staging',
        client: { drop_excess_requests: true, enable_logging: true, header_filter_config: { allowlist: ['x-team'], denylist: ['x-secret'] } },
        providers: { openai: OPENAI },
        governance: {
          virtual_keys: [{ id: 'vk', name: 'vk', value: 'sk-bf-vk', provider_configs: [{ provider: 'openai', allowed_models: ['*'], key_ids: ['*'] }] }],
        },
        framework: { pricing: { pricing_sync_interval: 86400 } },
        mcp: { client_configs: [{ name: 'tools', connection_type: 'sse', connection_string: 'http://127.0.0.1:1/sse' }] },
        vector_store: { enabled: false },
        config_store: { enabled: false },
        logs_store: { enabled: true, type: 'sqlite', config: { path: 'logs.db' } },
        plugins: [{ enabled: true, name: 'telemetry', config: {} }],
        websocket: { max_connections_per_user: 10 },
        webhooks: [{ name: 'jobs', url: 'https://hooks.example/x', events: ['async_job.completed'] }],
        server: { read_buffer_size: 65536 },
        auth_config: { is_enabled: false },
        alerting: { channels: [] },
        skills_registry: { enabled: false },
        guardrails_config: { guardrail_rules: [] },
        audit_logs: { disabled: true },
        cluster_config: { enabled: false },
        load_balancer_config: { enabled: false },
        large_payload_optimization: { enabled: false },
        scim_config: { enabled: false },
        access_profiles: [{ name: 'default' }],
        feature_flags: { flags: {} },
        circuit_breaker_config: { policies: [] },
      },
      {},
    );
    expect([...config.providers.keys()]).toEqual(['openai']);
    expect(config.client.dropExcessRequests).toBe(true);
  });

  it('accepts the provider-, network- and key-level fields Bifrost has', () => {
    const config = buildConfig(
      OPTIONS,
      {
        providers: {
          openai: {
            keys: [
              {
                id: 'key-1',
                name: 'main',
                value: 'sk-main',
                models: ['*'],
                weight: 1,
                enabled: true,
                description: 'production key',
                use_for_batch_api: true,
                aliases: { fast: 'gpt-4o-mini', smart: { model_id: 'gpt-4o' } },
                config_hash: 'abc',
              },
            ],
            network_config: {
              stream_idle_timeout_in_seconds: 120,
              keep_alive_timeout_in_seconds: 30,
              max_conns_per_host: 100,
              enforce_http2: false,
              allow_private_network: true,
            },
            proxy_config: { type: 'http', url: 'http://proxy.internal:3128' },
            store_raw_request_response: false,
            openai_config: { disable_store: true },
          },
        },
      },
      {},
    );
    expect(config.providers.get('openai')?.keys.map((k) => k.name)).toEqual(['main']);
  });
});

describe('fields Iris does not act on yet', () => {
  it('are listed once at start-up, by path; switched-off sections and empty lists are not', async () => {
    const mock = await testbed.mock();
    const logs = captureLogs();
    await testbed.gateway(
      {
        $schema: 'https://www.getbifrost.ai/schema',
        client: { drop_excess_requests: false, enable_logging: true, allowed_origins: ['*'] },
        providers: {
          openai: {
            keys: [{ name: 'k', value: 'sk-test', models: ['*'], use_for_batch_api: true, description: 'says nothing' }],
            network_config: { base_url: mock.url, insecure_skip_verify: true },
            proxy_config: { type: 'environment' },
          },
          elevenlabs: { keys: [{ name: 'voice', value: 'el-key', models: ['*'] }] },
        },
        governance: { routing_rules: [{ id: 'r', name: 'r', targets: [{ weight: 1 }] }], virtual_keys: [] },
        mcp: { client_configs: [{ name: 'tools', connection_type: 'sse', connection_string: 'http://127.0.0.1:1/sse' }] },
        plugins: [
          { enabled: true, name: 'semantic_cache', config: { dimension: 1 } },
          { enabled: false, name: 'telemetry', config: {} },
        ],
        config_store: { enabled: false },
        vector_store: { enabled: true, type: 'redis', config: { addr: '127.0.0.1:6379' } },
      },
      { logger: logs.logger },
    );
    const lines = logs.messages(PINO_WARN).filter((msg) => msg.startsWith('config fields accepted but not implemented yet'));
    expect(lines).toEqual([
      'config fields accepted but not implemented yet: governance.routing_rules, mcp.client_configs, vector_store, plugins.semantic_cache, ' +
        'client.allowed_origins, providers.openai.proxy_config, providers.openai.network_config.insecure_skip_verify, ' +
        'providers.openai.keys[].use_for_batch_api, providers.elevenlabs',
    ]);
  });

  it('a config Iris acts on entirely logs no such line', async () => {
    const mock = await testbed.mock();
    const logs = captureLogs();
    await testbed.gateway(
      {
        $schema: 'https://www.getbifrost.ai/schema',
        version: 2,
        providers: { openai: { ...OPENAI, network_config: { base_url: mock.url } } },
        config_store: { enabled: false },
      },
      { logger: logs.logger },
    );
    expect(logs.messages(PINO_WARN)).toEqual([]);
  });
});

describe('a field of the wrong type', () => {
  it.each([
    [{ governance: 'on' }, /^config error: governance: /],
    [{ governance: { virtual_keys: {} } }, /^config error: governance\.virtual_keys: /],
    [{ client: { enable_logging: 'yes' } }, /^config error: client\.enable_logging: /],
    [{ client: { header_filter_config: { allowlist: 'x-team' } } }, /^config error: client\.header_filter_config\.allowlist: /],
    [{ plugins: [{ name: 'telemetry', enabled: 'yes' }] }, /^config error: plugins\[0\]\.enabled: /],
    [{ webhooks: { name: 'x' } }, /^config error: webhooks: /],
    [{ logs_store: { enabled: 1 } }, /^config error: logs_store\.enabled: /],
    [{ providers: { openai: { ...OPENAI, proxy_config: 'http://proxy' } } }, /^config error: providers\.openai\.proxy_config: /],
    [
      { providers: { openai: { keys: [{ name: 'k', value: 'v', models: ['*'], blacklisted_models: 'gpt-4o' }] } } },
      /^config error: providers\.openai\.keys\[0\]\.blacklisted_models: /,
    ],
  ])('%j is a one-line ConfigError naming the field', (raw, expected) => {
    const { message } = configErrorOf(() => buildConfig(OPTIONS, { providers: { openai: OPENAI }, ...raw }, {}));
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });
});

describe("Bifrost's own config.json (examples/configs/e2e in maximhq/bifrost)", () => {
  const dirs: string[] = [];
  const gateways: RunningGateway[] = [];
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  /** Every `env.NAME` the file names, set to a value of the kind it needs. */
  function stubEnvReferences(value: unknown): void {
    if (typeof value === 'string' && value.startsWith('env.')) {
      const name = value.slice(4);
      vi.stubEnv(name, ENV_VALUES[name] ?? `test-${name.toLowerCase()}`);
    } else if (Array.isArray(value)) {
      value.forEach(stubEnvReferences);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(stubEnvReferences);
    }
  }

  const ENV_VALUES: Record<string, string> = {
    OPENAI_API_KEY: 'sk-from-bifrost-config',
    AZURE_ENDPOINT: 'https://bifrost-e2e.openai.azure.com',
    VERTEX_CREDENTIALS: JSON.stringify({ type: 'service_account', client_email: 'e2e@example.iam.gserviceaccount.com', private_key: 'unused' }),
    AWS_REGION: 'us-east-1',
  };

  it('starts Iris unchanged but for base_url and the log file, and serves a chat request through the mock upstream', async () => {
    const fixture = readJsonBody('bifrost-config/e2e-config.json') as JsonObject;
    stubEnvReferences(fixture);
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('hello from the Bifrost config')));
    const providers = fixture['providers'] as Record<string, JsonObject>;
    const openai = providers['openai']!;
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-bifrost-config-'));
    const logsStore = fixture['logs_store'] as JsonObject;
    const config = {
      ...fixture,
      providers: { ...providers, openai: { ...openai, network_config: { ...(openai['network_config'] as JsonObject), base_url: mock.url } } },
      // The fixture's log file lies outside its own tree (../../tests/…); the test's stays in its app dir.
      logs_store: { ...logsStore, config: { path: path.join(appDir, 'logs.db') } },
    };
    dirs.push(appDir);
    writeFileSync(path.join(appDir, 'config.json'), JSON.stringify(config, null, 2));

    const logs = captureLogs();
    const gateway = await startGateway({ ...OPTIONS, appDir, logger: logs.logger });
    gateways.push(gateway);

    const reply = await postChat(gateway, chatBody('openai/gpt-4o-mini'));
    expect(reply.status, reply.text).toBe(200);
    expect(mock.lastRequest().headers['authorization']).toBe('Bearer sk-from-bifrost-config');
    expect(((reply.json as JsonObject)['choices'] as JsonObject[])[0]).toMatchObject({ message: { content: 'hello from the Bifrost config' } });

    // Providers Bifrost has and Iris does not serve yet are left out, not a start-up failure.
    expect(gateway.config.providers.has('elevenlabs')).toBe(false);
    expect(gateway.config.providers.has('nebius')).toBe(true);
    const warnings = logs.messages(PINO_WARN);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(
      'config fields accepted but not implemented yet: logs_store.writer, mcp.client_configs, vector_store, config_store, server, ' +
        'client.initial_pool_size, client.allowed_origins, ' +
        'providers.openai.keys[].use_for_batch_api, providers.elevenlabs, providers.xai.keys[].use_for_batch_api, ' +
        'providers.huggingface.keys[].use_for_batch_api, providers.anthropic.keys[].use_for_batch_api, providers.gemini.keys[].use_for_batch_api, ' +
        'providers.vertex.keys[].use_for_batch_api, providers.azure.keys[].use_for_batch_api, providers.bedrock.keys[].use_for_batch_api, ' +
        'providers.bedrock_mantle, providers.replicate, providers.runware, providers.runway, providers.deepseek.keys[].use_for_batch_api',
    );
    // Bifrost's file leaves `models` out of the Nebius key: under v1.5+ semantics it serves nothing, and start-up says so.
    expect(warnings[1]).toMatch(/^keys that can serve no model: nebius: Nebius API Key /);
  });
});
