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
} as const;

export type LogStyle = "json" | "pretty";
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
