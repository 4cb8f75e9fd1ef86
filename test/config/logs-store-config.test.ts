import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, type StartOptions } from '../../src/load-config.js';
import { configErrorOf } from '../support/config-errors.js';

const APP_DIR = path.resolve('/srv/iris-app');
const OPTIONS: StartOptions = { appDir: APP_DIR, port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' };

const POSTGRES = { host: 'db.internal', port: '5432', user: 'iris', password: 'secret', db_name: 'logs', ssl_mode: 'require' };

describe('logs_store in config.json', () => {
  it('defaults to logs.db in the app dir when the block is absent, as Bifrost starts', () => {
    expect(buildConfig(OPTIONS, {}).logsStore).toEqual({ type: 'sqlite', path: path.join(APP_DIR, 'logs.db') });
  });

  it('keeps no log when the block is there without enabled: true (Bifrost reads it so)', () => {
    expect(buildConfig(OPTIONS, { logs_store: { enabled: false, type: 'sqlite', config: { path: 'x.db' } } }).logsStore).toBeUndefined();
    expect(buildConfig(OPTIONS, { logs_store: { type: 'sqlite', config: { path: 'x.db' } } }).logsStore).toBeUndefined();
  });

  it('takes a SQLite path relative to the app dir, or as given when absolute', () => {
    expect(buildConfig(OPTIONS, { logs_store: { enabled: true, type: 'sqlite', config: { path: 'data/my-logs.db' } } }).logsStore).toEqual({
      type: 'sqlite',
      path: path.join(APP_DIR, 'data', 'my-logs.db'),
    });
    expect(buildConfig(OPTIONS, { logs_store: { enabled: true, type: 'sqlite', config: { path: '/var/lib/iris/logs.db' } } }).logsStore).toEqual({
      type: 'sqlite',
      path: '/var/lib/iris/logs.db',
    });
  });

  it("reads Bifrost's PostgreSQL block: the port as a string or a number, env.VAR in the password, pool size and lifetime", () => {
    const config = buildConfig(
      OPTIONS,
      { logs_store: { enabled: true, type: 'postgres', config: { ...POSTGRES, password: 'env.PG_PASSWORD', max_open_conns: 8, conn_max_lifetime: '1h30m' } } },
      { PG_PASSWORD: 'from-env' },
    );
    expect(config.logsStore).toEqual({
      type: 'postgres',
      postgres: {
        host: 'db.internal',
        port: 5432,
        user: 'iris',
        password: 'from-env',
        database: 'logs',
        sslMode: 'require',
        maxOpenConns: 8,
        connMaxLifetimeMs: 5_400_000,
      },
    });
    const numeric = buildConfig(OPTIONS, { logs_store: { enabled: true, type: 'postgres', config: { ...POSTGRES, port: 6543 } } }).logsStore;
    expect(numeric).toMatchObject({ postgres: { port: 6543, maxOpenConns: 50, connMaxLifetimeMs: undefined } });
  });

  it.each([
    [{ enabled: true, type: 'clickhouse', config: {} }, /^config error: logs_store\.type: must be "sqlite" or "postgres"/],
    [{ enabled: true, type: 'sqlite', config: {} }, /^config error: logs_store\.config\.path: /],
    [{ enabled: true, type: 'postgres', config: { ...POSTGRES, host: undefined } }, /^config error: logs_store\.config\.host: /],
    [{ enabled: true, type: 'postgres', config: { ...POSTGRES, port: 'fifty' } }, /^config error: logs_store\.config\.port: must be a port number/],
    [{ enabled: true, type: 'postgres', config: { ...POSTGRES, port: 70000 } }, /^config error: logs_store\.config\.port: must be a port number/],
    [{ enabled: true, type: 'postgres', config: { ...POSTGRES, ssl_mode: 'maybe' } }, /^config error: logs_store\.config\.ssl_mode: must be one of disable/],
    [{ enabled: true, type: 'postgres', config: { ...POSTGRES, max_open_conns: 1 } }, /^config error: logs_store\.config\.max_open_conns: must be at least 2/],
    [
      { enabled: true, type: 'postgres', config: { ...POSTGRES, password_command: { command: 'vault' } } },
      /^config error: logs_store\.config\.password_command: /,
    ],
  ])('%j is a one-line ConfigError naming the field', (logsStore, message) => {
    expect(configErrorOf(() => buildConfig(OPTIONS, { logs_store: logsStore })).message).toMatch(message);
  });
});
