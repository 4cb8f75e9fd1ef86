import { sql, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import type { PostgresSettings } from '../../src/config/types.js';
import { PostgresLogStore } from '../../src/stores/postgres/postgres-log-store.js';
import { startPostgresServer } from '../support/postgres-server.js';
import { describeLogStore, logEntry } from './log-store-contract.js';

describeLogStore('PostgreSQL log store', async () => {
  const server = await startPostgresServer();
  if (!server) return undefined;
  let store = await PostgresLogStore.open(server.settings, () => {}, { backgroundIndexing: false });
  const adminPool = new pg.Pool({ ...connection(server.settings), max: 1 });
  adminPool.on('error', () => {});
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: adminPool }) });
  return {
    get store() {
      return store;
    },
    async reset() {
      await store.close();
      await sql`truncate logs, log_contents, log_ids, log_summaries, log_filter_values, log_hourly_totals`.execute(admin);
      await sql`update log_index_state set indexed_seq = 0`.execute(admin);
      store = await PostgresLogStore.open(server.settings, () => {}, { backgroundIndexing: false });
    },
    async reopen(options) {
      await store.close();
      store = await PostgresLogStore.open(server.settings, () => {}, options);
    },
    async close() {
      await store.close();
      await admin.destroy();
      await server.stop();
    },
  };
});

describe('PostgreSQL log store connections', () => {
  it('keeps working when the server ends its idle connections, and reports it instead of crashing', async (ctx) => {
    const server = await startPostgresServer();
    if (!server) return ctx.skip();
    const errors: Error[] = [];
    const store = await PostgresLogStore.open(server.settings, (err) => errors.push(err));
    try {
      await store.insertBatch([logEntry({ id: 'before' })]);
      const admin = new pg.Client(connection(server.settings));
      await admin.connect();
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database()');
      await admin.end();
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
      await store.insertBatch([logEntry({ id: 'after' })]);
      expect((await store.get('before'))?.id).toBe('before');
      expect((await store.get('after'))?.id).toBe('after');
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

function connection(settings: PostgresSettings) {
  return { host: settings.host, port: settings.port, user: settings.user, database: settings.database };
}
