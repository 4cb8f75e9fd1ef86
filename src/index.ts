import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { configWarnings } from "./config/config-warnings.js";
import { DEFAULTS } from "./config/defaults.js";
import { loadConfig, buildConfig, type StartOptions } from "./load-config.js";
import type { GatewayConfig } from "./config/types.js";
import { AsyncJobRunner } from "./core/async-jobs/async-job-runner.js";
import { Engine } from "./core/engine.js";
import { createGatewayServer } from "./http/server.js";
import { createLogger } from "./logger.js";
import { openLogStore } from "./open-stores.js";
import type { LogStore } from "./stores/log-store.js";
import { openSqliteDatabase } from "./stores/sqlite/database.js";
import { SqliteJobStore } from "./stores/sqlite/sqlite-job-store.js";
import { SqliteResourceKeys } from "./stores/sqlite/sqlite-resource-keys.js";

export interface CloseOptions {
  /**
   * How long requests already in flight may take to finish (streams included) before their
   * connections are cut; no new connection is accepted meanwhile. 0 (the default) cuts them at once.
   */
  drainMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  config: GatewayConfig;
  close(options?: CloseOptions): Promise<void>;
}

export interface GatewayOptions extends StartOptions {
  /** A config.json object to use instead of reading APP_DIR/config.json (tests, embedding). */
  configObject?: unknown;
  logger?: Logger;
  /** A request log to serve instead of opening the one `logs_store` names (tests, embedding); its owner closes it. */
  logStore?: LogStore;
}

/** Loads config, starts the engine, the async job runner (on the app dir's SQLite) and the HTTP server; resolves once listening. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const config = options.configObject === undefined ? loadConfig(options) : buildConfig(options, options.configObject);
  const logger = options.logger ?? createLogger(config.logLevel, config.logStyle);
  for (const warning of configWarnings(config)) logger.warn(warning.details, warning.message);
  const db = await openSqliteDatabase(config.appDir);
  let ownLogStore: LogStore | undefined;
  try {
    ownLogStore = options.logStore === undefined && config.logsStore !== undefined ? await openLogStore(config.logsStore, logger) : undefined;
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const logStore = options.logStore ?? ownLogStore;
  const engine = new Engine(config, { resourceKeys: new SqliteResourceKeys(db) });
  const jobStore = new SqliteJobStore(db);
  const asyncJobs = new AsyncJobRunner({
    store: jobStore,
    engine,
    concurrency: config.client.asyncJobConcurrency,
    defaultResultTtlSeconds: config.client.asyncJobResultTtlSeconds,
    sweepIntervalMs: DEFAULTS.asyncJobSweepIntervalMs,
    logger,
  });
  const closeJobsAndEngine = async (): Promise<void> => {
    await asyncJobs.close();
    await engine.close();
    await jobStore.close();
    await ownLogStore?.close();
  };
  // Issue 10: the log writer's dropped-row counter takes the place of this 0 when the logging plugin lands.
  const logs = logStore && { store: logStore, dropped: () => 0 };
  const { server, drain } = createGatewayServer({ engine, logger, client: config.client, asyncJobs, ...(logs ? { logs } : {}) });
  try {
    await asyncJobs.start();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    await closeJobsAndEngine();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, providers: engine.providerNames, appDir: config.appDir }, "iris listening");
  return {
    url,
    port,
    config,
    async close(options: CloseOptions = {}) {
      const drainMs = options.drainMs ?? 0;
      if (drainMs > 0) {
        logger.info({ drainMs, requestsInFlight: drain.requestsInFlight }, "iris stopping: no new connections; requests in flight may finish");
      }
      if (!(await drain.shutdown(drainMs)) && drainMs > 0) {
        logger.warn(
          { drainMs, requestsInFlight: drain.requestsInFlight },
          "requests still in flight when the drain time ran out; their connections were closed",
        );
      }
      await closeJobsAndEngine();
    },
  };
}

export { ConfigError } from "./load-config.js";
