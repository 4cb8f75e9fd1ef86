import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { LogsDatabase } from '../../src/stores/kysely/log-tables.js';
import { applyMigrations } from '../../src/stores/sqlite/apply-migrations.js';
import { SQLITE_LOG_MIGRATIONS } from '../../src/stores/sqlite/sqlite-log-schema.js';
import { SqliteLogStore } from '../../src/stores/sqlite/sqlite-log-store.js';
import { describeLogStore, logEntry } from './log-store-contract.js';

describeLogStore('SQLite log store', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-logstore-'));
  let file = path.join(dir, 'logs-0.db');
  let store = await SqliteLogStore.open(file, { backgroundIndexing: false });
  let generation = 0;
  return {
    get store() {
      return store;
    },
    async reset() {
      await store.close();
      file = path.join(dir, `logs-${++generation}.db`);
      store = await SqliteLogStore.open(file, { backgroundIndexing: false });
    },
    async reopen(options) {
      await store.close();
      store = await SqliteLogStore.open(file, options);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite log file', () => {
  it('is a WAL file at the path given, with its rows still there after a reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iris-logstore-'));
    const file = path.join(dir, 'nested', 'logs.db');
    try {
      const store = await SqliteLogStore.open(file);
      await store.insertBatch([logEntry({ id: 'kept' })]);
      await store.close();
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
      const reopened = await SqliteLogStore.open(file);
      expect((await reopened.get('kept'))?.id).toBe('kept');
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers content searches from the trigram index, and picks pages and ids from indexes, not scans', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iris-logstore-'));
    const file = path.join(dir, 'logs.db');
    try {
      const store = await SqliteLogStore.open(file);
      await store.close();
      const raw = new Database(file, { readonly: true });
      const plan = (query: string) => (raw.prepare(`explain query plan ${query}`).all() as Array<{ detail: string }>).map((step) => step.detail).join('\n');
      expect(plan(`select count(*) from logs where logs.seq in (select rowid from logs_fts where logs_fts match '"weather"')`)).toMatch(/VIRTUAL TABLE INDEX/);
      expect(plan(`select seq from logs where model in ('m') order by timestamp desc, id desc limit 50`)).toMatch(/USING INDEX idx_logs_model/);
      expect(plan(`select seq from logs where status in ('error') and status <> 'success' order by timestamp desc, id desc limit 50`)).toMatch(
        /USING INDEX idx_logs_status/,
      );
      expect(plan(`select seq from logs order by timestamp desc, id desc limit 50`)).toMatch(/idx_logs_timestamp_id/);
      expect(plan(`select seq from log_ids where id in ('a')`)).toMatch(/SEARCH log_ids USING PRIMARY KEY/);
      raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the rows of a version 1 file, content and stats alike, when it upgrades it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iris-logstore-'));
    const file = path.join(dir, 'logs.db');
    try {
      const database = new Database(file);
      const db = new Kysely<LogsDatabase>({ dialect: new SqliteDialect({ database }) });
      await applyMigrations(db, SQLITE_LOG_MIGRATIONS.slice(0, 1), 'logs.db');
      const insertV1 = (row: Record<string, unknown>, contents: Record<string, unknown>) => {
        const { lastInsertRowid } = database
          .prepare(
            `insert into logs (${Object.keys(row).join(', ')}) values (${Object.keys(row)
              .map(() => '?')
              .join(', ')})`,
          )
          .run(...Object.values(row));
        database
          .prepare(
            `insert into log_contents (seq, ${Object.keys(contents).join(', ')}) values (?, ${Object.keys(contents)
              .map(() => '?')
              .join(', ')})`,
          )
          .run(lastInsertRowid, ...Object.values(contents));
      };
      const base = { object_type: 'chat_completion', provider: 'openai', model: 'gpt-4o-mini', model_requested: 'openai/gpt-4o-mini', status: 'success' };
      insertV1(
        {
          ...base,
          id: 'old-chat',
          timestamp: 1_000,
          latency: 100,
          token_usage: '{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}',
          total_tokens: 5,
          cost: 0.5,
        },
        {
          input_history: '[{"role":"user","content":"old question"}]',
          output_message: '{"role":"assistant","content":"old answer"}',
          params: '{"temperature":0.3}',
          content_summary: 'old question old answer',
        },
      );
      insertV1(
        { ...base, id: 'old-responses', timestamp: 2_000, object_type: 'responses', status: 'error', latency: 300 },
        {
          input_history: '{"instructions":"be brief","input":"hi"}',
          output_message: '[{"type":"message","content":[{"type":"output_text","text":"yo"}]}]',
          error_details: '{"status_code":500}',
          content_summary: '',
        },
      );
      await db.destroy();

      const store = await SqliteLogStore.open(file, { backgroundIndexing: false });
      expect(await store.get('old-chat')).toMatchObject({
        input_history: [{ role: 'user', content: 'old question' }],
        output_message: { role: 'assistant', content: 'old answer' },
        params: { temperature: 0.3 },
        token_usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        content_summary: 'old question\nold answer',
      });
      expect(await store.get('old-responses')).toMatchObject({
        input_history: { instructions: 'be brief', input: 'hi' },
        output_message: [{ type: 'message', content: [{ type: 'output_text', text: 'yo' }] }],
        params: null,
        error_details: { status_code: 500 },
      });
      expect(await store.stats({})).toEqual({ total_requests: 2, success_rate: 50, average_latency: 200, total_tokens: 5, total_cost: 0.5 });
      expect((await store.filterData()).objects).toEqual(['chat_completion', 'responses']);
      expect(await store.contentIndexLag()).toBe(2);
      await store.indexContent();
      expect((await store.search({ contentSearch: 'old answer' }, { limit: 10, offset: 0, sortBy: 'timestamp', order: 'desc' })).logs.map((r) => r.id)).toEqual(
        ['old-chat'],
      );
      await store.insertBatch([logEntry({ id: 'new' })]);
      expect((await store.search({}, { limit: 10, offset: 0, sortBy: 'timestamp', order: 'desc' })).totalCount).toBe(3);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
