import { z } from "zod";
import { authConfigFileSchema, budgetFileSchema, customerFileSchema, rateLimitFileSchema, teamFileSchema, virtualKeyFileSchema } from "./governance-schema.js";
import { pricingOverrideSchema } from "./pricing-schema.js";
import { pluginConfigIssues } from "./observability-plugins-schema.js";

/**
 * The sections of a Bifrost config.json that Iris accepts but does not act on yet
 * (transports/config.schema.json in maximhq/bifrost). Each is checked for the types of its fields
 * one level down, so a wrong type is still a one-line error naming the field; unknown fields pass,
 * as Bifrost's own loader lets them. What they would do is listed at start-up as not implemented.
 */

const anyObject = z.object({}).passthrough();
const objects = z.array(anyObject);
const strings = z.array(z.string());
const count = z.number().int().nonnegative();

/** `{ enabled, type, config }`: config_store, vector_store (logs_store has its own schema: store-schema.ts). */
const storeSchema = z
  .object({
    enabled: z.boolean().optional(),
    type: z.string().optional(),
    config: anyObject.optional(),
  })
  .passthrough();

const governanceSchema = z
  .object({
    // Read by Iris (governance), so checked whole.
    budgets: z.array(budgetFileSchema).optional(),
    rate_limits: z.array(rateLimitFileSchema).optional(),
    customers: z.array(customerFileSchema).optional(),
    teams: z.array(teamFileSchema).optional(),
    business_units: objects.optional(),
    roles: objects.optional(),
    virtual_keys: z.array(virtualKeyFileSchema).optional(),
    routing_rules: objects.optional(),
    // Read by Iris (pricing), so checked whole.
    pricing_overrides: z.array(pricingOverrideSchema).optional(),
    model_configs: objects.optional(),
    providers: objects.optional(),
    auth_config: authConfigFileSchema.optional(),
    complexity_analyzer_config: anyObject.optional(),
  })
  .passthrough();

/** A plugin entry; the `config` of the plugins Iris runs (telemetry, otel) is checked field by field. */
const pluginSchema = z
  .object({
    enabled: z.boolean().optional(),
    name: z.string(),
    config: anyObject.optional(),
    path: z.string().optional(),
    version: z.number().int().optional(),
    placement: z.string().optional(),
    order: z.number().int().optional(),
  })
  .passthrough()
  .superRefine((plugin, ctx) => {
    if (plugin.enabled === false) return;
    for (const issue of pluginConfigIssues(plugin.name, plugin.config)) {
      ctx.addIssue({ code: "custom", message: issue.message, path: ["config", ...issue.path] });
    }
  });

const mcpSchema = z
  .object({
    client_configs: objects.optional(),
    tool_manager_config: anyObject.optional(),
    tool_sync_interval: z.union([z.string(), z.number().int()]).optional(),
    tool_groups: objects.optional(),
  })
  .passthrough();

const webhookSchema = z
  .object({
    name: z.string().optional(),
    url: z.string().optional(),
    events: strings.optional(),
    headers: anyObject.optional(),
    disabled: z.boolean().optional(),
  })
  .passthrough();

const configStoreSchema = storeSchema.extend({ vault_store: anyObject.optional() });

const vectorStoreSchema = storeSchema;

const websocketSchema = z
  .object({
    max_connections_per_user: count.optional(),
    transcript_buffer_size: count.optional(),
    pool: anyObject.optional(),
  })
  .passthrough();

/**
 * The top-level fields of these sections, to spread into the config file's schema. Enterprise and
 * other blocks Iris has no counterpart for are checked by their types one level down.
 */
export const acceptedSectionsShape = {
  encryption_key: z.string().optional(),
  source_of_truth: z.string().optional(),
  env_label: z.string().optional(),
  governance: governanceSchema.optional(),
  mcp: mcpSchema.optional(),
  vector_store: vectorStoreSchema.optional(),
  config_store: configStoreSchema.optional(),
  plugins: z.array(pluginSchema).optional(),
  websocket: websocketSchema.optional(),
  webhooks: z.array(webhookSchema).optional(),
  server: z.object({ read_buffer_size: count.optional() }).passthrough().optional(),
  auth_config: authConfigFileSchema.optional(),
  alerting: z.object({ channels: objects.optional(), rules: objects.optional() }).passthrough().optional(),
  skills_registry: z.object({ enabled: z.boolean().optional(), skills: objects.optional() }).passthrough().optional(),
  guardrails_config: z.object({ guardrail_rules: objects.optional(), guardrail_providers: objects.optional() }).passthrough().optional(),
  audit_logs: z.object({ disabled: z.boolean().optional(), retention_days: count.optional() }).passthrough().optional(),
  cluster_config: z.object({ enabled: z.boolean().optional(), peers: strings.optional() }).passthrough().optional(),
  load_balancer_config: z.object({ enabled: z.boolean().optional() }).passthrough().optional(),
  large_payload_optimization: z.object({ enabled: z.boolean().optional() }).passthrough().optional(),
  scim_config: z.object({ enabled: z.boolean().optional(), provider: z.string().optional(), config: anyObject.optional() }).passthrough().optional(),
  access_profiles: objects.optional(),
  feature_flags: z
    .object({ flags: z.record(z.string(), anyObject).optional() })
    .passthrough()
    .optional(),
  circuit_breaker_config: z.object({ policies: objects.optional() }).passthrough().optional(),
};
