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

/** The request log: Bifrost's `client.enable_logging`, `client.disable_content_logging`, `client.log_retention_days` and its `logging` plugin entry. */
export interface LoggingSettings {
  enabled: boolean;
  contentLogging: boolean;
  retentionDays: number;
}

/** How requests are priced: `framework.pricing` and `governance.pricing_overrides`. */
export interface PricingSettings {
  /** `pricing_url`: a LiteLLM-format price table laid over the bundled one (file path, `file://` or `http(s)://` URL); none: the bundled table alone. */
  url: string | undefined;
  /** `pricing_sync_interval`: seconds between loads of `url`. */
  syncIntervalSeconds: number;
  /** How long one load of `url` may take before it counts as failed. */
  fetchTimeoutMs: number;
  /** How long start-up waits for the first load of `url` before going on with the bundled table. */
  startupWaitMs: number;
  /** How soon a failed load is tried again (never later than the sync interval). */
  retryAfterFailureMs: number;
  /** `governance.pricing_overrides` of a scope Iris can tell apart (global, provider), in config order. */
  overrides: PriceOverride[];
  /** Custom provider → the built-in family whose prices it is read with (`custom_provider_config.base_provider_type`). */
  providerFamilies: Readonly<Record<string, string>>;
}

/** One `governance.pricing_overrides` entry. */
export interface PriceOverride {
  /** `name`, else `id`, else its place in the list: what logs call it. */
  name: string;
  /** `provider_id` of a provider-scoped override; undefined for a global one. */
  provider: string | undefined;
  /** The model name as requested (without `provider/`), or with `wildcard` the prefix before the trailing `*`. */
  pattern: string;
  wildcard: boolean;
  /** Base request types (`chat_completion` covers its stream too); undefined: every type. */
  requestTypes: ReadonlySet<string> | undefined;
  /** LiteLLM cost fields (USD per token) from `options` (Bifrost's older `patch` too). */
  costs: Readonly<Record<string, number>>;
}

/** The `telemetry` plugin (Prometheus metrics, on unless switched off). */
export interface TelemetrySettings {
  /** Extra labels on every metric, valued per request by `x-bf-dim-<label>` headers (`client.prometheus_labels` first, then `custom_labels`). */
  customLabels: readonly string[];
}

/** One OTLP export target of the `otel` plugin. */
export interface OtelExportSettings {
  collectorUrl: string;
  protocol: "http" | "grpc";
  headers: Record<string, string>;
  /** gRPC without TLS. */
  insecure: boolean;
  /** PEM file of the CA that signs the collector's certificate (gRPC). */
  tlsCaCert: string | undefined;
}

/** The `otel` plugin: traces through the OpenTelemetry SDK to every enabled profile. */
export interface OtelSettings {
  serviceName: string;
  exports: OtelExportSettings[];
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
  logging: LoggingSettings;
  pricing: PricingSettings;
  /** Prometheus metrics and `GET /metrics`; undefined when switched off. */
  telemetry: TelemetrySettings | undefined;
  /** OpenTelemetry traces; undefined when off (the default). */
  otel: OtelSettings | undefined;
  /** `logs_store`; undefined when `enabled` is false. */
  logsStore: LogsStoreSettings | undefined;
  /** Admin login for the management API (`/api/*`); undefined when not enabled. */
  adminAuth: AdminAuthSettings | undefined;
  /** Virtual keys, teams, customers, budgets and rate limits; undefined when config.json has none and does not enforce auth (the plugin is off). */
  governance: GovernanceSettings | undefined;
  /** Fields of config.json Iris accepts but does not act on yet (`governance.virtual_keys`, `mcp`, …), for the start-up log. */
  notImplemented: readonly string[];
}

/** A rate limit (`governance.rate_limits[]`): requests and/or tokens per window. */
export interface RateLimitSettings {
  id: string;
  tokenMax: number | undefined;
  tokenResetMs: number | undefined;
  tokenResetText: string | undefined;
  requestMax: number | undefined;
  requestResetMs: number | undefined;
  requestResetText: string | undefined;
}

/** A budget (`governance.budgets[]`, or inline on its owner): USD per window. */
export interface BudgetSettings {
  id: string;
  maxLimit: number;
  resetMs: number;
  resetText: string;
  /** `current_usage` as config.json states it: where the counter starts on a store that has none yet. */
  initialUsage: number;
}

/** What budgets and a rate limit hang on: a virtual key, one of its provider configs, a team or a customer. */
export interface GovernedOwner {
  id: string;
  name: string;
  budgets: readonly BudgetSettings[];
  rateLimit: RateLimitSettings | undefined;
}

export interface VirtualKeyProviderSettings extends GovernedOwner {
  provider: string;
  /** Weighted routing of a bare model name; null keeps this config out of it. */
  weight: number | null;
  allowedModels: AllowList;
  blacklistedModels: AllowList;
  /** Provider keys (by id or name) this virtual key may use with this provider. */
  keyIds: AllowList;
}

export interface VirtualKeySettings extends GovernedOwner {
  value: string;
  description: string | undefined;
  isActive: boolean;
  /** Epoch ms; the key is refused from then on. */
  expiresAt: number | undefined;
  teamId: string | undefined;
  customerId: string | undefined;
  providerConfigs: readonly VirtualKeyProviderSettings[];
}

export interface TeamSettings extends GovernedOwner {
  customerId: string | undefined;
}

/** `governance.auth_config` (or the older top-level `auth_config`) with `is_enabled`: the management API's admin login. */
export interface AdminAuthSettings {
  username: string;
  password: string;
}

/** `governance.auth_config.jwt`: Bearer JWTs standing for a virtual key. */
export interface JwtSettings {
  /** Exactly one is set. */
  jwksUrl: string | undefined;
  publicKeyPem: string | undefined;
  secret: string | undefined;
  algorithms: readonly string[];
  issuer: string | undefined;
  audience: string | readonly string[] | undefined;
  clockToleranceSeconds: number;
  /** The claim naming the virtual key, by id or by value. */
  virtualKeyClaim: string;
  jwksCacheSeconds: number;
  jwksRefetchCooldownSeconds: number;
}

/** Governance: who may spend which provider keys, and how much (`governance.*`, `client.enforce_auth_on_inference`). */
export interface GovernanceSettings {
  /** A request without a virtual key is refused (`virtual_key_required`). */
  enforceAuth: boolean;
  /** Bearer JWTs standing for a virtual key, when `governance.auth_config.jwt` is enabled. */
  jwt: JwtSettings | undefined;
  virtualKeys: readonly VirtualKeySettings[];
  teams: ReadonlyMap<string, TeamSettings>;
  customers: ReadonlyMap<string, GovernedOwner>;
}
