import { z } from "zod";
import { DEFAULTS } from "./defaults.js";

/**
 * `framework.pricing` and `governance.pricing_overrides[]` of Bifrost's config.json
 * (`$defs/pricing_config` and `$defs/provider_pricing_override` in transports/config.schema.json).
 */

/** A URL with a scheme must be one Iris can read; anything else is a file path. */
function isReadableLocation(location: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  return location.trim() !== "" && (scheme === undefined || scheme === "http" || scheme === "https" || scheme === "file");
}

const syncInterval = z
  .number()
  .int("must be a whole number of seconds")
  .min(DEFAULTS.pricingSyncIntervalMinSeconds, `must be at least ${DEFAULTS.pricingSyncIntervalMinSeconds} seconds, as in Bifrost`);

export const pricingConfigSchema = z
  .object({
    pricing_url: z.string().refine(isReadableLocation, "must be an http(s):// or file:// URL, or a file path").optional(),
    pricing_sync_interval: syncInterval.optional(),
    model_parameters_url: z.string().optional(),
    mcp_library_url: z.string().optional(),
    mcp_library_sync_interval: syncInterval.optional(),
  })
  .passthrough();

/** Request types an override may name; a stream type stands for its base type, as the base type covers its stream. */
const PRICING_OVERRIDE_REQUEST_TYPES = [
  "chat_completion",
  "chat_completion_stream",
  "text_completion",
  "text_completion_stream",
  "responses",
  "responses_stream",
  "embedding",
  "rerank",
  "speech",
  "speech_stream",
  "transcription",
  "transcription_stream",
  "image_generation",
  "image_generation_stream",
  "image_edit",
  "image_edit_stream",
] as const;

/** LiteLLM cost fields, USD per token; null leaves the field as the table has it. */
const costFields = z.record(z.string(), z.number().nonnegative().nullable());

export const pricingOverrideSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    scope_kind: z.enum(["global", "provider", "provider_key", "virtual_key", "virtual_key_provider", "virtual_key_provider_key"]),
    virtual_key_id: z.string().optional().nullable(),
    provider_id: z.string().optional().nullable(),
    provider_key_id: z.string().optional().nullable(),
    match_type: z.enum(["exact", "wildcard"]),
    pattern: z.string().trim().min(1, "is required"),
    request_types: z.array(z.enum(PRICING_OVERRIDE_REQUEST_TYPES)).optional().nullable(),
    options: costFields.optional().nullable(),
    /** Bifrost before `options`. */
    patch: costFields.optional().nullable(),
  })
  .passthrough()
  .superRefine((override, ctx) => {
    const stars = override.pattern.split("*").length - 1;
    if (override.match_type === "exact" && stars > 0) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: "an exact pattern must not contain *" });
    }
    if (override.match_type === "wildcard" && (stars !== 1 || !override.pattern.endsWith("*"))) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: "a wildcard pattern has one *, at its end" });
    }
    if (override.scope_kind === "provider" && !override.provider_id) {
      ctx.addIssue({ code: "custom", path: ["provider_id"], message: "is required for scope_kind provider" });
    }
  });

export type PricingOverrideConfig = z.infer<typeof pricingOverrideSchema>;
