/** Every default the gateway uses, in one place. Values follow Bifrost's where Bifrost has one. */
export const DEFAULTS = {
  appDir: "./data",
  port: 8080,
  host: "127.0.0.1",
  logLevel: "info",
  logStyle: "json",
  maxRetries: 0,
  retryBackoffInitialMs: 500,
  retryBackoffMaxMs: 5_000,
  requestTimeoutSeconds: 30,
  streamIdleTimeoutSeconds: 60,
  concurrency: 1_000,
  bufferSize: 5_000,
  dropExcessRequests: false,
  maxRequestBodySizeMb: 100,
  keyWeight: 1,
  azureApiVersion: "2024-10-21",
  bedrockRegion: "us-east-1",
  anthropicVersion: "2023-06-01",
  upstreamConnectionsPerOrigin: 256,
  asyncJobResultTtlSeconds: 3_600,
  asyncJobConcurrency: 8,
  asyncJobSweepIntervalMs: 60_000,
  /** Far deeper than any real schema or conversation, far shallower than a stack overflow in a converter. */
  maxJsonDepth: 512,
  /** Headers must arrive within this; a real client sends them at once. */
  requestHeaderTimeoutSeconds: 30,
  /** Longest silence while a body arrives; a real upload never pauses this long. */
  requestBodyIdleTimeoutSeconds: 30,
  /** Open connections per process; beyond it new ones are closed at once. */
  maxConnections: 10_000,
  /** `x-bf-eh-*` headers one request may forward, and the longest value each may carry. */
  maxForwardedHeaders: 64,
  maxForwardedHeaderBytes: 8_192,
  /** Bifrost keeps request logs for a year unless `client.log_retention_days` says otherwise. */
  logRetentionDays: 365,
  /** The log writer (Bifrost's figures): rows queued at most, rows per insert, longest a row waits. */
  logQueueCapacity: 10_000,
  logBatchSize: 1_000,
  logBatchIntervalMs: 2_000,
  /** `framework.pricing.pricing_sync_interval` (Bifrost's default and minimum), seconds. */
  pricingSyncIntervalSeconds: 86_400,
  pricingSyncIntervalMinSeconds: 3_600,
  /** One load of `pricing_url`; LiteLLM's table is 1.6 MB. */
  pricingFetchTimeoutMs: 30_000,
  /** Start-up goes on with the bundled prices after this; the load finishes in the background. */
  pricingStartupWaitMs: 5_000,
  /** A failed load is tried again this soon rather than a whole sync interval later. */
  pricingRetryAfterFailureMs: 600_000,
  /** Models whose price resolution is remembered; model names come from requests, so the memory is bounded. */
  priceMemoEntries: 10_000,
  /** The otel plugin's `service_name` when a profile names none (Bifrost's). */
  otelServiceName: "bifrost",
  /** Plain-text gRPC to the collector unless a profile says otherwise (Bifrost's `insecure` default). */
  otelInsecure: true,
  /** The request log's file in the app dir when `logs_store` is absent (Bifrost's name). */
  logsFileName: "logs.db",
  /** `logs_store.config.max_open_conns` (PostgreSQL), as Bifrost. */
  postgresMaxOpenConns: 50,
} as const;

export type LogStyle = "json" | "pretty";
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
