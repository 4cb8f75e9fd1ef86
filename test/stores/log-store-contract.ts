import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogFilter, LogPage, LogRow, LogStore } from '../../src/stores/log-store.js';

/**
 * What every log store must do, run against each implementation (SQLite, PostgreSQL): the same
 * rows in, the same answers out. `open` gives an empty store; `reset` empties it between tests.
 */
export interface LogStoreHarness {
  store: LogStore;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

export function logRow(overrides: Partial<LogRow> & { id: string }): LogRow {
  return {
    parent_request_id: null,
    timestamp: T0,
    object: 'chat_completion',
    provider: 'openai',
    model: 'gpt-4o-mini',
    model_requested: 'openai/gpt-4o-mini',
    selected_key_name: 'key-a',
    number_of_retries: 0,
    fallback_index: 0,
    status: 'success',
    latency: 100,
    time_to_first_token: null,
    stream: false,
    token_usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    cost: 0.001,
    stop_reason: 'stop',
    error_details: null,
    input_history: [{ role: 'user', content: 'hello' }],
    output_message: { role: 'assistant', content: 'hi there' },
    params: { temperature: 0.2 },
    raw_request: null,
    raw_response: null,
    trace_id: null,
    virtual_key_id: null,
    virtual_key_name: null,
    team_id: null,
    customer_id: null,
    content_summary: 'hello hi there',
    metadata: null,
    ...overrides,
  };
}

/** A dozen rows, each the only one with some property a filter or sort can find. */
export const ROWS: LogRow[] = [
  logRow({ id: 'r01', timestamp: T0 + 1 * MINUTE, latency: 120, cost: 0.002, content_summary: 'What is the Weather in Paris?' }),
  logRow({
    id: 'r02',
    timestamp: T0 + 2 * MINUTE,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    model_requested: 'anthropic/claude-sonnet-4-5',
    latency: 900,
  }),
  logRow({
    id: 'r03',
    timestamp: T0 + 3 * MINUTE,
    status: 'error',
    latency: 50,
    token_usage: null,
    cost: null,
    stop_reason: null,
    output_message: null,
    error_details: {
      event_id: 'e',
      type: 'rate_limit_error',
      is_bifrost_error: false,
      status_code: 429,
      error: { type: 'rate_limit_error', code: null, message: 'slow down', param: null, event_id: 'e' },
      extra_fields: {},
    },
    content_summary: 'refund my invoice 100% now',
  }),
  logRow({ id: 'r04', timestamp: T0 + 4 * MINUTE, object: 'embedding', model: 'text-embedding-3-small', stop_reason: null, cost: 0.00001, latency: 30 }),
  logRow({
    id: 'r05',
    timestamp: T0 + 5 * MINUTE,
    selected_key_name: 'key-b',
    token_usage: { prompt_tokens: 900, completion_tokens: 100, total_tokens: 1000 },
    cost: 0.05,
  }),
  logRow({
    id: 'r06',
    timestamp: T0 + 6 * MINUTE,
    virtual_key_id: 'vk-1',
    virtual_key_name: 'Team A',
    team_id: 'team-a',
    stream: true,
    time_to_first_token: 42,
  }),
  logRow({
    id: 'r07',
    timestamp: T0 + 7 * MINUTE,
    parent_request_id: 'r06',
    fallback_index: 1,
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    stop_reason: 'length',
  }),
  logRow({ id: 'r08', timestamp: T0 + 8 * MINUTE, status: 'processing', latency: null, token_usage: null, cost: null, content_summary: '' }),
  logRow({ id: 'r09', timestamp: T0 + 9 * MINUTE, latency: 100, cost: 0.001, content_summary: 'snake_case and "quotes"' }),
  logRow({
    id: 'r10',
    timestamp: T0 + 10 * MINUTE,
    latency: 100,
    cost: 0.001,
    metadata: { team: 'blue' },
    raw_request: { model: 'x' },
    raw_response: { id: 'y' },
  }),
];

const PAGE: LogPage = { limit: 50, offset: 0, sortBy: 'timestamp', order: 'asc' };

async function ids(store: LogStore, filter: LogFilter, page: Partial<LogPage> = {}): Promise<string[]> {
  const result = await store.search(filter, { ...PAGE, ...page });
  return result.logs.map((row) => row.id);
}

export function describeLogStore(name: string, open: () => Promise<LogStoreHarness | undefined>): void {
  describe(name, () => {
    let harness: LogStoreHarness | undefined;
    const store = () => {
      if (!harness) throw new Error('store not open');
      return harness.store;
    };

    beforeEach(async (ctx) => {
      harness ??= await open();
      if (!harness) {
        ctx.skip();
        return;
      }
      await harness.reset();
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('gives back a row as it was written, contents and all', async () => {
      await store().insertBatch(ROWS);
      for (const row of ROWS) expect(await store().get(row.id)).toEqual(row);
      expect(await store().get('missing')).toBeUndefined();
    });

    it('leaves a row whose id exists as it is, across batches and inside one', async () => {
      await store().insertBatch([logRow({ id: 'dup', model: 'first' })]);
      await store().insertBatch([logRow({ id: 'dup', model: 'second' }), logRow({ id: 'new', model: 'third' }), logRow({ id: 'new', model: 'fourth' })]);
      expect((await store().get('dup'))?.model).toBe('first');
      expect((await store().get('new'))?.model).toBe('third');
      expect((await store().search({}, PAGE)).totalCount).toBe(2);
    });

    it('says whether it holds any row', async () => {
      expect(await store().hasLogs()).toBe(false);
      await store().insertBatch(ROWS.slice(0, 1));
      expect(await store().hasLogs()).toBe(true);
    });

    it('filters by every field of the logs API', async () => {
      await store().insertBatch(ROWS);
      expect(await ids(store(), { providers: ['anthropic', 'gemini'] })).toEqual(['r02', 'r07']);
      expect(await ids(store(), { models: ['text-embedding-3-small'] })).toEqual(['r04']);
      expect(await ids(store(), { status: ['error', 'processing'] })).toEqual(['r03', 'r08']);
      expect(await ids(store(), { objects: ['embedding'] })).toEqual(['r04']);
      expect(await ids(store(), { selectedKeyNames: ['key-b'] })).toEqual(['r05']);
      expect(await ids(store(), { virtualKeyIds: ['vk-1'] })).toEqual(['r06']);
      expect(await ids(store(), { startTime: T0 + 9 * MINUTE })).toEqual(['r09', 'r10']);
      expect(await ids(store(), { endTime: T0 + 2 * MINUTE })).toEqual(['r01', 'r02']);
      expect(await ids(store(), { startTime: T0 + 4 * MINUTE, endTime: T0 + 5 * MINUTE })).toEqual(['r04', 'r05']);
      expect(await ids(store(), { minLatency: 500 })).toEqual(['r02']);
      expect(await ids(store(), { maxLatency: 50 })).toEqual(['r03', 'r04']);
      expect(await ids(store(), { minTokens: 1000 })).toEqual(['r05']);
      expect(await ids(store(), { maxTokens: 15, minTokens: 15 })).toEqual(['r01', 'r02', 'r04', 'r06', 'r07', 'r09', 'r10']);
      expect(await ids(store(), { minCost: 0.01 })).toEqual(['r05']);
      expect(await ids(store(), { maxCost: 0.0001 })).toEqual(['r04']);
      expect(await ids(store(), { missingCostOnly: true })).toEqual(['r03', 'r08']);
      expect(await ids(store(), { parentRequestId: 'r06' })).toEqual(['r07']);
      expect(await ids(store(), { providers: ['openai'], status: ['success'], minLatency: 100, maxLatency: 100 })).toEqual(['r05', 'r06', 'r09', 'r10']);
    });

    it('searches content as a case-insensitive substring, wildcards and quotes taken literally', async () => {
      await store().insertBatch(ROWS);
      expect(await ids(store(), { contentSearch: 'weather in paris' })).toEqual(['r01']);
      expect(await ids(store(), { contentSearch: 'INVOICE' })).toEqual(['r03']);
      expect(await ids(store(), { contentSearch: '100%' })).toEqual(['r03']);
      expect(await ids(store(), { contentSearch: '0%' })).toEqual(['r03']);
      expect(await ids(store(), { contentSearch: 'e_c' })).toEqual(['r09']);
      expect(await ids(store(), { contentSearch: '_' })).toEqual(['r09']);
      expect(await ids(store(), { contentSearch: '"quotes"' })).toEqual(['r09']);
      expect(await ids(store(), { contentSearch: 'hi' })).toEqual(['r02', 'r04', 'r05', 'r06', 'r07', 'r10']);
      expect(await ids(store(), { contentSearch: 'nowhere to be found' })).toEqual([]);
      expect(await ids(store(), { contentSearch: 'hello', models: ['gemini-2.5-flash'] })).toEqual(['r07']);
    });

    it('sorts by timestamp, latency, tokens and cost both ways, unknown values last and ties by id', async () => {
      await store().insertBatch(ROWS);
      expect(await ids(store(), {}, { order: 'desc' })).toEqual(['r10', 'r09', 'r08', 'r07', 'r06', 'r05', 'r04', 'r03', 'r02', 'r01']);
      expect(await ids(store(), {}, { sortBy: 'latency', order: 'asc' })).toEqual(['r04', 'r03', 'r05', 'r06', 'r07', 'r09', 'r10', 'r01', 'r02', 'r08']);
      expect(await ids(store(), {}, { sortBy: 'latency', order: 'desc' })).toEqual(['r02', 'r01', 'r10', 'r09', 'r07', 'r06', 'r05', 'r03', 'r04', 'r08']);
      expect(await ids(store(), {}, { sortBy: 'tokens', order: 'desc' })).toEqual(['r05', 'r10', 'r09', 'r07', 'r06', 'r04', 'r02', 'r01', 'r08', 'r03']);
      expect(await ids(store(), {}, { sortBy: 'cost', order: 'asc' })).toEqual(
        ['r04', 'r02', 'r06', 'r07', 'r09', 'r10', 'r01', 'r05', 'r08', 'r03'].sort(byCostAsc),
      );
      expect(await ids(store(), {}, { sortBy: 'cost', order: 'desc' })).toEqual(
        ['r05', 'r01', 'r10', 'r09', 'r07', 'r06', 'r04', 'r02', 'r08', 'r03'].sort(byCostDesc),
      );
    });

    it('pages without overlap and counts every match', async () => {
      await store().insertBatch(ROWS);
      const first = await store().search({ status: ['success'] }, { ...PAGE, sortBy: 'cost', order: 'desc', limit: 3 });
      const second = await store().search({ status: ['success'] }, { ...PAGE, sortBy: 'cost', order: 'desc', limit: 3, offset: 3 });
      const rest = await store().search({ status: ['success'] }, { ...PAGE, sortBy: 'cost', order: 'desc', limit: 3, offset: 6 });
      expect(first.totalCount).toBe(8);
      expect(second.totalCount).toBe(8);
      const seen = [...first.logs, ...second.logs, ...rest.logs].map((row) => row.id);
      expect(seen).toHaveLength(8);
      expect(new Set(seen).size).toBe(8);
      expect(rest.logs).toHaveLength(2);
    });

    it('sums stats over the matching rows: success rate of finished rows, mean latency, tokens, cost', async () => {
      await store().insertBatch(ROWS);
      const stats = await store().stats({});
      expect(stats.total_requests).toBe(10);
      // 8 successes, 1 error; the processing row is not finished.
      expect(stats.success_rate).toBeCloseTo((8 / 9) * 100, 10);
      expect(stats.average_latency).toBeCloseTo((120 + 900 + 50 + 30 + 100 + 100 + 100 + 100 + 100) / 9, 10);
      expect(stats.total_tokens).toBe(15 * 7 + 1000);
      expect(stats.total_cost).toBeCloseTo(0.002 + 0.001 + 0.00001 + 0.05 + 0.001 + 0.001 + 0.001 + 0.001, 12);
      expect((await store().search({ providers: ['anthropic'] }, PAGE)).stats).toEqual({
        total_requests: 1,
        success_rate: 100,
        average_latency: 900,
        total_tokens: 15,
        total_cost: 0.001,
      });
      expect(await store().stats({ providers: ['nobody'] })).toEqual({
        total_requests: 0,
        success_rate: 0,
        average_latency: 0,
        total_tokens: 0,
        total_cost: 0,
      });
    });

    it('keeps stats over any time window exact across hours, duplicate inserts, deletes and prunes', async () => {
      const HOUR = 60 * MINUTE;
      const rows = Array.from({ length: 300 }, (_, i) =>
        logRow({
          id: `h${String(i).padStart(3, '0')}`,
          timestamp: T0 + Math.floor(i * 7.3 * MINUTE) + (i % 7) * 1000,
          status: i % 11 === 0 ? 'error' : i % 29 === 0 ? 'processing' : 'success',
          latency: i % 29 === 0 ? null : 10 + (i % 97),
          token_usage: i % 13 === 0 ? null : { prompt_tokens: i, completion_tokens: 1, total_tokens: i + 1 },
          cost: i % 17 === 0 ? null : i / 1000,
        }),
      );
      const windows: LogFilter[] = [
        {},
        { startTime: T0 + 90 * MINUTE + 123 },
        { endTime: T0 + 20 * HOUR - 1 },
        { startTime: T0 + 2 * HOUR, endTime: T0 + 5 * HOUR - 1 },
        { startTime: T0 + 2 * HOUR + 5, endTime: T0 + 2 * HOUR + 50 * MINUTE },
        { startTime: T0 + 3 * HOUR + 1, endTime: T0 + 30 * HOUR + 17 },
        { startTime: T0 + 3 * HOUR + 1, endTime: T0 + 30 * HOUR + 17, providers: ['openai'] },
      ];
      const check = async (live: LogRow[]) => {
        for (const window of windows) {
          const expected = expectedStats(
            live.filter((row) => (window.startTime ?? -Infinity) <= row.timestamp && row.timestamp <= (window.endTime ?? Infinity)),
          );
          for (const stats of [await store().stats(window), (await store().search(window, PAGE)).stats]) {
            expect(stats.total_requests, JSON.stringify(window)).toBe(expected.total_requests);
            expect(stats.total_tokens, JSON.stringify(window)).toBe(expected.total_tokens);
            expect(stats.success_rate).toBeCloseTo(expected.success_rate, 9);
            expect(stats.average_latency).toBeCloseTo(expected.average_latency, 9);
            expect(stats.total_cost).toBeCloseTo(expected.total_cost, 9);
          }
        }
      };
      await store().insertBatch(rows);
      await store().insertBatch(rows.slice(0, 50));
      await check(rows);
      await store().delete(rows.filter((_, i) => i % 5 === 0).map((row) => row.id));
      let live = rows.filter((_, i) => i % 5 !== 0);
      await check(live);
      const cutoff = T0 + 10 * HOUR + 30 * MINUTE;
      await store().deleteOlderThan(cutoff);
      live = live.filter((row) => row.timestamp >= cutoff);
      await check(live);
    });

    it('lists the distinct values present for filter pickers, and forgets those no row has any more', async () => {
      await store().insertBatch(ROWS);
      await store().insertBatch([logRow({ id: 'r11', virtual_key_id: 'vk-1', virtual_key_name: 'Team A (renamed)' })]);
      expect(await store().filterData()).toEqual({
        models: ['claude-sonnet-4-5', 'gemini-2.5-flash', 'gpt-4o-mini', 'text-embedding-3-small'],
        providers: ['anthropic', 'gemini', 'openai'],
        selected_key_names: ['key-a', 'key-b'],
        objects: ['chat_completion', 'embedding'],
        stop_reasons: ['length', 'stop'],
        virtual_keys: [{ id: 'vk-1', name: 'Team A (renamed)' }],
      });
      expect(await store().delete(['r02', 'r04', 'r07'])).toBe(3);
      const after = await store().filterData();
      expect(after.models).toEqual(['gpt-4o-mini']);
      expect(after.providers).toEqual(['openai']);
      expect(after.objects).toEqual(['chat_completion']);
      expect(after.stop_reasons).toEqual(['stop']);
    });

    it('deletes by id, contents and search index included', async () => {
      await store().insertBatch(ROWS);
      expect(await store().delete(['r01', 'r03', 'unknown'])).toBe(2);
      expect(await store().get('r01')).toBeUndefined();
      expect(await ids(store(), { contentSearch: 'weather' })).toEqual([]);
      expect(await ids(store(), { contentSearch: 'invoice' })).toEqual([]);
      expect((await store().search({}, PAGE)).totalCount).toBe(8);
      await store().insertBatch([logRow({ id: 'r01', content_summary: 'weather again' })]);
      expect(await ids(store(), { contentSearch: 'weather' })).toEqual(['r01']);
    });

    it('prunes rows older than a cutoff in batches, keeping the newer ones', async () => {
      const old = Array.from({ length: 2_345 }, (_, i) =>
        logRow({ id: `old-${i}`, timestamp: T0 - (i + 1) * MINUTE, model: 'old-model', content_summary: `old ${i}` }),
      );
      await store().insertBatch([...old, ...ROWS]);
      expect(await store().deleteOlderThan(T0)).toBe(2_345);
      expect((await store().search({}, PAGE)).totalCount).toBe(ROWS.length);
      expect((await store().filterData()).models).not.toContain('old-model');
      expect(await ids(store(), { contentSearch: 'old 1' })).toEqual([]);
      expect(await store().deleteOlderThan(T0)).toBe(0);
    });
  });
}

/** Stats as the API defines them, computed by hand. */
function expectedStats(rows: readonly LogRow[]) {
  const succeeded = rows.filter((row) => row.status === 'success').length;
  const finished = succeeded + rows.filter((row) => row.status === 'error').length;
  const latencies = rows.flatMap((row) => (row.latency === null ? [] : [row.latency]));
  return {
    total_requests: rows.length,
    success_rate: finished === 0 ? 0 : (succeeded / finished) * 100,
    average_latency: latencies.length === 0 ? 0 : latencies.reduce((a, b) => a + b, 0) / latencies.length,
    total_tokens: rows.reduce((sum, row) => sum + (row.token_usage?.total_tokens ?? 0), 0),
    total_cost: rows.reduce((sum, row) => sum + (row.cost ?? 0), 0),
  };
}

function costOf(id: string): number | null {
  return ROWS.find((row) => row.id === id)?.cost ?? null;
}

/** Cost ascending, unknown costs last, ties by id. */
function byCostAsc(a: string, b: string): number {
  const [ca, cb] = [costOf(a), costOf(b)];
  if (ca === null || cb === null) return ca === cb ? a.localeCompare(b) : ca === null ? 1 : -1;
  return ca - cb || a.localeCompare(b);
}

/** Cost descending, unknown costs last, ties by id descending. */
function byCostDesc(a: string, b: string): number {
  const [ca, cb] = [costOf(a), costOf(b)];
  if (ca === null || cb === null) return ca === cb ? b.localeCompare(a) : ca === null ? 1 : -1;
  return cb - ca || b.localeCompare(a);
}
