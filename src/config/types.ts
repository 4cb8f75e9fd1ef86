import type { AllowList } from "./allow-list.js";
import type { LogLevel, LogStyle } from "./defaults.js";

/** A key of a provider's pool, after env.VAR resolution and defaults. */
export interface KeySettings {
  name: string;
  value: string;
  /** Models this key may serve (`models`, read by the rule in allow-list.ts). */
  models: AllowList;
  /** Models this key never serves (`blacklisted_models`); wins over `models`. */
  blacklistedModels: AllowList;
  weight: number;
  azure?: AzureKeySettings;
  vertex?: VertexKeySettings;
  bedrock?: BedrockKeySettings;
}

export interface VertexKeySettings {
  projectId: string;
  region: string;
  /** Parsed service-account JSON, when given. */
  credentials?: Record<string, unknown>;
  tokenUrl?: string;
  deployments: Record<string, string>;
}

export interface BedrockKeySettings {
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  region: string;
  arn?: string;
  deployments: Record<string, string>;
}

export interface AzureKeySettings {
  endpoint: string;
  deployments: Record<string, string>;
  apiVersion: string;
}

export interface ProviderSettings {
  name: string;
  /** Which wire family serves this provider: a built-in row name or a family for custom providers. */
  family: string;
  keys: KeySettings[];
  baseUrl: string | undefined;
  extraHeaders: Record<string, string>;
  timeoutMs: number;
  streamIdleTimeoutMs: number;
  maxRetries: number;
  retryBackoffInitialMs: number;
  retryBackoffMaxMs: number;
  concurrency: number;
  bufferSize: number;
  sendBackRawRequest: boolean;
  sendBackRawResponse: boolean;
  /** Custom providers' `allowed_requests`: the request types set to true; undefined lets every type through. */
  allowedRequests?: ReadonlySet<string>;
  /** Custom providers' `request_path_overrides`: request type → path under the base URL, or a whole URL. */
  requestPathOverrides?: Readonly<Record<string, string>>;
}

export interface ClientSettings {
  dropExcessRequests: boolean;
  maxRequestBodyBytes: number;
  /** How long a finished async job's result is kept (`client.async_job_result_ttl`, seconds). */
  asyncJobResultTtlSeconds: number;
  /** How many async jobs run at once (`client.async_job_concurrency`). */
  asyncJobConcurrency: number;
  /** `client.header_filter_config`: lower-case header names. */
  headerFilter: { allowlist: string[]; denylist: string[] };
  /** `client.max_json_depth`. */
  maxJsonDepth: number;
  /** `client.request_header_timeout_in_seconds`, in ms. */
  requestHeaderTimeoutMs: number;
  /** `client.request_body_idle_timeout_in_seconds`, in ms. */
  requestBodyIdleTimeoutMs: number;
  /** `client.max_connections`. */
  maxConnections: number;
}

/** A PostgreSQL server as Bifrost's store configs name it (`host`, `port`, `user`, `password`, `db_name`, `ssl_mode`, …). */
export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** libpq's `sslmode`: disable, allow, prefer, require, verify-ca, verify-full. */
  sslMode: PostgresSslMode;
  /** `max_open_conns`: the pool's size. */
  maxOpenConns: number;
  /** `conn_max_lifetime`, in ms; undefined keeps connections for as long as they work. */
  connMaxLifetimeMs: number | undefined;
}

export type PostgresSslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

/** Where request logs go (`logs_store`); the gateway keeps none when it is switched off. */
export type LogsStoreSettings = { type: "sqlite"; path: string } | { type: "postgres"; postgres: PostgresSettings };

export interface GatewayConfig {
  appDir: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  logStyle: LogStyle;
  client: ClientSettings;
  providers: Map<string, ProviderSettings>;
  /** `logs_store`; undefined when `enabled` is false. */
  logsStore: LogsStoreSettings | undefined;
  /** Fields of config.json Iris accepts but does not act on yet (`governance.virtual_keys`, `mcp`, …), for the start-up log. */
  notImplemented: readonly string[];
}
