import { DEFAULTS } from "./defaults.js";
import type { ConfigFile, ProviderConfigFile } from "./schema.js";

/**
 * The fields of a config.json that Iris accepts but does not act on yet, named as paths
 * (`governance.virtual_keys`, `plugins.semantic_cache`, `providers.openai.proxy_config`,
 * `providers.openai.keys[].use_for_batch_api`), for one start-up log line. A field is left out when
 * Iris reads it, when it only describes (`$schema`, a key's `description`), when it is empty, or when
 * its section is switched off (`enabled: false`, `disabled: true`): Iris then already does what it asks.
 */

/** Top-level fields Iris reads (client and providers are looked into below). */
const TOP_LEVEL_READ = new Set(["$schema", "version", "client", "providers", "auth_config"]);
/** Sections listed by their fields: those holding several features, and those Iris reads in part (the fields read). */
const LISTED_BY_FIELD: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["governance", new Set(["pricing_overrides", "virtual_keys", "teams", "customers", "budgets", "rate_limits", "auth_config"])],
  ["mcp", new Set<string>()],
  ["framework", new Set(["pricing"])],
  ["logs_store", new Set(["enabled", "type", "config"])],
]);
const PRICING_FIELDS_READ = new Set(["pricing_url", "pricing_sync_interval"]);
/** Pricing-override scopes Iris applies; the others need governance's keys and virtual keys. */
const PRICING_SCOPES_READ = new Set(["global", "provider"]);
const CLIENT_FIELDS_READ = new Set([
  "drop_excess_requests",
  "prometheus_labels",
  "max_request_body_size_mb",
  "async_job_result_ttl",
  "async_job_concurrency",
  "header_filter_config",
  "max_json_depth",
  "request_header_timeout_in_seconds",
  "request_body_idle_timeout_in_seconds",
  "max_connections",
  "enable_logging",
  "disable_content_logging",
  "log_retention_days",
  "enforce_auth_on_inference",
  "enforce_governance_header",
]);

const PROVIDER_FIELDS_READ = new Set([
  "keys",
  "network_config",
  "concurrency_and_buffer_size",
  "send_back_raw_request",
  "send_back_raw_response",
  "custom_provider_config",
]);
const NETWORK_FIELDS_READ = new Set([
  "base_url",
  "extra_headers",
  "default_request_timeout_in_seconds",
  "stream_idle_timeout_in_seconds",
  "max_retries",
  "retry_backoff_initial",
  "retry_backoff_max",
]);
const KEY_FIELDS_READ = new Set([
  "id",
  "name",
  "value",
  "models",
  "blacklisted_models",
  "weight",
  "enabled",
  "description",
  "config_hash",
  "status",
  "azure_key_config",
  "vertex_key_config",
  "bedrock_key_config",
]);

/** `unservedProviders`: Bifrost providers in the file that Iris leaves out, listed whole. */
export function notImplementedFields(file: ConfigFile, unservedProviders: ReadonlySet<string>): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(file)) {
    if (TOP_LEVEL_READ.has(name) || !setToSomething(value)) continue;
    const read = LISTED_BY_FIELD.get(name);
    if (name === "plugins" && Array.isArray(value)) fields.push(...pluginsSwitchedOn(value));
    else if (read && isObject(value)) fields.push(...unreadFields(value, read, name));
    else fields.push(name);
  }
  fields.push(...pricingFields(file));
  // auth_config: Iris reads the admin login and `jwt`; `disable_auth_on_inference` is Bifrost's deprecated no-op.
  const authConfig = file.governance?.auth_config;
  const read = new Set(["jwt", "is_enabled", "admin_username", "admin_password", "disable_auth_on_inference"]);
  if (authConfig && isObject(authConfig)) fields.push(...unreadFields(authConfig, read, "governance.auth_config"));
  if (file.client) fields.push(...unreadFields(file.client, CLIENT_FIELDS_READ, "client"));
  for (const [name, provider] of Object.entries(file.providers ?? {})) {
    fields.push(...(unservedProviders.has(name) ? [`providers.${name}`] : providerFields(name, provider)));
  }
  return [...new Set(fields)];
}

