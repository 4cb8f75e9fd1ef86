import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { PostgresLogStore } from '../../src/stores/postgres/postgres-log-store.js';
import { SqliteLogStore } from '../../src/stores/sqlite/sqlite-log-store.js';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.js';
import { startTestGateway } from '../support/test-gateway.js';
import { chat, ENTRIES, logEntry } from '../stores/log-store-contract.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field by the expectations below
async function get(gateway: RunningGateway, pathAndQuery: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gateway.url}${pathAndQuery}`);
  return { status: res.status, body: await res.json() };
}

async function ids(gateway: RunningGateway, query: string): Promise<string[]> {
  const { status, body } = await get(gateway, `/api/logs?${query}`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.logs.map((row: { id: string }) => row.id);
}

describe('logs API over HTTP (SQLite store)', () => {
  let dir: string;
  let store: SqliteLogStore;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'iris-logs-api-'));
    store = await SqliteLogStore.open(path.join(dir, 'logs.db'));
    await store.insertBatch(ENTRIES);
    gateway = await startTestGateway({}, { logStore: store });
  });
  afterAll(async () => {
    await gateway.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers Bifrost's shape: newest first, 50 a page, count, stats, has_logs, RFC 3339 timestamps and key objects", async () => {
    const { status, body } = await get(gateway, '/api/logs');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['has_logs', 'logs', 'pagination', 'stats']);
    expect(body.pagination).toEqual({ limit: 50, offset: 0, sort_by: 'timestamp', order: 'desc', total_count: 10 });
    expect(body.has_logs).toBe(true);
    expect(body.stats).toEqual({
      total_requests: 10,
      success_rate: expect.closeTo((8 / 9) * 100, 10),
      average_latency: expect.closeTo(1600 / 9, 10),
      total_tokens: 1105,
      total_cost: expect.closeTo(0.05701, 12),
    });
    expect(body.logs.map((row: { id: string }) => row.id)).toEqual(['r10', 'r09', 'r08', 'r07', 'r06', 'r05', 'r04', 'r03', 'r02', 'r01']);
    const r06 = body.logs.find((row: { id: string }) => row.id === 'r06');
    expect(r06).toMatchObject({
      timestamp: '2026-01-01T00:06:00.000Z',
      object: 'chat_completion',
      selected_key_id: 'key-a',
      selected_key_name: 'key-a',
      selected_key: { id: 'key-a', name: 'key-a' },
      virtual_key_id: 'vk-1',
      virtual_key: { id: 'vk-1', name: 'Team A' },
      stream: true,
      time_to_first_token: 42,
      token_usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      input_history: [{ role: 'user', content: 'hello' }],
      output_message: {
        role: 'assistant',
        content: 'hi there',
        tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      params: { temperature: 0.2 },
      content_summary: 'hello\nhi there\n{"city":"Paris"}',
    });
  });

  it('reads every filter from its query parameter, lists comma-separated', async () => {
    expect(await ids(gateway, 'providers=anthropic,%20gemini,&order=asc')).toEqual(['r02', 'r07']);
    expect(await ids(gateway, 'models=text-embedding-3-small')).toEqual(['r04']);
    expect(await ids(gateway, 'status=error,processing&order=asc')).toEqual(['r03', 'r08']);
    expect(await ids(gateway, 'objects=embedding')).toEqual(['r04']);
    expect(await ids(gateway, 'selected_key_ids=key-b')).toEqual(['r05']);
    expect(await ids(gateway, 'selected_key_names=key-b')).toEqual(['r05']);
    expect(await ids(gateway, 'virtual_key_ids=vk-1')).toEqual(['r06']);
    expect(await ids(gateway, 'start_time=2026-01-01T00:09:00Z&order=asc')).toEqual(['r09', 'r10']);
    expect(await ids(gateway, 'end_time=2026-01-01T01:02:00.000000000%2B01:00&order=asc')).toEqual(['r01', 'r02']);
    expect(await ids(gateway, 'min_latency=500')).toEqual(['r02']);
    expect(await ids(gateway, 'max_latency=50.0&order=asc')).toEqual(['r03', 'r04']);
    expect(await ids(gateway, 'min_tokens=1000')).toEqual(['r05']);
    expect(await ids(gateway, 'max_tokens=15&min_tokens=15&limit=2')).toEqual(['r10', 'r09']);
    expect(await ids(gateway, 'min_cost=0.01')).toEqual(['r05']);
    expect(await ids(gateway, 'max_cost=.0001')).toEqual(['r04']);
    expect(await ids(gateway, 'missing_cost_only=true&order=asc')).toEqual(['r03', 'r08']);
    expect(await ids(gateway, 'content_search=Weather%20in')).toEqual(['r01']);
    expect(await ids(gateway, 'parent_request_id=r06')).toEqual(['r07']);
    expect(await ids(gateway, 'session_id=r06')).toEqual(['r07']);
  });

  it('sorts and pages as asked, and says so in pagination', async () => {
    const { body } = await get(gateway, '/api/logs?sort_by=latency&order=asc&limit=3&offset=1');
    expect(body.pagination).toEqual({ limit: 3, offset: 1, sort_by: 'latency', order: 'asc', total_count: 10 });
    expect(body.logs.map((row: { id: string }) => row.id)).toEqual(['r03', 'r05', 'r06']);
    expect(await ids(gateway, 'sort_by=tokens&limit=1')).toEqual(['r05']);
    expect(await ids(gateway, 'sort_by=cost&order=desc&limit=2')).toEqual(['r05', 'r01']);
  });

  it.each([
    ['limit=0', 'limit', 'limit must be greater than 0'],
    ['limit=1001', 'limit', 'limit cannot exceed 1000'],
    ['limit=ten', 'limit', "limit must be a whole number (got 'ten')"],
    ['offset=-1', 'offset', 'offset cannot be negative'],
    ['sort_by=name', 'sort_by', "sort_by must be one of timestamp, latency, tokens, cost (got 'name')"],
    ['order=up', 'order', "order must be one of asc, desc (got 'up')"],
    ['status=done', 'status', "status must be one of processing, success, error (got 'done')"],
    ['start_time=yesterday', 'start_time', 'start_time must be an RFC 3339 time'],
    ['end_time=2026-13-45T00:00:00Z', 'end_time', 'end_time must be an RFC 3339 time'],
    ['min_latency=fast', 'min_latency', "min_latency must be a number of milliseconds (got 'fast')"],
    ['max_tokens=1.5', 'max_tokens', "max_tokens must be a whole number (got '1.5')"],
    ['min_cost=-1', 'min_cost', "min_cost must be a number of dollars (got '-1')"],
    ['missing_cost_only=maybe', 'missing_cost_only', "missing_cost_only must be true or false (got 'maybe')"],
  ])('%s is a 400 BifrostError naming the parameter', async (query, param, message) => {
    for (const route of ['/api/logs', '/api/logs/stats']) {
      if (route.endsWith('stats') && ['limit', 'offset', 'sort_by', 'order'].includes(param)) continue;
      const { status, body } = await get(gateway, `${route}?${query}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ status_code: 400, is_bifrost_error: true, error: { param, code: 'invalid_query_parameter' } });
      expect(body.error.message).toContain(message);
    }
  });

  it('gives one row by id, and 404 for an unknown one', async () => {
    const { status, body } = await get(gateway, '/api/logs/r03');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'r03', status: 'error', cost: null, error_details: { status_code: 429, error: { message: 'slow down' } } });
    const missing = await get(gateway, '/api/logs/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status_code: 404, error: { message: 'log not found' } });
  });

  it('answers stats alone for the same filters', async () => {
    const { status, body } = await get(gateway, '/api/logs/stats?providers=anthropic');
    expect(status).toBe(200);
    expect(body).toEqual({ total_requests: 1, success_rate: 100, average_latency: 900, total_tokens: 15, total_cost: 0.001, has_previous_period: false });
  });

  it('lists filter data: models, providers, request types, stop reasons, keys and virtual keys', async () => {
    const { status, body } = await get(gateway, '/api/logs/filterdata');
    expect(status).toBe(200);
    expect(body).toEqual({
      models: ['claude-sonnet-4-5', 'gemini-2.5-flash', 'gpt-4o-mini', 'text-embedding-3-small'],
      providers: ['anthropic', 'gemini', 'openai'],
      objects: ['chat_completion', 'embedding'],
      stop_reasons: ['length', 'stop', 'tool_calls'],
      selected_keys: [
        { id: 'key-a', name: 'key-a' },
        { id: 'key-b', name: 'key-b' },
      ],
      virtual_keys: [{ id: 'vk-1', name: 'Team A' }],
    });
  });

  it('finds a row by its content the moment it is written, and again once it is indexed', async () => {
    await store.insertBatch([logEntry({ id: 'fresh', timestamp: Date.UTC(2026, 0, 2), ...chat('Where is my parcel?', 'On its way.') })]);
    expect(await ids(gateway, 'content_search=my%20parcel')).toEqual(['fresh']);
    await store.indexContent();
    expect(await ids(gateway, 'content_search=my%20parcel')).toEqual(['fresh']);
    expect(await ids(gateway, 'content_search=on%20its%20WAY')).toEqual(['fresh']);
    expect(await store.delete(['fresh'])).toBe(1);
  });

  it('counts dropped rows', async () => {
    expect(await get(gateway, '/api/logs/dropped')).toEqual({ status: 200, body: { dropped_requests: 0 } });
  });

  it('deletes by ids from a JSON body, and refuses a body without ids', async () => {
    await store.insertBatch([logEntry({ id: 'doomed-1' }), logEntry({ id: 'doomed-2' })]);
    const del = (body: string) => fetch(`${gateway.url}/api/logs`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body });
    const ok = await del(JSON.stringify({ ids: ['doomed-1', 'doomed-2'] }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ message: 'Logs deleted successfully' });
    expect((await get(gateway, '/api/logs/doomed-1')).status).toBe(404);
    expect((await get(gateway, '/api/logs')).body.pagination.total_count).toBe(10);
    for (const [body, message] of [
      ['{"ids": []}', 'No log IDs provided'],
      ['{}', 'No log IDs provided'],
      ['{"ids": [1, 2]}', 'ids must be an array of log id strings'],
      ['{"ids": ', 'request body is not valid JSON'],
    ] as const) {
      const res = await del(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
    }
  });
});

