/**
 * Governance: a virtual key in each SDK's own header; every refusal with Bifrost's decision type
 * and status (required, not found, blocked, provider and model not allowed, request and token
 * limits, budget); a request limit exact and a budget overspent by no more than the requests in
 * flight under 50 concurrent requests; counters that survive a restart; the log row naming the key.
 */
import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { createLoggingPlugin } from '../../src/plugins/logging/logging-plugin.js';
import { chatBody, chatCompletion, providerAt, type ProviderExtras } from '../gateway/gateway-harness.js';
import { captureLogs } from '../support/captured-logs.js';
import { MemoryLogStore } from '../support/memory-log-store.js';
import { replyJson, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const VK = 'sk-bf-team-alpha-0001';
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!();
});

interface GovernanceSetup {
  mock: MockUpstream;
  gateway: RunningGateway;
  post(body?: object, headers?: Record<string, string>): Promise<Response>;
}

/** One virtual key `vk-1` (value VK) allowed every openai model unless `key` says otherwise; $1 per request. */
async function setup(
  options: {
    openai?: ProviderExtras;
    key?: object;
    governance?: object;
    client?: object;
    appDir?: string;
    mock?: MockUpstream;
    logStore?: MemoryLogStore;
  } = {},
) {
  const mock = options.mock ?? (await startMockUpstream());
  mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('hello')));
  mock.on('POST', '/v1/messages', (_req, res) =>
    replyJson(res, 200, {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'hi' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 2 },
    }),
  );
  const config = {
    client: options.client ?? {},
    providers: { openai: providerAt(mock.url, options.openai), anthropic: providerAt(mock.url) },
    governance: {
      virtual_keys: [
        {
          id: 'vk-1',
          name: 'alpha',
          value: VK,
          provider_configs: [
            { provider: 'openai', allowed_models: ['*'], key_ids: ['*'] },
            { provider: 'anthropic', allowed_models: ['claude-haiku-4-5'], key_ids: ['*'] },
          ],
          ...options.key,
        },
      ],
      ...options.governance,
    },
  };
  const plugins = options.logStore
    ? [
        createLoggingPlugin(
          options.logStore,
          { contentLogging: false, capacity: 100, batchSize: 1, intervalMs: 1, retentionDays: 30 },
          pino({ level: 'silent' }),
        ),
      ]
    : [];
  const gateway = await startTestGateway(config, { price: (attempt) => (attempt.usage ? 1 : null), appDir: options.appDir, plugins });
  opened.push(async () => {
    await gateway.close();
    if (!options.mock) await mock.close();
  });
  const post = (body: object = chatBody(), headers: Record<string, string> = { 'x-bf-vk': VK }) =>
    fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { mock, gateway, post } satisfies GovernanceSetup;
}

async function refusal(res: Response): Promise<{ status: number; type: string; message: string }> {
  const body = (await res.json()) as { type: string; is_bifrost_error: boolean; error: { type: string; message: string } };
  expect(body.is_bifrost_error).toBe(true);
  expect(body.error.type).toBe(body.type);
  return { status: res.status, type: body.type, message: body.error.message };
}