function providerFields(name: string, provider: ProviderConfigFile): string[] {
  const prefix = `providers.${name}`;
  return [
    ...unreadFields(provider, PROVIDER_FIELDS_READ, prefix),
    ...(provider.network_config ? unreadFields(provider.network_config, NETWORK_FIELDS_READ, `${prefix}.network_config`) : []),
    ...(provider.keys ?? []).flatMap((key) => unreadFields(key, KEY_FIELDS_READ, `${prefix}.keys[]`)),
  ];
}

function pricingFields(file: ConfigFile): string[] {
  const pricing = file.framework?.pricing;
  const scopes = (file.governance?.pricing_overrides ?? []).map((override) => override.scope_kind).filter((scope) => !PRICING_SCOPES_READ.has(scope));
  return [
    ...(pricing ? unreadFields(pricing, PRICING_FIELDS_READ, "framework.pricing") : []),
    ...[...new Set(scopes)].map((scope) => `governance.pricing_overrides[scope_kind=${scope}]`),
  ];
}

/** Plugins Iris runs, by the fields of their `config` it reads or finds already satisfied. */
const PLUGIN_FIELDS_READ: Readonly<Record<string, ReadonlySet<string>>> = {
  telemetry: new Set(["custom_labels", "metrics_enabled"]),
  logging: new Set(["disable_content_logging"]),
  // Iris puts no message content and no plugin spans in a trace, so the switches that leave them out are met.
  otel: new Set([
    "enabled",
    "service_name",
    "collector_url",
    "protocol",
    "headers",
    "insecure",
    "tls_ca_cert",
    "disable_content_logging",
    "disable_root_span_content",
    "plugin_span_filter",
  ]),
};

function pluginsSwitchedOn(plugins: readonly unknown[]): string[] {
  return plugins.flatMap((plugin) => {
    if (!isObject(plugin) || plugin["enabled"] === false || typeof plugin["name"] !== "string") return [];
    const name = plugin["name"];
    const read = PLUGIN_FIELDS_READ[name];
    if (!read) return [`plugins.${name}`];
    const config = isObject(plugin["config"]) ? plugin["config"] : {};
    const profiles = (name === "otel" && Array.isArray(config["profiles"]) ? config["profiles"].filter(isObject) : [config]).filter(
      (profile) => profile["enabled"] !== false,
    );
    return [...profiles.flatMap((profile) => unreadPluginFields(profile, read, `plugins.${name}`)), ...otelProfileMismatch(name, profiles)];
  });
}

/** A plugin's config fields Iris does not act on yet: switched on, or set to something other than what Iris does. */
function unreadPluginFields(config: Record<string, unknown>, read: ReadonlySet<string>, prefix: string): string[] {
  return Object.entries(config)
    .filter(([field, value]) => {
      if (field === "profiles") return false;
      if (field === "trace_type") return value !== "genai_extension";
      return !read.has(field) && value !== false && setToSomething(value);
    })
    .map(([field]) => `${prefix}.${field}`);
}

/** Every otel profile exports the same spans, so their service is the first enabled profile's. */
function otelProfileMismatch(name: string, profiles: ReadonlyArray<Record<string, unknown>>): string[] {
  if (name !== "otel") return [];
  const names = new Set(profiles.map((profile) => profile["service_name"] ?? DEFAULTS.otelServiceName));
  return names.size > 1 ? ["plugins.otel.profiles[].service_name"] : [];
}

function unreadFields(object: object, read: ReadonlySet<string>, prefix: string): string[] {
  return Object.entries(object)
    .filter(([field, value]) => !read.has(field) && setToSomething(value))
    .map(([field]) => `${prefix}.${field}`);
}

/** Present, not empty, and not a section switched off. */
function setToSomething(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (!isObject(value)) return true;
  return Object.keys(value).length > 0 && value["enabled"] !== false && value["disabled"] !== true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