describe('logs API wiring', () => {
  it('opens logs.db in the app dir when logs_store is absent, and answers an empty log', async () => {
    const gateway = await startTestGateway({});
    try {
      const { status, body } = await get(gateway, '/api/logs');
      expect(status).toBe(200);
      expect(body).toEqual({
        logs: [],
        pagination: { limit: 50, offset: 0, sort_by: 'timestamp', order: 'desc', total_count: 0 },
        stats: { total_requests: 0, success_rate: 0, average_latency: 0, total_tokens: 0, total_cost: 0 },
        has_logs: false,
      });
      expect(existsSync(path.join(gateway.config.appDir, 'logs.db'))).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('serves no logs API when logs_store is switched off, as Bifrost without its logging plugin', async () => {
    const gateway = await startTestGateway({ logs_store: { enabled: false } });
    try {
      for (const route of ['/api/logs', '/api/logs/stats', '/api/logs/filterdata', '/api/logs/some-id']) {
        expect((await get(gateway, route)).status, route).toBe(404);
      }
      expect(existsSync(path.join(gateway.config.appDir, 'logs.db'))).toBe(false);
    } finally {
      await gateway.close();
    }
  });
});

describe('logs API over HTTP (PostgreSQL store from logs_store config)', () => {
  let server: PostgresServer | undefined;
  let gateway: RunningGateway | undefined;
  let writer: PostgresLogStore | undefined;

  beforeAll(async () => {
    server = await startPostgresServer();
    if (!server) return;
    const { host, port, user, database } = server.settings;
    gateway = await startTestGateway({
      logs_store: { enabled: true, type: 'postgres', config: { host, port: String(port), user, password: '', db_name: database, ssl_mode: 'disable' } },
    });
    writer = await PostgresLogStore.open(server.settings, () => {});
    await writer.insertBatch(ENTRIES);
  });
  afterAll(async () => {
    await gateway?.close();
    await writer?.close();
    await server?.stop();
  });

  it('answers rows another connection wrote, through the same API', async (ctx) => {
    if (!gateway) return ctx.skip();
    expect(writer?.contentSearchIndexed).toBe(true);
    const { body } = await get(gateway, '/api/logs?providers=openai&content_search=WEATHER&limit=5');
    expect(body.pagination.total_count).toBe(1);
    expect(body.logs[0]).toMatchObject({ id: 'r01', timestamp: '2026-01-01T00:01:00.000Z', latency: 120 });
    expect(await ids(gateway, 'status=error,processing&order=asc')).toEqual(['r03', 'r08']);
    expect((await get(gateway, '/api/logs/filterdata')).body.providers).toEqual(['anthropic', 'gemini', 'openai']);
  });
});