describe('governance: credentials', () => {
  it('takes the virtual key from x-bf-vk, from Bearer (OpenAI SDK) and from x-api-key (Anthropic SDK)', async () => {
    const { gateway, post, mock } = await setup();
    expect((await post()).status).toBe(200);
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: VK, maxRetries: 0 });
    const chat = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0]!.message.content).toBe('hello');
    const anthropic = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: VK, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'hi' });
    // The caller's virtual key never goes upstream: the provider sees its own key.
    for (const request of mock.requests) {
      expect(JSON.stringify(request.headers)).not.toContain(VK);
    }
  });

  it('lets a request without a credential through unless client.enforce_auth_on_inference', async () => {
    const open = await setup();
    expect((await open.post(chatBody(), {})).status).toBe(200);
    const enforced = await setup({ client: { enforce_auth_on_inference: true } });
    expect(await refusal(await enforced.post(chatBody(), {}))).toMatchObject({ status: 401, type: 'virtual_key_required' });
    const legacy = await setup({ client: { enforce_governance_header: true } });
    expect((await legacy.post(chatBody(), {})).status).toBe(401);
  });

  it('refuses an unknown virtual key (403) and a Bearer token that is not one (401)', async () => {
    const { post } = await setup();
    expect(await refusal(await post(chatBody(), { authorization: 'Bearer sk-bf-nobody' }))).toEqual({
      status: 403,
      type: 'virtual_key_not_found',
      message: 'Virtual key not found',
    });
    expect(await refusal(await post(chatBody(), { authorization: 'Bearer sk-proj-123' }))).toMatchObject({ status: 401, type: 'virtual_key_required' });
  });

  it('refuses an inactive key and an expired one (virtual_key_blocked, 403)', async () => {
    const inactive = await setup({ key: { is_active: false } });
    expect(await refusal(await inactive.post())).toEqual({ status: 403, type: 'virtual_key_blocked', message: 'Virtual key is inactive' });
    const expired = await setup({ key: { expires_at: '2020-01-01T00:00:00Z' } });
    expect(await refusal(await expired.post())).toEqual({ status: 403, type: 'virtual_key_blocked', message: 'Virtual key has expired' });
  });

  it('refuses a provider or a model the key may not use (403), before anything goes upstream', async () => {
    const { post, mock } = await setup({
      key: { provider_configs: [{ provider: 'openai', allowed_models: ['gpt-4o'], blacklisted_models: ['gpt-4o-mini'], key_ids: ['*'] }] },
    });
    expect(await refusal(await post(chatBody('anthropic/claude-haiku-4-5')))).toEqual({
      status: 403,
      type: 'provider_blocked',
      message: "Provider 'anthropic' is not allowed for this virtual key",
    });
    expect(await refusal(await post(chatBody('openai/gpt-4o-mini')))).toEqual({
      status: 403,
      type: 'model_blocked',
      message: "Model 'gpt-4o-mini' is not allowed for this virtual key",
    });
    expect(mock.requests).toHaveLength(0);
    expect((await post(chatBody('openai/gpt-4o'))).status).toBe(200);
  });

  it('lists only the providers and models the key may use on GET /v1/models', async () => {
    const { gateway, mock } = await setup({
      key: { provider_configs: [{ provider: 'openai', allowed_models: ['gpt-4o', 'o3'], blacklisted_models: ['o3'], key_ids: ['*'] }] },
    });
    mock.on('GET', '/v1/models', (_req, res) =>
      replyJson(res, 200, { object: 'list', data: ['gpt-4o', 'gpt-4o-mini', 'o3'].map((id) => ({ id, object: 'model', owned_by: 'openai' })) }),
    );
    const list = (await (await fetch(`${gateway.url}/v1/models`, { headers: { 'x-bf-vk': VK } })).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((m) => m.id)).toEqual(['openai/gpt-4o']);
    const anthropic = await fetch(`${gateway.url}/v1/models?provider=anthropic`, { headers: { 'x-bf-vk': VK } });
    expect(await refusal(anthropic)).toMatchObject({ status: 403, type: 'provider_blocked' });
    // Without a virtual key (not enforced) the listing is whole.
    const open = (await (await fetch(`${gateway.url}/v1/models?provider=openai`)).json()) as { data: unknown[] };
    expect(open.data).toHaveLength(3);
  });

  it('narrows the key pool to key_ids, and refuses when they name no key of the provider', async () => {
    const { post, mock } = await setup({
      openai: {
        keys: [
          { name: 'shared', value: 'sk-shared', models: ['*'], weight: 1 },
          { name: 'reserved', value: 'sk-reserved', models: ['*'], weight: 1 },
        ],
      },
      key: { provider_configs: [{ provider: 'openai', allowed_models: ['*'], key_ids: ['reserved'] }] },
    });
    for (let i = 0; i < 10; i++) expect((await post()).status).toBe(200);
    expect(new Set(mock.requests.map((request) => request.headers['authorization']))).toEqual(new Set(['Bearer sk-reserved']));
    const none = await setup({ key: { provider_configs: [{ provider: 'openai', allowed_models: ['*'] }] } });
    expect(await refusal(await none.post())).toMatchObject({ status: 403, type: 'key_blocked' });
  });

  it('names a provider config that can serve nothing in one start-up warning', async () => {
    const logs = captureLogs();
    const gateway = await startTestGateway(
      {
        providers: { openai: providerAt('http://127.0.0.1:9') },
        governance: {
          virtual_keys: [
            {
              id: 'v',
              name: 'idle',
              value: 'sk-bf-idle',
              provider_configs: [{ provider: 'openai', allowed_models: [], key_ids: ['no-such-key'] }],
            },
          ],
        },
      },
      { logger: logs.logger },
    );
    opened.push(() => gateway.close());
    expect(logs.messages(40).filter((m) => m.startsWith('virtual key provider configs'))).toEqual([
      'virtual key provider configs that can serve nothing: idle/openai: allowed_models, key_ids ' +
        '(an empty or missing allowed_models or key_ids allows none unless the config says "version": 1; ["*"] allows all)',
    ]);
  });

  it('rejects a config whose virtual key points at a rate limit that does not exist', async () => {
    await expect(setup({ key: { rate_limit_id: 'nope' } })).rejects.toThrow(/governance\.virtual_keys\[0\]\.rate_limit_id/);
  });
});

