import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteLogStore } from '../../src/stores/sqlite/sqlite-log-store.js';
import { describeLogStore, logRow } from './log-store-contract.js';

describeLogStore('SQLite log store', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-logstore-'));
  let file = path.join(dir, 'logs-0.db');
  let store = await SqliteLogStore.open(file);
  let generation = 0;
  return {
    get store() {
      return store;
    },
    async reset() {
      await store.close();
      file = path.join(dir, `logs-${++generation}.db`);
      store = await SqliteLogStore.open(file);
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
      await store.insertBatch([logRow({ id: 'kept' })]);
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

  it('answers content searches from the trigram index, not a scan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iris-logstore-'));
    const file = path.join(dir, 'logs.db');
    try {
      const store = await SqliteLogStore.open(file);
      await store.close();
      const raw = new Database(file, { readonly: true });
      const plan = raw
        .prepare(`explain query plan select count(*) from logs where logs.seq in (select rowid from logs_fts where logs_fts match '"weather"')`)
        .all() as Array<{ detail: string }>;
      raw.close();
      expect(plan.map((step) => step.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
