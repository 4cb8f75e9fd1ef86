import pg from "pg";
import type { PostgresSettings, PostgresSslMode } from "../../config/types.js";

/** PostgreSQL's type ids whose text the log store reads as numbers: bigint and numeric. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * bigint (epoch-ms timestamps, token counts, counts) and numeric (sums) arrive as text by default,
 * to be safe past 2^53; every value the log store keeps is far below it, so they are read as numbers.
 * The parsers belong to this pool only: pg's global type registry stays untouched.
 */
const NUMBER_TYPES = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === INT8_OID || oid === NUMERIC_OID ? (text: string) => Number(text) : (pg.types.getTypeParser(oid, format) as (text: string) => unknown),
};

/**
 * A connection pool for Bifrost's PostgreSQL settings. An idle connection the server ends (a
 * restart, a failover, an admin's pg_terminate_backend) is dropped from the pool and the next query
 * opens a new one; it is reported to `onIdleError`, since an unheard pool error would end the process.
 */
export function createPostgresPool(settings: PostgresSettings, onIdleError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ssl: sslOptions(settings.sslMode),
    max: settings.maxOpenConns,
    ...(settings.connMaxLifetimeMs === undefined ? {} : { maxLifetimeSeconds: Math.max(1, Math.round(settings.connMaxLifetimeMs / 1000)) }),
    types: NUMBER_TYPES,
  });
  pool.on("error", onIdleError);
  // A connection ended while in use (the content indexer's, mid-slice) also fails its query, which
  // is where that is reported; its "error" event needs a listener all the same, or it ends the process.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/**
 * libpq's `sslmode` in node-postgres' terms. node-postgres cannot try TLS and fall back, so
 * `allow` and `prefer` connect in the clear; `require` encrypts without checking the certificate,
 * `verify-ca` checks it against the trusted CAs, `verify-full` also checks the host name.
 */
function sslOptions(mode: PostgresSslMode): pg.PoolConfig["ssl"] {
  switch (mode) {
    case "disable":
    case "allow":
    case "prefer":
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true };
  }
}
