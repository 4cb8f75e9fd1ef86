import { z } from "zod";

/**
 * The governance entities of Bifrost's config.json (`governance.virtual_keys`, `teams`,
 * `customers`, `budgets`, `rate_limits`; transports/config.schema.json), checked field by field.
 * Unknown fields pass, as Bifrost's loader lets them.
 */

const id = z.union([z.string().min(1), z.number().int()]).transform(String);

/** `30s`, `5m`, `1h`, `1h30m`, `1d`, `1w`, `1M` (30 days), `1Q` (90 days), `1Y` (365 days); `1m` is a minute. */
const RESET_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|M|Q|Y))+$/;
const resetDuration = z.string().regex(RESET_DURATION, 'must be a duration such as "30s", "1h", "1d", "1w", "1M", "1Q" or "1Y"');

export const budgetFileSchema = z
  .object({
    id,
    max_limit: z.number().positive("must be more than 0 (USD)"),
    reset_duration: resetDuration,
    current_usage: z.number().nonnegative().optional(),
    last_reset: z.string().optional(),
    calendar_aligned: z.boolean().optional(),
    virtual_key_id: id.optional(),
    provider_config_id: id.optional(),
    team_id: id.optional(),
    customer_id: id.optional(),
  })
  .passthrough();

export const rateLimitFileSchema = z
  .object({
    id,
    token_max_limit: z.number().int().positive().nullish(),
    token_reset_duration: resetDuration.nullish(),
    request_max_limit: z.number().int().positive().nullish(),
    request_reset_duration: resetDuration.nullish(),
  })
  .passthrough()
  .superRefine((limit, ctx) => {
    for (const kind of ["token", "request"] as const) {
      if (limit[`${kind}_max_limit`] != null && limit[`${kind}_reset_duration`] == null) {
        ctx.addIssue({ code: "custom", path: [`${kind}_reset_duration`], message: `is required when ${kind}_max_limit is set` });
      }
    }
  });

/** A budget written inside its owner (`budgets: [{ max_limit, reset_duration }]`). */
const inlineBudget = z.object({ id: id.optional(), max_limit: z.number().positive("must be more than 0 (USD)"), reset_duration: resetDuration }).passthrough();

const ownerFields = {
  budget_id: id.optional(),
  budgets: z.array(inlineBudget).optional(),
  rate_limit_id: id.optional(),
};

export const customerFileSchema = z.object({ id, name: z.string().min(1), ...ownerFields }).passthrough();
export const teamFileSchema = z.object({ id, name: z.string().min(1), customer_id: id.optional(), ...ownerFields }).passthrough();

const providerConfigFileSchema = z
  .object({
    id: id.optional(),
    provider: z.string().min(1),
    weight: z.number().nonnegative().nullish(),
    allowed_models: z.array(z.string()).optional(),
    blacklisted_models: z.array(z.string()).optional(),
    key_ids: z.array(z.string()).optional(),
    ...ownerFields,
  })
  .passthrough();

export const virtualKeyFileSchema = z
  .object({
    id,
    name: z.string().min(1),
    description: z.string().optional(),
    value: z.string().min(1, "is required: the key callers present (sk-bf-…), or env.VAR"),
    is_active: z.boolean().nullish(),
    expires_at: z.string().datetime({ offset: true, message: "must be an RFC 3339 time" }).nullish(),
    team_id: id.optional(),
    customer_id: id.optional(),
    provider_configs: z.array(providerConfigFileSchema).optional(),
    ...ownerFields,
  })
  .passthrough()
  .refine((vk) => vk.team_id === undefined || vk.customer_id === undefined, { message: "cannot belong to both a team and a customer" });
