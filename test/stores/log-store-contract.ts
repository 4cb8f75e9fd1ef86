import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry, LogFilter, LogPage, LogStore } from '../../src/stores/log-store.js';
import { rowOfEntry } from '../support/memory-log-store.js';

/**
 * What every log store must do, run against each implementation (SQLite, PostgreSQL): the same
 * entries in, the same answers out. Stores are opened without background indexing, so each test
 * decides when content is indexed, and content search is checked both before and after.
 */
export interface ContentIndexedLogStore extends LogStore {
  indexContent(): Promise<void>;
  contentIndexLag(): Promise<number>;
}

export interface LogStoreHarness {
  readonly store: ContentIndexedLogStore;
  /** Empties the store (a fresh one, indexing only when asked). */
  reset(): Promise<void>;
  /** Closes the store and opens the same data again, indexing content in the background or not. */
  reopen(options: { backgroundIndexing: boolean }): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** A chat's texts as the gateway holds them: the canonical request body and the answer's body. */
export function chat(question: string, answer: string | null): Pick<LogEntry, 'request_text' | 'response_text' | 'response_kind'> {
  return {
    request_text: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], temperature: 0.2 }),
    response_text:
      answer === null
        ? null
        : JSON.stringify({
            id: 'chatcmpl-1',
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
          }),
    response_kind: answer === null ? null : 'body',
  };
}

export function logEntry(overrides: Partial<LogEntry> & { id: string }): LogEntry {
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
    ...chat('hello', 'hi there'),
    raw_request: null,
    raw_response: null,
    trace_id: null,
    virtual_key_id: null,
    virtual_key_name: null,
    team_id: null,
    customer_id: null,
    metadata: null,
    ...overrides,
  };
}

/** A stream's canonical chunks: text in two pieces, and a tool call whose arguments arrive in two. */
const STREAM_CHUNKS = [
  { choices: [{ index: 0, delta: { role: 'assistant', content: 'hi ' } }] },
  { choices: [{ index: 0, delta: { content: 'there' } }] },
  { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] } }] },
  { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] } }] },
  { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
];

