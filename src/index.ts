import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { configWarnings } from "./config/config-warnings.js";
import { DEFAULTS } from "./config/defaults.js";
import { loadConfig, buildConfig, type StartOptions } from "./load-config.js";
import type { GatewayConfig, OtelSettings } from "./config/types.js";
import { AsyncJobRunner } from "./core/async-jobs/async-job-runner.js";
import { Engine } from "./core/engine.js";
import { PluginPipeline } from "./core/pipeline/pipeline.js";
import type { GatewayPlugin, PriceAttempt } from "./core/pipeline/plugin.js";
import { createPriceCatalog } from "./core/pricing/price-catalog.js";
import { priceOf } from "./core/pricing/price-of.js";
import { AdminAuth } from "./http/admin-auth.js";
import { createGatewayServer } from "./http/server.js";
import { createLogger } from "./logger.js";
import { GovernancePlugin } from "./plugins/governance/governance-plugin.js";
import { UsageCounters } from "./plugins/governance/usage-counters.js";
import { TelemetryPlugin } from "./plugins/telemetry/telemetry-plugin.js";
import { openLogStore } from "./open-stores.js";
import type { LogStore } from "./stores/log-store.js";
import { createLoggingPlugin, type LoggingPlugin, type LoggingSettings as LoggingWriterSettings } from "./plugins/logging/logging-plugin.js";
import { openSqliteDatabase } from "./stores/sqlite/database.js";
import { SqliteJobStore } from "./stores/sqlite/sqlite-job-store.js";
import { SqliteResourceKeys } from "./stores/sqlite/sqlite-resource-keys.js";
import { SqliteUsageStore } from "./stores/sqlite/sqlite-usage-store.js";

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
  /** Plugins to run after the configured ones (tests, embedding). */
  plugins?: readonly GatewayPlugin[];
  /** Prices each attempt (`Attempt.cost`) instead of the price catalog (tests, embedding). */
  price?: PriceAttempt;
  /** A request log to serve instead of opening the one `logs_store` names (tests, embedding); its owner closes it. */
  logStore?: LogStore;
}

/** Loads config, starts the engine, the async job runner (on the app dir's SQLite) and the HTTP server; resolves once listening. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const config = options.configObject === undefined ? loadConfig(options) : buildConfig(options, options.configObject);
  const logger = options.logger ?? createLogger(config.logLevel, config.logStyle);
  for (const warning of configWarnings(config)) logger.warn(warning.details, warning.message);
  const db = await openSqliteDatabase(config.appDir);
  // The request log: its store (logs_store, logs.db by default) and the plugin that fills it, unless logging is off.
  const logging = config.logging.enabled && (options.logStore !== undefined || config.logsStore !== undefined);
  let ownLogStore: LogStore | undefined;
  try {
    ownLogStore = logging && options.logStore === undefined && config.logsStore !== undefined ? await openLogStore(config.logsStore, logger) : undefined;
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const logStore = logging ? (options.logStore ?? ownLogStore) : undefined;
  // pricing_url is loaded at start and kept fresh; `priceOf(pricing, attempt)` prices an attempt.
  const pricing = createPriceCatalog(config.pricing, logger);
  const price: PriceAttempt = options.price ?? ((attempt) => priceOf(pricing, attempt));
  // Observability first, so it sees every attempt, even one a later plugin answers or refuses.
  const otel = config.otel ? await startOtelPlugin(config.otel) : undefined;
  const telemetry = config.telemetry ? new TelemetryPlugin(config.telemetry) : undefined;
  const requestLog: LoggingPlugin | undefined = logStore ? createLoggingPlugin(logStore, loggingWriterSettings(config), logger) : undefined;
  // Governance after observability (which then sees its refusals too), before anything that answers for the provider.
  const governance = config.governance
    ? new GovernancePlugin(config.governance, await UsageCounters.open(new SqliteUsageStore(db), logger), logger)
    : undefined;
  const configured = [otel, telemetry, requestLog, governance].filter((plugin) => plugin !== undefined);
  const pipeline = new PluginPipeline([...configured, ...(options.plugins ?? [])], logger, price);
  const engine = new Engine(config, { resourceKeys: new SqliteResourceKeys(db), pipeline });
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
    pricing.close();
    await asyncJobs.close();
    await pipeline.close();
    await engine.close();
    await jobStore.close();
    await ownLogStore?.close();
  };
  // The management API: the admin login when configured; otherwise open on loopback only.
  const exposed = !isLoopback(config.host);
  const adminAuth = new AdminAuth(config.adminAuth, exposed);
  if (exposed && !config.adminAuth) {
    logger.warn(
      { host: config.host },
      "the management API (/api/*) is closed: Iris listens beyond loopback with no admin login; set governance.auth_config {is_enabled: true, admin_username, admin_password} to open it",
    );
  }
  const { server, drain } = createGatewayServer({
    engine,
    logger,
    adminAuth,
    ...(governance ? { governance: governance.managementView() } : {}),
    enforcesInferenceAuth: config.governance?.enforceAuth ?? false,
    client: config.client,
    asyncJobs,
    pipeline,
    ...(telemetry ? { scrapeMetrics: () => telemetry.scrape(), requestLabels: telemetry.customLabels } : {}),
    ...(logStore && requestLog ? { logs: { store: logStore, dropped: () => requestLog.dropped() } } : {}),
  });
  try {
    await asyncJobs.start();
    await pricing.start();
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

/** The OpenTelemetry SDK and its exporters are loaded only when tracing is configured. */
async function startOtelPlugin(settings: OtelSettings): Promise<GatewayPlugin> {
  const { OtelPlugin } = await import("./plugins/otel/otel-plugin.js");
  return OtelPlugin.create(settings);
}

export { ConfigError } from "./load-config.js";

/** The log writer's settings: Bifrost's queue and batch figures, with what config says about content and retention. */
function loggingWriterSettings(config: GatewayConfig): LoggingWriterSettings {
  return {
    contentLogging: config.logging.contentLogging,
    retentionDays: config.logging.retentionDays,
    capacity: DEFAULTS.logQueueCapacity,
    batchSize: DEFAULTS.logBatchSize,
    intervalMs: DEFAULTS.logBatchIntervalMs,
  };
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
