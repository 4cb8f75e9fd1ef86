import path from "node:path";
import { DEFAULTS } from "./defaults.js";
import { postgresConfigSchema, sqliteConfigSchema, type LogsStoreConfigFile, type PostgresConfigFile } from "./store-schema.js";
import type { LogsStoreSettings, PostgresSettings } from "./types.js";

/**
 * Where request logs go. No `logs_store` block: `logs.db` in the app dir, as Bifrost starts with
 * no config. A block is used only with `enabled: true`, as Bifrost reads it; otherwise the gateway
 * keeps no log. The block was checked by the schema (store-schema.ts) before it gets here.
 */
export function logsStoreSettings(block: LogsStoreConfigFile | undefined, appDir: string): LogsStoreSettings | undefined {
  if (block === undefined) return { type: "sqlite", path: path.join(appDir, DEFAULTS.logsFileName) };
  if (block.enabled !== true) return undefined;
  // Parsed again for its typed values (the port as a number): the schema's check has already passed.
  if (block.type === "postgres") return { type: "postgres", postgres: postgresSettings(postgresConfigSchema.parse(block.config)) };
  // A relative path hangs from the app dir, where config.json is (Bifrost's own e2e config is written so).
  return { type: "sqlite", path: path.resolve(appDir, sqliteConfigSchema.parse(block.config).path) };
}

function postgresSettings(config: PostgresConfigFile): PostgresSettings {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.db_name,
    sslMode: config.ssl_mode,
    maxOpenConns: config.max_open_conns ?? DEFAULTS.postgresMaxOpenConns,
    connMaxLifetimeMs: config.conn_max_lifetime === undefined ? undefined : durationMs(config.conn_max_lifetime),
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** A Go duration (`"1h30m"`, `"90s"`) or seconds as a number, in ms. */
function durationMs(value: number | string): number {
  if (typeof value === "number") return value * 1000;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) total += Number(amount) * (UNIT_MS[unit ?? "ms"] ?? 1);
  return total;
}