describe('governance: limits and budgets', () => {
  it('serves exactly the request limit under 50 concurrent requests, then request_limited (429)', async () => {
    const { post } = await setup({
      key: { rate_limit_id: 'rl' },
      governance: { rate_limits: [{ id: 'rl', request_max_limit: 10, request_reset_duration: '1h' }] },
    });
    const statuses = await Promise.all(Array.from({ length: 50 }, () => post().then((res) => res.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const refused = await refusal(await post());
    expect(refused.type).toBe('request_limited');
    expect(refused.message).toContain('request limit exceeded (10/10, resets every 1h)');
  });

  it('refuses with token_limited once the tokens used reach the limit, and rate_limited when both are', async () => {
    const tokens = await setup({
      key: { rate_limit_id: 'rl' },
      governance: { rate_limits: [{ id: 'rl', token_max_limit: 5, token_reset_duration: '1m' }] },
    });
    expect((await tokens.post()).status).toBe(200);
    expect(await refusal(await tokens.post())).toMatchObject({ status: 429, type: 'token_limited' });
    const both = await setup({
      key: { rate_limit_id: 'rl' },
      governance: { rate_limits: [{ id: 'rl', token_max_limit: 5, token_reset_duration: '1m', request_max_limit: 1, request_reset_duration: '1m' }] },
    });
    expect((await both.post()).status).toBe(200);
    expect(await refusal(await both.post())).toMatchObject({ status: 429, type: 'rate_limited' });
  });

  it('refuses with budget_exceeded (402) once spent, overspending by no more than the requests in flight', async () => {
    const { post } = await setup({ governance: { budgets: [{ id: 'b', max_limit: 3, reset_duration: '1d', virtual_key_id: 'vk-1' }] } });
    // $1 each: 50 at once all pass the check before any is charged — the most a budget can be overspent.
    const statuses = await Promise.all(Array.from({ length: 50 }, () => post().then((res) => res.status)));
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThanOrEqual(3);
    // Every answer served is charged: the spend is exactly what went through.
    const refused = await refusal(await post());
    expect(refused).toMatchObject({ status: 402, type: 'budget_exceeded' });
    expect(refused.message).toContain(`Budget exceeded: VK budget exceeded for alpha: ${served}.0000 >= 3.0000 dollars (resets every 1d)`);
  });

  it('stops at the budget when requests come one at a time, at every level: team and customer too', async () => {
    const { post } = await setup({
      key: { team_id: 't' },
      governance: {
        customers: [{ id: 'c', name: 'Acme', budgets: [{ max_limit: 2, reset_duration: '1M' }] }],
        teams: [{ id: 't', name: 'Search', customer_id: 'c' }],
      },
    });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const refused = await refusal(await post());
    expect(refused).toMatchObject({ status: 402, type: 'budget_exceeded' });
    expect(refused.message).toContain('Customer budget exceeded for Acme');
  });

  it('keeps its counters across a restart', async () => {
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-governance-'));
    const mock = await startMockUpstream();
    try {
      const options = {
        appDir,
        mock,
        key: { rate_limit_id: 'rl' },
        governance: { rate_limits: [{ id: 'rl', request_max_limit: 3, request_reset_duration: '1d' }] },
      };
      const first = await setup(options);
      expect((await first.post()).status).toBe(200);
      expect((await first.post()).status).toBe(200);
      await opened.pop()!();
      const second = await setup(options);
      expect((await second.post()).status).toBe(200);
      expect((await second.post()).status).toBe(429);
    } finally {
      await mock.close();
      rmSync(appDir, { recursive: true, force: true });
    }
  });
});

describe('governance: async jobs', () => {
  it('runs a job governed as the key that submitted it, and keeps no key value in the job row', async () => {
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-governance-async-'));
    const { gateway } = await setup({
      appDir,
      key: { provider_configs: [{ provider: 'openai', allowed_models: ['gpt-4o'], key_ids: ['*'] }] },
    });
    try {
      const submit = (model: string) =>
        fetch(`${gateway.url}/v1/async/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${VK}` },
          body: JSON.stringify(chatBody(model)),
        }).then(async (res) => ({ status: res.status, id: ((await res.json()) as { id: string }).id }));
      const poll = async (id: string) => {
        for (let i = 0; i < 100; i++) {
          const res = await fetch(`${gateway.url}/v1/async/chat/completions/${id}`, { headers: { authorization: `Bearer ${VK}` } });
          const body = (await res.json()) as { status: string; status_code?: number; error?: { type: string } };
          if (body.status === 'completed' || body.status === 'failed') return body;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('job did not finish');
      };
      const allowed = await submit('openai/gpt-4o');
      expect(allowed.status).toBe(202);
      expect((await poll(allowed.id)).status).toBe('completed');
      // A model the key may not use: the job runs governed and fails as the request would have.
      const blocked = await submit('openai/gpt-4o-mini');
      const failed = await poll(blocked.id);
      expect(failed).toMatchObject({ status: 'failed', status_code: 403, error: { type: 'model_blocked' } });
      // Another caller cannot see the job.
      const other = await fetch(`${gateway.url}/v1/async/chat/completions/${allowed.id}`);
      expect(other.status).toBe(404);
      await gateway.close();
      opened.pop();
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(path.join(appDir, 'iris.db'), { readonly: true });
      const rows = db.prepare('select request from async_jobs').all() as Array<{ request: string }>;
      db.close();
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.request).not.toContain(VK);
        expect(row.request).toContain('virtual-key-digest');
      }
    } finally {
      rmSync(appDir, { recursive: true, force: true });
    }
  });
});

