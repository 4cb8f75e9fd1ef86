import { sql, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PostgresLogStore } from '../../src/stores/postgres/postgres-log-store.js';
import { startPostgresServer } from '../support/postgres-server.js';
import { describeLogStore } from './log-store-contract.js';

describeLogStore('PostgreSQL log store', async () => {
  const server = await startPostgresServer();
  if (!server) return undefined;
  const store = await PostgresLogStore.open(server.settings);
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...connection(server.settings), max: 1 }) }) });
  return {
    store,
    async reset() {
      await sql`truncate logs, log_contents, log_filter_values`.execute(admin);
    },
    async close() {
      await store.close();
      await admin.destroy();
      await server.stop();
    },
  };
});

function connection(settings: { host: string; port: number; user: string; database: string }) {
  return { host: settings.host, port: settings.port, user: settings.user, database: settings.database };
}
