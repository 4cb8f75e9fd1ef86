import { z } from "zod";
import { acceptedSectionsShape } from "./accepted-sections-schema.js";
import { pricingConfigSchema } from "./pricing-schema.js";
import { logsStoreSchema } from "./store-schema.js";

/**
 * Bifrost's config.json (transports/config.schema.json in maximhq/bifrost). Every field Bifrost
 * defines is typed, so a wrong type is a one-line error naming it; unknown keys are allowed
 * (passthrough), as Bifrost's own loader allows them, so a config from a newer Bifrost still loads.
 */

const durationMs = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?(ms|s|m)?$/, "expected milliseconds or a duration like '500ms' or '2s'")]);

const azureKeyConfigSchema = z
  .object({
    endpoint: z.string().url("must be a URL like https://my-resource.openai.azure.com"),
    deployments: z.record(z.string(), z.string()).optional(),
    api_version: z.string().optional(),
  })
  .passthrough();

const vertexKeyConfigSchema = z
  .object({
    project_id: z.string().min(1, "is required"),
    region: z.string().min(1, "is required"),
    /** Service-account JSON (as a string or object). */
    auth_credentials: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    /** OAuth token endpoint; defaults to the one in the service-account JSON (tests point it at a mock). */
    token_url: z.string().url().optional(),
    deployments: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

const bedrockKeyConfigSchema = z
  .object({
    access_key: z.string().optional(),
    secret_key: z.string().optional(),
    session_token: z.string().optional(),
    region: z.string().optional(),
    arn: z.string().optional(),
    /** Model → inference profile / deployment id. */
    deployments: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

export const keySchema = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1).optional(),
    value: z.string().optional(),
    /** Allow-list: `["*"]` every model, names exactly those, `[]` none (or every one under `version: 1`). */
    models: z.array(z.string()).optional(),
    /** Deny-list that wins over `models`; `["*"]` blocks every model. */
    blacklisted_models: z.array(z.string()).optional(),
    weight: z.number().positive("must be greater than 0").optional(),
    /** `false` takes the key out of the pool. */
    enabled: z.boolean().optional(),
    description: z.string().optional(),
    use_for_batch_api: z.boolean().optional(),
    aliases: z.record(z.string(), z.union([z.string(), z.object({}).passthrough()])).optional(),
    azure_key_config: azureKeyConfigSchema.optional(),
    vertex_key_config: vertexKeyConfigSchema.optional(),
    bedrock_key_config: bedrockKeyConfigSchema.optional(),
  })
  .passthrough();

const networkConfigSchema = z
  .object({
    base_url: z.string().url("must be a URL like https://api.example.com").optional(),
    extra_headers: z.record(z.string(), z.string()).optional(),
    default_request_timeout_in_seconds: z.number().positive().optional(),
    stream_idle_timeout_in_seconds: z.number().positive().optional(),
    max_retries: z.number().int().nonnegative().optional(),
    retry_backoff_initial: durationMs.optional(),
    retry_backoff_max: durationMs.optional(),
    enforce_http2: z.boolean().optional(),
    insecure_skip_verify: z.boolean().optional(),
    ca_cert_pem: z.string().optional(),
    keep_alive_timeout_in_seconds: z.number().positive().optional(),
    max_conns_per_host: z.number().int().positive().optional(),
    beta_header_overrides: z.record(z.string(), z.boolean()).optional(),
    allow_private_network: z.boolean().optional(),
  })
  .passthrough();

const concurrencySchema = z
  .object({
    concurrency: z.number().int().positive().optional(),
    buffer_size: z.number().int().nonnegative().optional(),
  })
  .passthrough();

const customProviderSchema = z
  .object({
    base_provider_type: z.enum(["openai"], {
      message: "only 'openai' is supported as base_provider_type for now",
    }),
    is_key_less: z.boolean().optional(),
    allowed_requests: z.record(z.string(), z.boolean({ message: "each allowed_requests entry must be true or false" })).optional(),
    request_path_overrides: z.record(z.string(), z.string({ message: "each request_path_overrides entry must be a path or URL string" })).optional(),
  })
  .passthrough();

export const providerSchema = z
  .object({
    keys: z.array(keySchema).optional(),
    network_config: networkConfigSchema.optional(),
    concurrency_and_buffer_size: concurrencySchema.optional(),
    send_back_raw_request: z.boolean().optional(),
    send_back_raw_response: z.boolean().optional(),
    custom_provider_config: customProviderSchema.optional(),
    proxy_config: z.object({ type: z.string().optional(), url: z.string().optional() }).passthrough().optional(),
    store_raw_request_response: z.boolean().optional(),
    openai_config: z.object({}).passthrough().optional(),
  })
  .passthrough();

const clientSchema = z
  .object({
    drop_excess_requests: z.boolean().optional(),
    max_request_body_size_mb: z.number().positive().optional(),
    async_job_result_ttl: z.number().int("must be a whole number of seconds").nonnegative().optional(),
    async_job_concurrency: z.number().int().positive().optional(),
    // Read by Iris (gateway-headers.ts, server.ts).
    header_filter_config: z
      .object({
        allowlist: z.array(z.string()).optional().nullable(),
        denylist: z.array(z.string()).optional().nullable(),
      })
      .passthrough()
      .optional()
      .nullable(),
    max_json_depth: z.number().int().min(2, "must be at least 2").optional(),
    request_header_timeout_in_seconds: z.number().positive().optional(),
    request_body_idle_timeout_in_seconds: z.number().positive().optional(),
    max_connections: z.number().int().positive().optional(),
    // Bifrost's other client fields: accepted, listed at start-up until Iris acts on them.
    initial_pool_size: z.number().int().positive().optional(),
    prometheus_labels: z.array(z.string()).optional(),
    allowed_origins: z.array(z.string()).optional(),
    enable_logging: z.boolean().optional(),
    disable_content_logging: z.boolean().optional(),
    allow_per_request_content_storage_override: z.boolean().optional(),
    allow_per_request_raw_override: z.boolean().optional(),
    disable_db_pings_in_health: z.boolean().optional(),
    dump_errors_in_console_logs: z.boolean().optional(),
    webhook_config: z.object({}).passthrough().optional(),
    log_retention_days: z.number().int().positive().optional(),
    enforce_governance_header: z.boolean().optional(),
    enforce_auth_on_inference: z.boolean().optional(),
    dual_credential_conflict_behavior: z.string().optional(),
    enforce_scim_auth: z.boolean().optional(),
    compat: z.object({}).passthrough().optional(),
    required_headers: z.array(z.string()).optional(),
    logging_headers: z.array(z.string()).optional(),
    whitelisted_routes: z.array(z.string()).optional(),
    hide_deleted_virtual_keys_in_filters: z.boolean().optional(),
    allowed_headers: z.array(z.string()).optional(),
    allow_direct_keys: z.boolean().optional(),
    mcp_agent_depth: z.number().int().positive().optional(),
    mcp_tool_execution_timeout: z.number().int().positive().optional(),
    mcp_code_mode_binding_level: z.string().optional(),
    mcp_tool_sync_interval: z.number().int().nonnegative().optional(),
    mcp_disable_auto_tool_inject: z.boolean().optional(),
    mcp_enable_temp_token_auth: z.boolean().optional(),
    routing_chain_max_depth: z.number().int().positive().optional(),
    mcp_external_client_url: z.union([z.string(), z.object({}).passthrough()]).optional(),
    mcp_server_auth_mode: z.string().optional(),
    oauth2_server_config: z.object({}).passthrough().optional(),
  })
  .passthrough();

export const configFileSchema = z
  .object({
    $schema: z.string().optional(),
    /** How empty allow-lists read: 1 = Bifrost v1.4 (everything), 2 or absent = v1.5+ (nothing). */
    version: z.union([z.literal(1), z.literal(2)], { message: "must be 1 or 2" }).optional(),
    client: clientSchema.optional(),
    providers: z.record(z.string(), providerSchema).optional(),
    framework: z.object({ pricing: pricingConfigSchema.optional() }).passthrough().optional(),
    logs_store: logsStoreSchema.optional(),
    ...acceptedSectionsShape,
  })
  .passthrough();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderConfigFile = z.infer<typeof providerSchema>;
export type KeyConfigFile = z.infer<typeof keySchema>;
