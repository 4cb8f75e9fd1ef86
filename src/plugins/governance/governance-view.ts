import type { BudgetSettings, GovernanceSettings, GovernedOwner, RateLimitSettings, VirtualKeySettings } from "../../config/types.js";
import type { JsonObject } from "../../schema/json.js";
import { budgetKey, requestsKey, tokensKey, type UsageCounters } from "./usage-counters.js";

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
  ) {}

  virtualKeys(): JsonObject[] {
    return this.settings.virtualKeys.map((key) => this.virtualKey(key));
  }

  virtualKey(key: VirtualKeySettings): JsonObject {
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

  findVirtualKey(id: string): JsonObject | undefined {
    const key = this.settings.virtualKeys.find((candidate) => candidate.id === id);
    return key && this.virtualKey(key);
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
    return this.owners().flatMap((owner) => owner.budgets.map((budget) => this.budget(budget)));
  }

  rateLimits(): JsonObject[] {
    return this.owners().flatMap((owner) => (owner.rateLimit ? [this.rateLimit(owner.rateLimit, owner)!] : []));
  }

  /** What `GET /api/governance/virtual-keys/quota` answers for the caller's own key. */
  quota(key: VirtualKeySettings): JsonObject {
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

  private owners(): GovernedOwner[] {
    return [...this.settings.virtualKeys.flatMap((key) => [key, ...key.providerConfigs]), ...this.settings.teams.values(), ...this.settings.customers.values()];
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
