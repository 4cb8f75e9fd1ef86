import type { BudgetSettings, GovernanceSettings, GovernedOwner, RateLimitSettings, TeamSettings, VirtualKeySettings } from "../../config/types.js";
import type { JsonObject } from "../../schema/json.js";
import { budgetKey, requestsKey, tokensKey, type UsageCounters } from "./usage-counters.js";
import type { VirtualKeyIndex } from "./virtual-key-index.js";

/** A key's team, and its customer: the team's, or the key's own. */
export function teamAndCustomerOf(
  settings: GovernanceSettings,
  key: VirtualKeySettings,
): { team: TeamSettings | undefined; customer: GovernedOwner | undefined } {
  const team = key.teamId === undefined ? undefined : settings.teams.get(key.teamId);
  const customerId = team?.customerId ?? key.customerId;
  return { team, customer: customerId === undefined ? undefined : settings.customers.get(customerId) };
}

/** Everything budgets and rate limits hang on: keys, their provider configs, teams, customers. */
export function ownersOf(settings: GovernanceSettings): GovernedOwner[] {
  return [...settings.virtualKeys.flatMap((key) => [key, ...key.providerConfigs]), ...settings.teams.values(), ...settings.customers.values()];
}

/** A secret as management answers show it: Bifrost's redaction (≤ 8 characters all `*`, else the first 4, 24 `*`, the last 4). */
function maskSecret(value: string): string {
  if (value.length <= 8) return "*".repeat(value.length);
  return `${value.slice(0, 4)}${"*".repeat(24)}${value.slice(-4)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Governance as the management API shows it, in Bifrost's shapes (framework/configstore/tables):
 * each budget and rate limit with its usage in the current window. Virtual key values are masked.
 */
export class GovernanceView {
  constructor(
    private readonly settings: GovernanceSettings,
    private readonly usage: UsageCounters,
    private readonly keys: VirtualKeyIndex,
  ) {}

  virtualKeys(): JsonObject[] {
    return this.settings.virtualKeys.map((key) => this.virtualKeyJson(key));
  }

  private virtualKeyJson(key: VirtualKeySettings): JsonObject {
    const out: JsonObject = {
      id: key.id,
      name: key.name,
      value: maskSecret(key.value),
      is_active: key.isActive,
      provider_configs: key.providerConfigs.map((config) => ({
        id: config.id,
        provider: config.provider,
        weight: config.weight,
        allowed_models: config.allowedModels.everything ? ["*"] : [...config.allowedModels.names],
        blacklisted_models: config.blacklistedModels.everything ? ["*"] : [...config.blacklistedModels.names],
        key_ids: config.keyIds.everything ? ["*"] : [...config.keyIds.names],
        budgets: config.budgets.map((budget) => this.budget(budget)),
        rate_limit: this.rateLimit(config.rateLimit, config),
      })),
      budgets: key.budgets.map((budget) => this.budget(budget)),
      rate_limit: this.rateLimit(key.rateLimit, key),
    };
    if (key.description !== undefined) out["description"] = key.description;
    if (key.expiresAt !== undefined) out["expires_at"] = iso(key.expiresAt);
    if (key.teamId !== undefined) out["team_id"] = key.teamId;
    if (key.customerId !== undefined) out["customer_id"] = key.customerId;
    return out;
  }

  virtualKey(id: string): JsonObject | undefined {
    const key = this.settings.virtualKeys.find((candidate) => candidate.id === id);
    return key && this.virtualKeyJson(key);
  }

  teams(): JsonObject[] {
    return [...this.settings.teams.values()].map((team) => ({
      ...this.owner(team),
      ...(team.customerId === undefined ? {} : { customer_id: team.customerId }),
    }));
  }

  customers(): JsonObject[] {
    return [...this.settings.customers.values()].map((customer) => this.owner(customer));
  }

  budgets(): JsonObject[] {
    return ownersOf(this.settings).flatMap((owner) => owner.budgets.map((budget) => this.budget(budget)));
  }

  rateLimits(): JsonObject[] {
    return ownersOf(this.settings).flatMap((owner) => (owner.rateLimit ? [this.rateLimit(owner.rateLimit, owner)!] : []));
  }

  /** What `GET /api/governance/virtual-keys/quota` answers for the key with this value; undefined for an unknown one. */
  quota(value: string): JsonObject | undefined {
    const key = this.keys.find(value);
    if (!key) return undefined;
    return {
      virtual_key_name: key.name,
      is_active: key.isActive,
      budgets: key.budgets.map((budget) => this.budget(budget)),
      rate_limit: this.rateLimit(key.rateLimit, key),
    };
  }

  private owner(owner: GovernedOwner): JsonObject {
    return { id: owner.id, name: owner.name, budgets: owner.budgets.map((budget) => this.budget(budget)), rate_limit: this.rateLimit(owner.rateLimit, owner) };
  }

  private budget(budget: BudgetSettings): JsonObject {
    const key = budgetKey(budget);
    return {
      id: budget.id,
      max_limit: budget.maxLimit,
      reset_duration: budget.resetText,
      current_usage: this.usage.value(key, budget.resetMs),
      last_reset: iso(this.usage.windowStart(key, budget.resetMs)),
    };
  }

  private rateLimit(limit: RateLimitSettings | undefined, owner: GovernedOwner): JsonObject | null {
    if (!limit) return null;
    const out: JsonObject = { id: limit.id };
    if (limit.tokenMax !== undefined && limit.tokenResetMs !== undefined) {
      const key = tokensKey(limit, owner);
      out["token_max_limit"] = limit.tokenMax;
      out["token_reset_duration"] = limit.tokenResetText ?? null;
      out["token_current_usage"] = this.usage.value(key, limit.tokenResetMs);
      out["token_last_reset"] = iso(this.usage.windowStart(key, limit.tokenResetMs));
    }
    if (limit.requestMax !== undefined && limit.requestResetMs !== undefined) {
      const key = requestsKey(limit, owner);
      out["request_max_limit"] = limit.requestMax;
      out["request_reset_duration"] = limit.requestResetText ?? null;
      out["request_current_usage"] = this.usage.value(key, limit.requestResetMs);
      out["request_last_reset"] = iso(this.usage.windowStart(key, limit.requestResetMs));
    }
    return out;
  }
}
