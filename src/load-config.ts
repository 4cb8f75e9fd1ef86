import { readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { OPENAI_COMPATIBLE_PROVIDERS, openAICompatibleRow } from "./providers/openai/compatible-providers.js";
import { BUILT_IN_PROVIDERS } from "./providers/registry.js";
import { emptyListMeaning, parseAllowList, WILDCARD, type AllowList, type EmptyListMeans } from "./config/allow-list.js";
import { BIFROST_PROVIDER_NAMES } from "./config/bifrost-providers.js";
import { DEFAULTS, type LogLevel, type LogStyle } from "./config/defaults.js";
import { GovernanceConfigProblem, governanceSettingsOf } from "./config/governance-settings.js";
import { logsStoreSettings } from "./config/logs-store-settings.js";
import { notImplementedFields } from "./config/not-implemented-fields.js";
import type { PricingOverrideConfig } from "./config/pricing-schema.js";
import { otelSettingsOf, telemetrySettingsOf } from "./config/observability-settings.js";
import { configFileSchema, type ConfigFile, type KeyConfigFile, type ProviderConfigFile } from "./config/schema.js";
import type {
  AdminAuthSettings,
  GatewayConfig,
  GovernanceSettings,
  KeySettings,
  LoggingSettings,
  PriceOverride,
  PricingSettings,
  ProviderSettings,
} from "./config/types.js";

/** A config problem, reported as one line naming the field and what is wrong. */
export class ConfigError extends Error {
  constructor(field: string, problem: string) {
    super(field ? `config error: ${field}: ${problem}` : `config error: ${problem}`);
    this.name = "ConfigError";
  }
}

export interface StartOptions {
  appDir: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  logStyle: LogStyle;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Providers with their own wire format whose key comes from one environment variable. */
const NATIVE_ENV_KEYS: ReadonlyArray<[string, string]> = [
  ["anthropic", "ANTHROPIC_API_KEY"],
  ["gemini", "GEMINI_API_KEY"],
  ["cohere", "COHERE_API_KEY"],
];

/** Reads APP_DIR/config.json when present, else builds providers from the standard env vars. */
export function loadConfig(options: StartOptions, env: Env = process.env): GatewayConfig {
  const file = path.join(options.appDir, "config.json");
  const raw = readConfigFile(file);
  return raw === undefined ? configFromEnv(options, env) : buildConfig(options, raw, env);
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(file, `cannot be read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, `is not valid JSON (${(err as Error).message})`);
  }
}

/** Validates a parsed config.json (Bifrost's schema) and resolves it into gateway settings. */
export function buildConfig(options: StartOptions, raw: unknown, env: Env = process.env): GatewayConfig {
  const resolved = resolveEnvReferences(raw, "", env);
  const parsed = configFileSchema.safeParse(resolved);
  if (!parsed.success) throw zodProblem(parsed.error);
  const file: ConfigFile = parsed.data;
  const emptyList = emptyListMeaning(file.version);
  const providers = new Map<string, ProviderSettings>();
  const unserved = new Set<string>();
  for (const [name, provider] of Object.entries(file.providers ?? {})) {
    if (isUnservedBifrostProvider(name, provider)) unserved.add(name);
    else providers.set(name, providerSettings(name, provider, emptyList));
  }
  return {
    ...options,
    client: {
      dropExcessRequests: file.client?.drop_excess_requests ?? DEFAULTS.dropExcessRequests,
      maxRequestBodyBytes: Math.floor((file.client?.max_request_body_size_mb ?? DEFAULTS.maxRequestBodySizeMb) * 1024 * 1024),
      asyncJobResultTtlSeconds: file.client?.async_job_result_ttl ?? DEFAULTS.asyncJobResultTtlSeconds,
      asyncJobConcurrency: file.client?.async_job_concurrency ?? DEFAULTS.asyncJobConcurrency,
      headerFilter: {
        allowlist: (file.client?.header_filter_config?.allowlist ?? []).map((name) => name.toLowerCase()),
        denylist: (file.client?.header_filter_config?.denylist ?? []).map((name) => name.toLowerCase()),
      },
      maxJsonDepth: file.client?.max_json_depth ?? DEFAULTS.maxJsonDepth,
      requestHeaderTimeoutMs: (file.client?.request_header_timeout_in_seconds ?? DEFAULTS.requestHeaderTimeoutSeconds) * 1000,
      requestBodyIdleTimeoutMs: (file.client?.request_body_idle_timeout_in_seconds ?? DEFAULTS.requestBodyIdleTimeoutSeconds) * 1000,
      maxConnections: file.client?.max_connections ?? DEFAULTS.maxConnections,
    },
    providers,
    logging: loggingSettings(file),
    pricing: pricingSettings(file, providers),
    telemetry: telemetrySettingsOf(file),
    otel: otelSettingsOf(file),
    logsStore: logsStoreSettings(file.logs_store, options.appDir),
    governance: governanceOf(file, emptyList),
    adminAuth: adminAuthOf(file),
    notImplemented: notImplementedFields(file, unserved),
  };
}

/** `governance.auth_config`, or Bifrost's older top-level `auth_config`, when `is_enabled`. */
function adminAuthOf(file: ConfigFile): AdminAuthSettings | undefined {
  const auth = file.governance?.auth_config ?? file.auth_config;
  if (auth?.is_enabled !== true || !auth.admin_username || !auth.admin_password) return undefined;
  return { username: auth.admin_username, password: auth.admin_password };
}

/** Governance, when config.json has virtual keys or enforces auth; a dangling reference is a config error naming the field. */
function governanceOf(file: ConfigFile, emptyList: ReturnType<typeof emptyListMeaning>): GovernanceSettings | undefined {
  try {
    const settings = governanceSettingsOf(file, emptyList);
    return settings.enforceAuth || settings.virtualKeys.length > 0 ? settings : undefined;
  } catch (err) {
    if (err instanceof GovernanceConfigProblem) throw new ConfigError(err.field, err.message);
    throw err;
  }
}

function pricingSettings(file: ConfigFile, providers: ReadonlyMap<string, ProviderSettings>): PricingSettings {
  const pricing = file.framework?.pricing;
  return {
    url: pricing?.pricing_url,
    syncIntervalSeconds: pricing?.pricing_sync_interval ?? DEFAULTS.pricingSyncIntervalSeconds,
    fetchTimeoutMs: DEFAULTS.pricingFetchTimeoutMs,
    startupWaitMs: DEFAULTS.pricingStartupWaitMs,
    retryAfterFailureMs: DEFAULTS.pricingRetryAfterFailureMs,
    overrides: (file.governance?.pricing_overrides ?? []).flatMap(priceOverride),
    providerFamilies: Object.fromEntries([...providers.values()].filter((p) => p.family !== p.name).map((p) => [p.name, p.family])),
  };
}

/** Global and provider scopes; the key and virtual-key scopes wait for governance (listed at start-up). */
function priceOverride(override: PricingOverrideConfig, index: number): PriceOverride[] {
  if (override.scope_kind !== "global" && override.scope_kind !== "provider") return [];
  const wildcard = override.match_type === "wildcard";
  const costs: Record<string, number> = {};
  for (const [field, value] of Object.entries({ ...override.patch, ...override.options })) if (typeof value === "number") costs[field] = value;
  const requestTypes = override.request_types?.map((type) => type.replace(/_stream$/, ""));
  return [
    {
      name: override.name ?? override.id ?? `governance.pricing_overrides[${index}]`,
      provider: override.scope_kind === "provider" ? (override.provider_id ?? undefined) : undefined,
      pattern: wildcard ? override.pattern.slice(0, -1) : override.pattern,
      wildcard,
      requestTypes: requestTypes && requestTypes.length > 0 ? new Set(requestTypes) : undefined,
      costs,
    },
  ];
}

/** A provider Bifrost has that Iris does not serve yet: left out (and listed at start-up) rather than failing the start. */
function isUnservedBifrostProvider(name: string, provider: ProviderConfigFile): boolean {
  return !BUILT_IN_PROVIDERS.includes(name) && !provider.custom_provider_config && BIFROST_PROVIDER_NAMES.has(name);
}

/** Keys from environment variables serve every model, as a bare API key does. */
const EVERY_MODEL = [WILDCARD];

function configFromEnv(options: StartOptions, env: Env): GatewayConfig {
  const providers: Record<string, ProviderConfigFile> = {};
  for (const row of OPENAI_COMPATIBLE_PROVIDERS) {
    const key = row.envKey ? env[row.envKey] : undefined;
    const baseUrl = row.envBaseUrl ? env[row.envBaseUrl] : undefined;
    if (!key && !baseUrl) continue;
    if (!row.baseUrl && !baseUrl) continue;
    providers[row.name] = {
      keys: [{ name: `${row.name}-env`, value: key ?? "", models: EVERY_MODEL, weight: 1 }],
      ...(baseUrl ? { network_config: { base_url: baseUrl } } : {}),
    };
  }
  for (const [name, envKey] of NATIVE_ENV_KEYS) {
    const key = env[envKey];
    if (key) providers[name] = { keys: [{ name: `${name}-env`, value: key, models: EVERY_MODEL, weight: 1 }] };
  }
  if (env["AWS_ACCESS_KEY_ID"] && env["AWS_SECRET_ACCESS_KEY"]) {
    providers["bedrock"] = {
      keys: [
        {
          name: "bedrock-env",
          models: EVERY_MODEL,
          weight: 1,
          bedrock_key_config: {
            access_key: env["AWS_ACCESS_KEY_ID"],
            secret_key: env["AWS_SECRET_ACCESS_KEY"],
            ...(env["AWS_SESSION_TOKEN"] ? { session_token: env["AWS_SESSION_TOKEN"] } : {}),
            region: env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? DEFAULTS.bedrockRegion,
          },
        },
      ],
    };
  }
  const azureKey = env["AZURE_API_KEY"];
  const azureEndpoint = env["AZURE_ENDPOINT"];
  if (azureKey && azureEndpoint) {
    providers["azure"] = {
      keys: [{ name: "azure-env", value: azureKey, models: EVERY_MODEL, weight: 1, azure_key_config: { endpoint: azureEndpoint } }],
    };
  }
  return buildConfig(options, { providers }, env);
}

function providerSettings(name: string, p: ProviderConfigFile, emptyList: EmptyListMeans): ProviderSettings {
  const field = `providers.${name}`;
  const custom = p.custom_provider_config;
  if (!BUILT_IN_PROVIDERS.includes(name) && !custom) {
    throw new ConfigError(
      field,
      `unknown provider; known providers are ${BUILT_IN_PROVIDERS.join(", ")} (or add custom_provider_config {"base_provider_type":"openai"} with network_config.base_url)`,
    );
  }
  const net = p.network_config ?? {};
  const row = openAICompatibleRow(name);
  const needsBaseUrl = custom !== undefined || (row !== undefined && row.baseUrl === undefined);
  if (needsBaseUrl && !net.base_url) throw new ConfigError(`${field}.network_config.base_url`, "is required for this provider");
  const keyOptional = custom?.is_key_less ?? row?.keyOptional ?? false;
  const configured = p.keys ?? [];
  const keys = configured.map((k, i) => keySettings(name, k, i, keyOptional, emptyList));
  if (name === "azure") {
    keys.forEach((k, i) => {
      if (!k.azure?.endpoint && !net.base_url) throw new ConfigError(`${field}.keys[${i}].azure_key_config.endpoint`, "is required for azure keys");
    });
  }
  const names = new Set<string>();
  keys.forEach((k, i) => {
    if (names.has(k.name)) throw new ConfigError(`${field}.keys[${i}].name`, `duplicate key name '${k.name}'`);
    names.add(k.name);
  });
  // A disabled key is checked like the others, then left out of the pool.
  const enabledKeys = keys.filter((_, i) => configured[i]?.enabled !== false);
  const timeoutSeconds = net.default_request_timeout_in_seconds ?? DEFAULTS.requestTimeoutSeconds;
  return {
    name,
    family: custom ? custom.base_provider_type : name,
    keys: enabledKeys,
    baseUrl: net.base_url,
    extraHeaders: net.extra_headers ?? {},
    timeoutMs: timeoutSeconds * 1000,
    streamIdleTimeoutMs: (net.stream_idle_timeout_in_seconds ?? DEFAULTS.streamIdleTimeoutSeconds) * 1000,
    maxRetries: net.max_retries ?? DEFAULTS.maxRetries,
    retryBackoffInitialMs: toMs(net.retry_backoff_initial, DEFAULTS.retryBackoffInitialMs),
    retryBackoffMaxMs: toMs(net.retry_backoff_max, DEFAULTS.retryBackoffMaxMs),
    concurrency: p.concurrency_and_buffer_size?.concurrency ?? DEFAULTS.concurrency,
    bufferSize: p.concurrency_and_buffer_size?.buffer_size ?? DEFAULTS.bufferSize,
    sendBackRawRequest: p.send_back_raw_request ?? false,
    sendBackRawResponse: p.send_back_raw_response ?? false,
    ...customRequestSettings(custom),
  };
}

/** `allowed_requests` (the types set to true) and `request_path_overrides` (each made a path with a leading slash, or kept as a URL) of a custom provider. */
function customRequestSettings(custom: ProviderConfigFile["custom_provider_config"]): Pick<ProviderSettings, "allowedRequests" | "requestPathOverrides"> {
  const settings: Pick<ProviderSettings, "allowedRequests" | "requestPathOverrides"> = {};
  if (custom?.allowed_requests) {
    settings.allowedRequests = new Set(
      Object.entries(custom.allowed_requests)
        .filter(([, allowed]) => allowed)
        .map(([type]) => type),
    );
  }
  if (custom?.request_path_overrides) {
    const overrides: Record<string, string> = {};
    for (const [type, raw] of Object.entries(custom.request_path_overrides)) {
      const path = raw.trim();
      if (path !== "") overrides[type] = /^https?:\/\//i.test(path) || path.startsWith("/") ? path : `/${path}`;
    }
    settings.requestPathOverrides = overrides;
  }
  return settings;
}

function keySettings(provider: string, k: KeyConfigFile, index: number, keyOptional: boolean, emptyList: EmptyListMeans): KeySettings {
  const field = `providers.${provider}.keys[${index}]`;
  const hasCloudCredentials = k.vertex_key_config !== undefined || k.bedrock_key_config !== undefined;
  if (!keyOptional && !hasCloudCredentials && !k.value) throw new ConfigError(`${field}.value`, "is required");
  const azure = k.azure_key_config;
  return {
    ...cloudKeySettings(k, field),
    name: k.name ?? k.id ?? `${provider}-${index}`,
    value: k.value ?? "",
    models: allowList(k.models, emptyList, `${field}.models`),
    // An empty deny-list blocks nothing, whatever the config's version.
    blacklistedModels: allowList(k.blacklisted_models, "nothing", `${field}.blacklisted_models`),
    weight: k.weight ?? DEFAULTS.keyWeight,
    ...(azure
      ? {
          azure: {
            endpoint: azure.endpoint,
            deployments: azure.deployments ?? {},
            apiVersion: azure.api_version ?? DEFAULTS.azureApiVersion,
          },
        }
      : {}),
  };
}

function cloudKeySettings(k: KeyConfigFile, field: string): Pick<KeySettings, "vertex" | "bedrock"> {
  const out: Pick<KeySettings, "vertex" | "bedrock"> = {};
  const vertex = k.vertex_key_config;
  if (vertex) {
    let credentials: Record<string, unknown> | undefined;
    if (typeof vertex.auth_credentials === "string" && vertex.auth_credentials.trim()) {
      try {
        credentials = JSON.parse(vertex.auth_credentials) as Record<string, unknown>;
      } catch {
        throw new ConfigError(`${field}.vertex_key_config.auth_credentials`, "is not valid service-account JSON");
      }
    } else if (typeof vertex.auth_credentials === "object") {
      credentials = vertex.auth_credentials;
    }
    out.vertex = {
      projectId: vertex.project_id,
      region: vertex.region,
      deployments: vertex.deployments ?? {},
      ...(credentials ? { credentials } : {}),
      ...(vertex.token_url ? { tokenUrl: vertex.token_url } : {}),
    };
  }
  const bedrock = k.bedrock_key_config;
  if (bedrock) {
    out.bedrock = {
      region: bedrock.region ?? DEFAULTS.bedrockRegion,
      deployments: bedrock.deployments ?? {},
      ...(bedrock.access_key ? { accessKey: bedrock.access_key } : {}),
      ...(bedrock.secret_key ? { secretKey: bedrock.secret_key } : {}),
      ...(bedrock.session_token ? { sessionToken: bedrock.session_token } : {}),
      ...(bedrock.arn ? { arn: bedrock.arn } : {}),
    };
  }
  return out;
}

function allowList(raw: readonly string[] | undefined, emptyList: EmptyListMeans, field: string): AllowList {
  const list = parseAllowList(raw, emptyList);
  if ("problem" in list) throw new ConfigError(field, list.problem);
  return list;
}

/** Durations are milliseconds as numbers, or strings like "500ms", "2s", "1m". */
function toMs(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  const amount = Number(match?.[1] ?? 0);
  const unit = match?.[2] ?? "ms";
  return unit === "m" ? amount * 60_000 : unit === "s" ? amount * 1000 : amount;
}

/** Replaces every string "env.VAR" with the value of VAR; a missing variable is a config error. */
function resolveEnvReferences(value: unknown, field: string, env: Env): unknown {
  if (typeof value === "string") {
    if (!value.startsWith("env.")) return value;
    const name = value.slice(4);
    const resolved = env[name];
    if (resolved === undefined) throw new ConfigError(field || "(root)", `environment variable ${name} is not set`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, `${field}[${i}]`, env));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, field ? `${field}.${k}` : k, env)]));
  }
  return value;
}

function zodProblem(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError("", "invalid configuration");
  const field = issue.path.map((segment, i) => (typeof segment === "number" ? `[${segment}]` : i === 0 ? String(segment) : `.${String(segment)}`)).join("");
  return new ConfigError(field || "(root)", issue.message);
}

/**
 * Logging is on unless `client.enable_logging` is false or a `logging` plugin entry says
 * `enabled: false`; content is kept unless `client.disable_content_logging` (or the plugin's own
 * `disable_content_logging`) is true.
 */
function loggingSettings(file: ConfigFile): LoggingSettings {
  const plugin = (file.plugins ?? []).find((p) => p.name === "logging");
  const pluginConfig = plugin?.config;
  const pluginDisablesContent =
    typeof pluginConfig === "object" && pluginConfig !== null && (pluginConfig as Record<string, unknown>)["disable_content_logging"] === true;
  return {
    enabled: file.client?.enable_logging !== false && plugin?.enabled !== false,
    contentLogging: file.client?.disable_content_logging !== true && !pluginDisablesContent,
    retentionDays: file.client?.log_retention_days ?? DEFAULTS.logRetentionDays,
  };
}