describe('governance: the management API (reading)', () => {
  it('lists keys (values masked), teams, customers, budgets and rate limits with their usage, and answers the caller its quota', async () => {
    const { gateway, post } = await setup({
      key: { team_id: 't', rate_limit_id: 'rl', budgets: [{ max_limit: 10, reset_duration: '1d' }] },
      governance: {
        rate_limits: [{ id: 'rl', request_max_limit: 100, request_reset_duration: '1h' }],
        customers: [{ id: 'c', name: 'Acme' }],
        teams: [{ id: 't', name: 'Search', customer_id: 'c' }],
      },
    });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${gateway.url}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const list = await get('/api/governance/virtual-keys');
    expect(list.body).toMatchObject({ count: 1, total_count: 1, offset: 0 });
    const key = (list.body['virtual_keys'] as Array<Record<string, unknown>>)[0]!;
    expect(key).toMatchObject({ id: 'vk-1', name: 'alpha', value: 'sk-b************************0001', is_active: true, team_id: 't' });
    expect(JSON.stringify(list.body)).not.toContain(VK);
    expect(key['budgets']).toEqual([expect.objectContaining({ max_limit: 10, reset_duration: '1d', current_usage: 2 })]);
    expect(key['rate_limit']).toMatchObject({ id: 'rl', request_max_limit: 100, request_current_usage: 2, request_reset_duration: '1h' });
    expect((await get('/api/governance/virtual-keys/vk-1')).body['virtual_key']).toMatchObject({ id: 'vk-1' });
    expect((await get('/api/governance/virtual-keys/nope')).status).toBe(404);
    expect((await get('/api/governance/teams')).body).toMatchObject({ teams: [{ id: 't', name: 'Search', customer_id: 'c' }], count: 1 });
    expect((await get('/api/governance/customers')).body).toMatchObject({ customers: [{ id: 'c', name: 'Acme' }] });
    expect((await get('/api/governance/rate-limits')).body).toMatchObject({ count: 1 });
    expect((await get('/api/governance/budgets')).body).toMatchObject({ count: 1 });
    expect((await get('/api/governance/virtual-keys?limit=x')).status).toBe(400);

    const quota = await get('/api/governance/virtual-keys/quota', { 'x-bf-vk': VK });
    expect(quota.body).toMatchObject({ virtual_key_name: 'alpha', is_active: true, budgets: [{ current_usage: 2 }], rate_limit: { request_current_usage: 2 } });
    expect((await get('/api/governance/virtual-keys/quota')).status).toBe(401);
    expect((await get('/api/governance/virtual-keys/quota', { 'x-bf-vk': 'sk-bf-nobody' })).status).toBe(401);
  });
});

describe('governance: records', () => {
  it('puts the virtual key, its team and customer on the log row and the metrics', async () => {
    const store = new MemoryLogStore();
    const { post, gateway } = await setup({
      logStore: store,
      key: { team_id: 't' },
      governance: { customers: [{ id: 'c', name: 'Acme' }], teams: [{ id: 't', name: 'Search', customer_id: 'c' }] },
    });
    expect((await post()).status).toBe(200);
    for (let i = 0; i < 40 && store.rows.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(store.rows[0]).toMatchObject({ virtual_key_id: 'vk-1', virtual_key_name: 'alpha', team_id: 't', customer_id: 'c' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const series = metrics.split('\n').find((line) => line.startsWith('bifrost_success_requests_total{'));
    expect(series).toContain('virtual_key_id="vk-1",virtual_key_name="alpha"');
    expect(series).toContain('team_id="t",team_name="Search",customer_id="c",customer_name="Acme"');
  });
});
