import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { LogsStoreSettings } from "./config/types.js";
import type { LogStore } from "./stores/log-store.js";
import { PostgresLogStore } from "./stores/postgres/postgres-log-store.js";
import { SqliteLogStore } from "./stores/sqlite/sqlite-log-store.js";
import { ThreadedLogStore } from "./stores/threaded/threaded-log-store.js";

/** Where a store opened on this thread sends what goes wrong out of sight: a failed index slice, a connection the server closed. */
export interface LogStoreEvents {
  /** Writes on this connection, and so runs the content indexer. */
  writer: boolean;
  /** Serves searches too (the store is not split over two threads). */
  reads: boolean;
  onBackgroundError(message: string, err?: unknown): void;
}

/**
 * The writer thread's connection appends rows (the indexes grow at their newest end) and reads the
 * tail it indexes: its page cache can be small. Measured: 64 MiB on that connection too added ~75 MB
 * to the gateway's peak RSS under load, for no speed.
 */
const WRITER_CACHE_KIB = 16_384;

/** The writer thread's module, beside this one once built (`dist/`); absent when running from the TypeScript sources. */
const WRITE_THREAD_MODULE = new URL("./log-write-thread.js", import.meta.url);

/**
 * Opens the request log `logs_store` names: a SQLite file, or a PostgreSQL database. Its writes —
 * batch inserts, the content indexer, deletes and retention — run on a thread of their own
 * (log-write-thread.ts), reads on this one, so writing the log takes no time from requests. Run
 * from the sources (the tests' runner), where the thread's module is not built, everything runs here.
 */
export async function openLogStore(settings: LogsStoreSettings, logger: Logger): Promise<LogStore> {
  const onBackgroundError = (message: string, err?: unknown) => logger.warn({ err, store: settings.type }, message);
  if (!existsSync(fileURLToPath(WRITE_THREAD_MODULE))) return openLogStoreHere(settings, { writer: true, reads: true, onBackgroundError }, logger);
  const reader = await openLogStoreHere(settings, { writer: false, reads: true, onBackgroundError }, logger);
  try {
    return await ThreadedLogStore.start(reader, { threadModule: WRITE_THREAD_MODULE, workerData: settings, onBackgroundError });
  } catch (err) {
    await reader.close();
    throw err;
  }
}

/** Opens the store on this thread; `logger` (the gateway's thread only) hears that content search cannot use an index. */
export async function openLogStoreHere(settings: LogsStoreSettings, events: LogStoreEvents, logger?: Logger): Promise<LogStore> {
  const options = {
    backgroundIndexing: events.writer,
    onBackgroundError: (err: unknown) => events.onBackgroundError("a content index step of the request log failed; it is retried", err),
  };
  if (settings.type === "sqlite")
    return SqliteLogStore.open(settings.path, events.writer && !events.reads ? { ...options, cacheKiB: WRITER_CACHE_KIB } : options);
  const store = await PostgresLogStore.open(
    settings.postgres,
    (err) => events.onBackgroundError("a log database connection was closed by the server; the next query opens a new one", err),
    options,
  );
  if (!store.contentSearchIndexed) {
    logger?.warn(
      { host: settings.postgres.host, database: settings.postgres.database },
      "the pg_trgm extension could not be created in the log database, so content_search scans every row; a superuser can run: create extension pg_trgm",
    );
  }
  return store;
}
