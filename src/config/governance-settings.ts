import { parseAllowList, type AllowList, type EmptyListMeans } from "./allow-list.js";
import { resetDurationMs } from "./reset-duration.js";
import type { ConfigFile } from "./schema.js";
import type {
  BudgetSettings,
  GovernanceSettings,
  GovernedOwner,
  RateLimitSettings,
  TeamSettings,
  VirtualKeyProviderSettings,
  VirtualKeySettings,
} from "./types.js";

/** A governance entity that points at one that does not exist, or a list Bifrost would refuse: the field and why. */
export class GovernanceConfigProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Governance = NonNullable<ConfigFile["governance"]>;
type InlineBudget = { id?: string | undefined; max_limit: number; reset_duration: string };
type OwnerFile = { budget_id?: string | undefined; budgets?: InlineBudget[] | undefined; rate_limit_id?: string | undefined };
type OwnerKind = "virtual_key_id" | "team_id" | "customer_id" | "provider_config_id";

/**
 * Governance as config.json states it, resolved: each owner (virtual key, provider config, team,
 * customer) with its budgets and rate limit, found by id, inline, or by a budget naming its owner
 * (`budgets[].virtual_key_id`, as Bifrost's file links them). Allow-lists follow allow-list.ts.
 */
export function governanceSettingsOf(file: ConfigFile, emptyList: EmptyListMeans): GovernanceSettings {
  const governance: Governance = file.governance ?? {};
  const budgets = new Map((governance.budgets ?? []).map((budget) => [budget.id, budget]));
  const rateLimits = new Map((governance.rate_limits ?? []).map((limit) => [limit.id, limit]));

  const rateLimitOf = (owner: OwnerFile, field: string): RateLimitSettings | undefined => {
    if (owner.rate_limit_id === undefined) return undefined;
    const limit = rateLimits.get(owner.rate_limit_id);
    if (!limit) throw new GovernanceConfigProblem(`${field}.rate_limit_id`, `names no governance.rate_limits entry ("${owner.rate_limit_id}")`);
    return {
      id: limit.id,
      tokenMax: limit.token_max_limit ?? undefined,
      tokenResetMs: limit.token_reset_duration ? resetDurationMs(limit.token_reset_duration) : undefined,
      tokenResetText: limit.token_reset_duration ?? undefined,
      requestMax: limit.request_max_limit ?? undefined,
      requestResetMs: limit.request_reset_duration ? resetDurationMs(limit.request_reset_duration) : undefined,
      requestResetText: limit.request_reset_duration ?? undefined,
    };
  };

  const budgetsOf = (owner: OwnerFile, kind: OwnerKind, ownerId: string | undefined, field: string): BudgetSettings[] => {
    const found: BudgetSettings[] = [];
    const add = (budget: InlineBudget & { current_usage?: number | undefined }, id: string) =>
      found.push({
        id,
        maxLimit: budget.max_limit,
        resetMs: resetDurationMs(budget.reset_duration)!,
        resetText: budget.reset_duration,
        initialUsage: budget.current_usage ?? 0,
      });
    if (owner.budget_id !== undefined) {
      const budget = budgets.get(owner.budget_id);
      if (!budget) throw new GovernanceConfigProblem(`${field}.budget_id`, `names no governance.budgets entry ("${owner.budget_id}")`);
      add(budget, budget.id);
    }
    (owner.budgets ?? []).forEach((budget, i) => add(budget, budget.id ?? `${field}.budgets[${i}]`));
    if (ownerId !== undefined) {
      for (const budget of budgets.values()) if (budget[kind] === ownerId && budget.id !== owner.budget_id) add(budget, budget.id);
    }
    const durations = new Set<string>();
    for (const budget of found) {
      if (durations.has(budget.resetText)) throw new GovernanceConfigProblem(`${field}.budgets`, `has two budgets with reset_duration "${budget.resetText}"`);
      durations.add(budget.resetText);
    }
    return found;
  };

  const customers = new Map<string, GovernedOwner>();
  (governance.customers ?? []).forEach((customer, i) => {
    const field = `governance.customers[${i}]`;
    customers.set(customer.id, {
      id: customer.id,
      name: customer.name,
      budgets: budgetsOf(customer, "customer_id", customer.id, field),
      rateLimit: rateLimitOf(customer, field),
    });
  });
  const teams = new Map<string, TeamSettings>();
  (governance.teams ?? []).forEach((team, i) => {
    const field = `governance.teams[${i}]`;
    if (team.customer_id !== undefined && !customers.has(team.customer_id))
      throw new GovernanceConfigProblem(`${field}.customer_id`, `names no customer ("${team.customer_id}")`);
    teams.set(team.id, {
      id: team.id,
      name: team.name,
      customerId: team.customer_id,
      budgets: budgetsOf(team, "team_id", team.id, field),
      rateLimit: rateLimitOf(team, field),
    });
  });

  const allowList = (raw: readonly string[] | undefined, field: string, empty: EmptyListMeans = emptyList): AllowList => {
    const list = parseAllowList(raw, empty);
    if ("problem" in list) throw new GovernanceConfigProblem(field, list.problem);
    return list;
  };
  const values = new Set<string>();
  const virtualKeys: VirtualKeySettings[] = (governance.virtual_keys ?? []).map((vk, i) => {
    const field = `governance.virtual_keys[${i}]`;
    if (values.has(vk.value)) throw new GovernanceConfigProblem(`${field}.value`, "is the value of another virtual key");
    values.add(vk.value);
    if (vk.team_id !== undefined && !teams.has(vk.team_id)) throw new GovernanceConfigProblem(`${field}.team_id`, `names no team ("${vk.team_id}")`);
    if (vk.customer_id !== undefined && !customers.has(vk.customer_id))
      throw new GovernanceConfigProblem(`${field}.customer_id`, `names no customer ("${vk.customer_id}")`);
    const providerConfigs: VirtualKeyProviderSettings[] = (vk.provider_configs ?? []).map((config, j) => {
      const configField = `${field}.provider_configs[${j}]`;
      const id = config.id ?? `${vk.id}/${config.provider}`;
      return {
        id,
        name: `${vk.name}/${config.provider}`,
        provider: config.provider,
        weight: config.weight ?? null,
        allowedModels: allowList(config.allowed_models, `${configField}.allowed_models`),
        // A blacklist that is absent or empty excludes nothing, whatever the version.
        blacklistedModels: allowList(config.blacklisted_models, `${configField}.blacklisted_models`, "nothing"),
        keyIds: allowList(config.key_ids, `${configField}.key_ids`),
        budgets: budgetsOf(config, "provider_config_id", config.id, configField),
        rateLimit: rateLimitOf(config, configField),
      };
    });
    return {
      id: vk.id,
      name: vk.name,
      value: vk.value,
      description: vk.description,
      isActive: vk.is_active ?? true,
      expiresAt: vk.expires_at ? Date.parse(vk.expires_at) : undefined,
      teamId: vk.team_id,
      customerId: vk.customer_id,
      providerConfigs,
      budgets: budgetsOf(vk, "virtual_key_id", vk.id, field),
      rateLimit: rateLimitOf(vk, field),
    };
  });
  const jwt = governance.auth_config?.jwt;
  return {
    enforceAuth: file.client?.enforce_auth_on_inference ?? file.client?.enforce_governance_header ?? false,
    jwt:
      jwt && jwt.enabled !== false
        ? {
            jwksUrl: jwt.jwks_url,
            publicKeyPem: jwt.public_key,
            secret: jwt.secret,
            algorithms: jwt.algorithms,
            issuer: jwt.issuer,
            audience: jwt.audience,
            clockToleranceSeconds: jwt.clock_tolerance_seconds ?? 30,
            virtualKeyClaim: jwt.virtual_key_claim ?? "virtual_key",
            jwksCacheSeconds: jwt.jwks_cache_seconds ?? 600,
            jwksRefetchCooldownSeconds: jwt.jwks_refetch_cooldown_seconds ?? 30,
          }
        : undefined,
    virtualKeys,
    teams,
    customers,
  };
}
