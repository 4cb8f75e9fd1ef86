import type { ConfigFile, ProviderConfigFile } from "./schema.js";

/**
 * The fields of a config.json that Iris accepts but does not act on yet, named as paths
 * (`governance.virtual_keys`, `plugins.semantic_cache`, `providers.openai.proxy_config`,
 * `providers.openai.keys[].use_for_batch_api`), for one start-up log line. A field is left out when
 * Iris reads it, when it only describes (`$schema`, a key's `description`), when it is empty, or when
 * its section is switched off (`enabled: false`, `disabled: true`): Iris then already does what it asks.
 */

/** Top-level fields Iris reads (client and providers are looked into below). */
const TOP_LEVEL_READ = new Set(["$schema", "version", "client", "providers"]);
/** Sections listed by their fields: those holding several features, and those Iris reads in part (the fields read). */
const LISTED_BY_FIELD: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["governance", new Set<string>()],
  ["mcp", new Set<string>()],
  ["logs_store", new Set(["enabled", "type", "config"])],
]);
const CLIENT_FIELDS_READ = new Set([
  "drop_excess_requests",
  "max_request_body_size_mb",
  "async_job_result_ttl",
  "async_job_concurrency",
  "header_filter_config",
  "max_json_depth",
  "request_header_timeout_in_seconds",
  "request_body_idle_timeout_in_seconds",
  "max_connections",
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
    if (name === "plugins" && Array.isArray(value)) fields.push(...pluginsSwitchedOn(value));
    else if (LISTED_BY_FIELD.has(name) && isObject(value)) fields.push(...unreadFields(value, LISTED_BY_FIELD.get(name) ?? new Set(), name));
    else fields.push(name);
  }
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

function pluginsSwitchedOn(plugins: readonly unknown[]): string[] {
  return plugins.flatMap((plugin) =>
    isObject(plugin) && plugin["enabled"] !== false && typeof plugin["name"] === "string" ? [`plugins.${plugin["name"]}`] : [],
  );
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