/** A dozen entries, each the only one with some property a filter or sort can find. */
export const ENTRIES: LogEntry[] = [
  logEntry({ id: 'r01', timestamp: T0 + 1 * MINUTE, latency: 120, cost: 0.002, ...chat('What is the Weather in Paris?', 'Sunny, 21 degrees.') }),
  logEntry({
    id: 'r02',
    timestamp: T0 + 2 * MINUTE,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    model_requested: 'anthropic/claude-sonnet-4-5',
    latency: 900,
  }),
  logEntry({
    id: 'r03',
    timestamp: T0 + 3 * MINUTE,
    status: 'error',
    latency: 50,
    token_usage: null,
    cost: null,
    stop_reason: null,
    error_details: {
      event_id: 'e',
      type: 'rate_limit_error',
      is_bifrost_error: false,
      status_code: 429,
      error: { type: 'rate_limit_error', code: null, message: 'slow down', param: null, event_id: 'e' },
      extra_fields: {},
    },
    ...chat('refund my invoice 100% now', null),
  }),
  logEntry({
    id: 'r04',
    timestamp: T0 + 4 * MINUTE,
    object: 'embedding',
    model: 'text-embedding-3-small',
    stop_reason: null,
    cost: 0.00001,
    latency: 30,
    request_text: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' }),
    response_text: JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: 'text-embedding-3-small' }),
    response_kind: 'body',
  }),
  logEntry({
    id: 'r05',
    timestamp: T0 + 5 * MINUTE,
    selected_key_name: 'key-b',
    token_usage: { prompt_tokens: 900, completion_tokens: 100, total_tokens: 1000, cached_read_tokens: 800, reasoning_tokens: 40 },
    cost: 0.05,
  }),
  logEntry({
    id: 'r06',
    timestamp: T0 + 6 * MINUTE,
    virtual_key_id: 'vk-1',
    virtual_key_name: 'Team A',
    team_id: 'team-a',
    stream: true,
    time_to_first_token: 42,
    stop_reason: 'tool_calls',
    response_text: JSON.stringify(STREAM_CHUNKS),
    response_kind: 'chunks',
  }),
  logEntry({
    id: 'r07',
    timestamp: T0 + 7 * MINUTE,
    parent_request_id: 'r06',
    fallback_index: 1,
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    stop_reason: 'length',
  }),
  logEntry({
    id: 'r08',
    timestamp: T0 + 8 * MINUTE,
    status: 'processing',
    latency: null,
    token_usage: null,
    cost: null,
    request_text: null,
    response_text: null,
    response_kind: null,
  }),
  logEntry({ id: 'r09', timestamp: T0 + 9 * MINUTE, latency: 100, cost: 0.001, ...chat('snake_case and "quotes"', 'ok') }),
  logEntry({
    id: 'r10',
    timestamp: T0 + 10 * MINUTE,
    latency: 100,
    cost: 0.001,
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    metadata: { team: 'blue' },
    raw_request: '{"model":"x"}',
    raw_response: '{"id":"y"}',
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
    /** Runs the checks on the rows as written (found by scanning), then again once their content is indexed. */
    const beforeAndAfterIndexing = async (check: () => Promise<void>) => {
      expect(await store().contentIndexLag()).toBeGreaterThan(0);
      await check();
      await store().indexContent();
      expect(await store().contentIndexLag()).toBe(0);
      await check();
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

    it('gives back a row as it was written, its content read from the texts, before and after indexing', async () => {
      await store().insertBatch(ENTRIES);
      await beforeAndAfterIndexing(async () => {
        for (const entry of ENTRIES) expect(await store().get(entry.id)).toEqual(rowOfEntry(entry));
        expect(await store().get('missing')).toBeUndefined();
      });
      // Spelled out for a few rows, so the test does not only agree with logContentOf.
      expect(await store().get('r01')).toMatchObject({
        input_history: [{ role: 'user', content: 'What is the Weather in Paris?' }],
        output_message: { role: 'assistant', content: 'Sunny, 21 degrees.' },
        params: { temperature: 0.2 },
        content_summary: 'What is the Weather in Paris?\nSunny, 21 degrees.',
      });
      expect(await store().get('r04')).toMatchObject({ input_history: 'hello', output_message: { embeddings: 1 }, params: { encoding_format: 'float' } });
      expect(await store().get('r05')).toMatchObject({
        token_usage: { prompt_tokens: 900, completion_tokens: 100, total_tokens: 1000, cached_read_tokens: 800, reasoning_tokens: 40 },
      });
      expect((await store().get('r06'))?.output_message).toEqual({
        role: 'assistant',
        content: 'hi there',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      });
      expect(await store().get('r08')).toMatchObject({ input_history: null, output_message: null, params: null, content_summary: '' });
      expect(await store().get('r10')).toMatchObject({ raw_request: { model: 'x' }, raw_response: { id: 'y' }, metadata: { team: 'blue' } });
    });

    it('leaves an attempt written twice as it was, across batches and inside one; another attempt under the same id is its own row', async () => {
      await store().insertBatch([logEntry({ id: 'dup', model: 'first' })]);
      await store().insertBatch([logEntry({ id: 'dup', model: 'second' }), logEntry({ id: 'new', model: 'third' }), logEntry({ id: 'new', model: 'fourth' })]);
      expect((await store().get('dup'))?.model).toBe('first');
      expect((await store().get('new'))?.model).toBe('third');
      expect((await store().search({}, PAGE)).totalCount).toBe(2);
      // A client reusing its x-request-id a minute later: both attempts are kept, and the id answers the first.
      await store().insertBatch([logEntry({ id: 'dup', timestamp: T0 + MINUTE, model: 'later' })]);
      await beforeAndAfterIndexing(async () => {
        expect((await store().get('dup'))?.model).toBe('first');
        expect((await store().search({}, PAGE)).totalCount).toBe(3);
      });
      expect(await store().delete(['dup'])).toBe(2);
      expect(await store().get('dup')).toBeUndefined();
    });

    it('says whether it holds any row', async () => {
      expect(await store().hasLogs()).toBe(false);
      await store().insertBatch(ENTRIES.slice(0, 1));
      expect(await store().hasLogs()).toBe(true);
    });

    it('filters by every field of the logs API', async () => {
      await store().insertBatch(ENTRIES);
      expect(await ids(store(), { providers: ['anthropic', 'gemini'] })).toEqual(['r02', 'r07']);
      expect(await ids(store(), { models: ['text-embedding-3-small'] })).toEqual(['r04']);
      expect(await ids(store(), { status: ['error', 'processing'] })).toEqual(['r03', 'r08']);
      expect(await ids(store(), { status: ['error'] })).toEqual(['r03']);
      expect(await ids(store(), { status: ['success'], models: ['claude-sonnet-4-5'] })).toEqual(['r02']);
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

    it('searches content as a case-insensitive substring, wildcards and quotes taken literally, before and after indexing', async () => {
      await store().insertBatch(ENTRIES);
      await beforeAndAfterIndexing(async () => {
        expect(await ids(store(), { contentSearch: 'weather in paris' })).toEqual(['r01']);
        expect(await ids(store(), { contentSearch: 'sunny' })).toEqual(['r01']);
        expect(await ids(store(), { contentSearch: 'PARIS' })).toEqual(['r01', 'r06']);
        expect(await ids(store(), { contentSearch: 'INVOICE' })).toEqual(['r03']);
        expect(await ids(store(), { contentSearch: '100%' })).toEqual(['r03']);
        expect(await ids(store(), { contentSearch: '0%' })).toEqual(['r03']);
        expect(await ids(store(), { contentSearch: 'e_c' })).toEqual(['r09']);
        expect(await ids(store(), { contentSearch: '_' })).toEqual(['r09']);
        expect(await ids(store(), { contentSearch: '"quotes"' })).toEqual(['r09']);
        expect(await ids(store(), { contentSearch: 'hi' })).toEqual(['r02', 'r05', 'r06', 'r07', 'r10']);
        // JSON keys and parameters are not content.
        expect(await ids(store(), { contentSearch: 'temperature' })).toEqual([]);
        expect(await ids(store(), { contentSearch: 'role' })).toEqual([]);
        expect(await ids(store(), { contentSearch: 'nowhere to be found' })).toEqual([]);
        expect(await ids(store(), { contentSearch: 'hello', models: ['gemini-2.5-flash'] })).toEqual(['r07']);
        expect((await store().search({ contentSearch: 'hello' }, PAGE)).stats).toMatchObject({ total_requests: 6, total_tokens: 5 * 15 + 1000 });
      });
    });

    it('finds a row written after indexing at once, beside the indexed ones', async () => {
      await store().insertBatch(ENTRIES);
      await store().indexContent();
      await store().insertBatch([logEntry({ id: 'r11', timestamp: T0 + 11 * MINUTE, ...chat('Is it raining in Paris?', 'No.') })]);
      expect(await store().contentIndexLag()).toBe(1);
      expect(await ids(store(), { contentSearch: 'paris' })).toEqual(['r01', 'r06', 'r11']);
      expect(await ids(store(), { contentSearch: 'n P' })).toEqual(['r01', 'r11']);
    });

    it('sorts by timestamp, latency, tokens and cost both ways, unknown values last and ties by id', async () => {
      await store().insertBatch(ENTRIES);
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
      expect(await ids(store(), { providers: ['openai'] }, { sortBy: 'cost', order: 'desc', limit: 3 })).toEqual(['r05', 'r01', 'r10']);
    });

    it('pages without overlap and counts every match', async () => {
      await store().insertBatch(ENTRIES);
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
      await store().insertBatch(ENTRIES);
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

    it('keeps stats and counts exact for every common filter and time window across hours, duplicate inserts, deletes and prunes', async () => {
      const HOUR = 60 * MINUTE;
      const providers = ['openai', 'anthropic', 'gemini'];
      const entries = Array.from({ length: 300 }, (_, i) =>
        logEntry({
          id: `h${String(i).padStart(3, '0')}`,
          timestamp: T0 + Math.floor(i * 7.3 * MINUTE) + (i % 7) * 1000,
          provider: providers[i % 3]!,
          model: `model-${i % 5}`,
          object: i % 4 === 0 ? 'embedding' : 'chat_completion',
          selected_key_name: i % 6 === 0 ? null : `key-${i % 2}`,
          virtual_key_id: i % 3 === 0 ? `vk-${i % 4}` : null,
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
      ];
      const filters: LogFilter[] = [
        {},
        { status: ['error'] },
        { status: ['success', 'processing'] },
        { providers: ['openai'] },
        { providers: ['anthropic', 'gemini'], status: ['success'] },
        { models: ['model-2'] },
        { objects: ['embedding'] },
        { selectedKeyNames: ['key-1'] },
        { virtualKeyIds: ['vk-0', 'vk-3'] },
        // Not answered by the hourly totals: two dimensions, a range.
        { providers: ['openai'], models: ['model-1'] },
        { minLatency: 50, status: ['success'] },
      ];
      const check = async (live: LogEntry[]) => {
        for (const window of windows) {
          for (const filter of filters) {
            const combined = { ...window, ...filter };
            const expected = expectedStats(live.filter((entry) => matches(entry, combined)));
            const result = await store().search(combined, PAGE);
            for (const stats of [await store().stats(combined), result.stats]) {
              expect(stats.total_requests, JSON.stringify(combined)).toBe(expected.total_requests);
              expect(stats.total_tokens, JSON.stringify(combined)).toBe(expected.total_tokens);
              expect(stats.success_rate).toBeCloseTo(expected.success_rate, 9);
              expect(stats.average_latency).toBeCloseTo(expected.average_latency, 9);
              expect(stats.total_cost).toBeCloseTo(expected.total_cost, 9);
            }
            expect(result.totalCount).toBe(expected.total_requests);
          }
        }
      };
      await store().insertBatch(entries);
      await store().insertBatch(entries.slice(0, 50));
      await check(entries);
      expect(await store().delete(entries.filter((_, i) => i % 5 === 0).map((entry) => entry.id))).toBe(60);
      let live = entries.filter((_, i) => i % 5 !== 0);
      await check(live);
      const cutoff = T0 + 10 * HOUR + 30 * MINUTE;
      await store().deleteOlderThan(cutoff);
      live = live.filter((entry) => entry.timestamp >= cutoff);
      await check(live);
      await store().indexContent();
      await store().deleteOlderThan(T0 + 20 * HOUR);
      live = live.filter((entry) => entry.timestamp >= T0 + 20 * HOUR);
      await check(live);
    });

    it('lists the distinct values present for filter pickers, and forgets those no row has any more', async () => {
      await store().insertBatch(ENTRIES);
      await store().insertBatch([logEntry({ id: 'r11', virtual_key_id: 'vk-1', virtual_key_name: 'Team A (renamed)' })]);
      expect(await store().filterData()).toEqual({
        models: ['claude-sonnet-4-5', 'gemini-2.5-flash', 'gpt-4o-mini', 'text-embedding-3-small'],
        providers: ['anthropic', 'gemini', 'openai'],
        selected_key_names: ['key-a', 'key-b'],
        objects: ['chat_completion', 'embedding'],
        stop_reasons: ['length', 'stop', 'tool_calls'],
        virtual_keys: [{ id: 'vk-1', name: 'Team A (renamed)' }],
      });
      expect(await store().delete(['r02', 'r04', 'r06', 'r07'])).toBe(4);
      const after = await store().filterData();
      expect(after.models).toEqual(['gpt-4o-mini']);
      expect(after.providers).toEqual(['openai']);
      expect(after.objects).toEqual(['chat_completion']);
      expect(after.stop_reasons).toEqual(['stop']);
      expect(after.virtual_keys).toEqual([{ id: 'vk-1', name: 'Team A (renamed)' }]);
      expect(await store().delete(['r11'])).toBe(1);
      expect((await store().filterData()).virtual_keys).toEqual([]);
    });

    it('deletes by id, contents and search index included, whether the row was indexed or not', async () => {
      await store().insertBatch(ENTRIES);
      await store().indexContent();
      await store().insertBatch([logEntry({ id: 'r11', timestamp: T0 + 11 * MINUTE, ...chat('weather in Oslo', 'Snow.') })]);
      expect(await store().delete(['r01', 'r03', 'r11', 'unknown'])).toBe(3);
      // r01 and r03 were indexed, r11 not yet: the index and the scan of what is not both forget them.
      expect(await store().contentIndexLag()).toBe(0);
      expect(await store().get('r01')).toBeUndefined();
      expect(await store().get('r11')).toBeUndefined();
      expect(await ids(store(), { contentSearch: 'weather' })).toEqual([]);
      expect(await ids(store(), { contentSearch: 'invoice' })).toEqual([]);
      expect((await store().search({}, PAGE)).totalCount).toBe(8);
      await store().insertBatch([logEntry({ id: 'r01', timestamp: T0 + 12 * MINUTE, ...chat('weather again', 'Rain.') })]);
      await beforeAndAfterIndexing(async () => {
        expect(await ids(store(), { contentSearch: 'weather' })).toEqual(['r01']);
        expect((await store().get('r01'))?.output_message).toEqual({ role: 'assistant', content: 'Rain.' });
      });
    });

    it('prunes rows older than a cutoff in batches, indexed or not, keeping the newer ones', async () => {
      const old = Array.from({ length: 2_345 }, (_, i) =>
        logEntry({ id: `old-${i}`, timestamp: T0 - (i + 1) * MINUTE, model: 'old-model', ...chat(`old ${i}`, null) }),
      );
      await store().insertBatch(old.slice(0, 1_000));
      await store().indexContent();
      await store().insertBatch([...old.slice(1_000), ...ENTRIES]);
      expect(await store().deleteOlderThan(T0)).toBe(2_345);
      expect((await store().search({}, PAGE)).totalCount).toBe(ENTRIES.length);
      expect((await store().filterData()).models).not.toContain('old-model');
      await beforeAndAfterIndexing(async () => {
        expect(await ids(store(), { contentSearch: 'old 1' })).toEqual([]);
      });
      expect(await store().deleteOlderThan(T0)).toBe(0);
    });

    it('indexes content in the background after a restart, from where it stopped', async () => {
      if (!harness) throw new Error('store not open');
      const first = Array.from({ length: 300 }, (_, i) => logEntry({ id: `a${i}`, timestamp: T0 + i * 1000, ...chat(`question ${i}`, `answer ${i}`) }));
      const then = Array.from({ length: 50 }, (_, i) => logEntry({ id: `b${i}`, timestamp: T0 + (300 + i) * 1000, ...chat(`later ${i}`, null) }));
      await store().insertBatch(first);
      await store().indexContent();
      await store().insertBatch(then);
      await harness.reopen({ backgroundIndexing: false });
      // The watermark was kept: only the rows written after it are left.
      expect(await store().contentIndexLag()).toBe(50);
      await harness.reopen({ backgroundIndexing: true });
      // No write needed: a store that opens with rows left indexes them.
      await vi.waitFor(async () => expect(await store().contentIndexLag()).toBe(0), { timeout: 10_000 });
      expect((await store().search({ contentSearch: 'answer 29' }, PAGE)).totalCount).toBe(11);
      expect((await store().search({ contentSearch: 'later 4' }, PAGE)).totalCount).toBe(11);
      expect((await store().search({ contentSearch: 'question' }, PAGE)).totalCount).toBe(300);
      // And it keeps up with what is written next.
      await store().insertBatch([logEntry({ id: 'c0', timestamp: T0 + 400_000, ...chat('fresh', null) })]);
      await vi.waitFor(async () => expect(await store().contentIndexLag()).toBe(0), { timeout: 10_000 });
      expect(await ids(store(), { contentSearch: 'fresh' })).toEqual(['c0']);
    });
  });
}

/** Whether an entry matches the filter fields the stats test uses, as the API defines them. */
function matches(entry: LogEntry, filter: LogFilter): boolean {
  const inList = (list: readonly string[] | undefined, value: string | null) => list === undefined || (value !== null && list.includes(value));
  return (
    (filter.startTime === undefined || entry.timestamp >= filter.startTime) &&
    (filter.endTime === undefined || entry.timestamp <= filter.endTime) &&
    inList(filter.status, entry.status) &&
    inList(filter.providers, entry.provider) &&
    inList(filter.models, entry.model) &&
    inList(filter.objects, entry.object) &&
    inList(filter.selectedKeyNames, entry.selected_key_name) &&
    inList(filter.virtualKeyIds, entry.virtual_key_id) &&
    (filter.minLatency === undefined || (entry.latency !== null && entry.latency >= filter.minLatency))
  );
}

/** Stats as the API defines them, computed by hand. */
function expectedStats(entries: readonly LogEntry[]) {
  const succeeded = entries.filter((entry) => entry.status === 'success').length;
  const finished = succeeded + entries.filter((entry) => entry.status === 'error').length;
  const latencies = entries.flatMap((entry) => (entry.latency === null ? [] : [entry.latency]));
  return {
    total_requests: entries.length,
    success_rate: finished === 0 ? 0 : (succeeded / finished) * 100,
    average_latency: latencies.length === 0 ? 0 : latencies.reduce((a, b) => a + b, 0) / latencies.length,
    total_tokens: entries.reduce((sum, entry) => sum + (entry.token_usage?.total_tokens ?? 0), 0),
    total_cost: entries.reduce((sum, entry) => sum + (entry.cost ?? 0), 0),
  };
}

function costOf(id: string): number | null {
  return ENTRIES.find((entry) => entry.id === id)?.cost ?? null;
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
