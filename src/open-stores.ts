import type { Logger } from "pino";
import type { LogsStoreSettings } from "./config/types.js";
import type { LogStore } from "./stores/log-store.js";
import { PostgresLogStore } from "./stores/postgres/postgres-log-store.js";
import { SqliteLogStore } from "./stores/sqlite/sqlite-log-store.js";

/** Opens the request log `logs_store` names: a SQLite file, or a PostgreSQL database. */
export async function openLogStore(settings: LogsStoreSettings, logger: Logger): Promise<LogStore> {
  if (settings.type === "sqlite") return SqliteLogStore.open(settings.path);
  const store = await PostgresLogStore.open(settings.postgres, (err) =>
    logger.warn({ err, host: settings.postgres.host }, "a log database connection was closed by the server; the next query opens a new one"),
  );
  if (!store.contentSearchIndexed) {
    logger.warn(
      { host: settings.postgres.host, database: settings.postgres.database },
      "the pg_trgm extension could not be created in the log database, so content_search scans every row; a superuser can run: create extension pg_trgm",
    );
  }
  return store;
}
