import { z } from "zod";

/**
 * Bifrost's config.json, as far as Iris reads it. Unknown keys are allowed (passthrough) so a
 * Bifrost config with sections Iris does not implement yet still loads.
 */

const durationMs = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|m)?$/, "expected milliseconds or a duration like '500ms' or '2s'"),
]);

export const azureKeyConfigSchema = z
  .object({
    endpoint: z.string().url("must be a URL like https://my-resource.openai.azure.com"),
    deployments: z.record(z.string(), z.string()).optional(),
    api_version: z.string().optional(),
  })
  .passthrough();

export const vertexKeyConfigSchema = z
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

export const bedrockKeyConfigSchema = z
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
    azure_key_config: azureKeyConfigSchema.optional(),
    vertex_key_config: vertexKeyConfigSchema.optional(),
    bedrock_key_config: bedrockKeyConfigSchema.optional(),
  })
  .passthrough();

export const networkConfigSchema = z
  .object({
    base_url: z.string().url("must be a URL like https://api.example.com").optional(),
    extra_headers: z.record(z.string(), z.string()).optional(),
    default_request_timeout_in_seconds: z.number().positive().optional(),
    stream_idle_timeout_in_seconds: z.number().positive().optional(),
    max_retries: z.number().int().nonnegative().optional(),
    retry_backoff_initial: durationMs.optional(),
    retry_backoff_max: durationMs.optional(),
  })
  .passthrough();

export const concurrencySchema = z
  .object({
    concurrency: z.number().int().positive().optional(),
    buffer_size: z.number().int().nonnegative().optional(),
  })
  .passthrough();

export const customProviderSchema = z
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
  })
  .passthrough();

export const clientSchema = z
  .object({
    drop_excess_requests: z.boolean().optional(),
    max_request_body_size_mb: z.number().positive().optional(),
    async_job_result_ttl: z.number().int("must be a whole number of seconds").nonnegative().optional(),
    async_job_concurrency: z.number().int().positive().optional(),
  })
  .passthrough();

export const configFileSchema = z
  .object({
    /** How empty allow-lists read: 1 = Bifrost v1.4 (everything), 2 or absent = v1.5+ (nothing). */
    version: z.union([z.literal(1), z.literal(2)], { message: "must be 1 or 2" }).optional(),
    client: clientSchema.optional(),
    providers: z.record(z.string(), providerSchema).optional(),
  })
  .passthrough();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderConfigFile = z.infer<typeof providerSchema>;
export type KeyConfigFile = z.infer<typeof keySchema>;
