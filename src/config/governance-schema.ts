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

const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"] as const;

/**
 * `governance.auth_config.jwt`: Bearer JWTs that stand for a virtual key. The key to verify with is
 * one of a JWKS URL, a PEM public key, or a shared secret; the algorithms are pinned (HS* only with
 * a secret, the others only with a public key), so `alg: none` and algorithm confusion are refused.
 */
const jwtAuthFileSchema = z
  .object({
    enabled: z.boolean().optional(),
    jwks_url: z.string().url().optional(),
    public_key: z.string().optional(),
    secret: z.string().min(32, "must be at least 32 characters").optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1),
    issuer: z.string().optional(),
    audience: z.union([z.string(), z.array(z.string())]).optional(),
    clock_tolerance_seconds: z.number().nonnegative().optional(),
    virtual_key_claim: z.string().min(1).optional(),
    jwks_cache_seconds: z.number().positive().optional(),
    jwks_refetch_cooldown_seconds: z.number().nonnegative().optional(),
  })
  .passthrough()
  .superRefine((jwt, ctx) => {
    const sources = [jwt.jwks_url, jwt.public_key, jwt.secret].filter((source) => source !== undefined).length;
    if (sources !== 1) ctx.addIssue({ code: "custom", message: "give exactly one of jwks_url, public_key, secret" });
    const symmetric = jwt.algorithms.filter((alg) => alg.startsWith("HS"));
    if (jwt.secret !== undefined && symmetric.length !== jwt.algorithms.length) {
      ctx.addIssue({ code: "custom", path: ["algorithms"], message: "with a secret, only HS256, HS384 or HS512" });
    }
    if (jwt.secret === undefined && symmetric.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["algorithms"],
        message: "HS* algorithms need a secret; with a public key or JWKS they would let anyone holding the public key sign",
      });
    }
  });

export const authConfigFileSchema = z
  .object({
    is_enabled: z.boolean().optional(),
    admin_username: z.string().optional(),
    admin_password: z.string().optional(),
    disable_auth_on_inference: z.boolean().optional(),
    jwt: jwtAuthFileSchema.optional(),
  })
  .passthrough()
  .superRefine((auth, ctx) => {
    if (auth.is_enabled !== true) return;
    if (!auth.admin_username) ctx.addIssue({ code: "custom", path: ["admin_username"], message: "is required when is_enabled is true" });
    if (!auth.admin_password)
      ctx.addIssue({ code: "custom", path: ["admin_password"], message: "is required when is_enabled is true (env.VAR reads it from the environment)" });
  });
