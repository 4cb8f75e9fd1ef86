import type { Logger } from "pino";
import { admits } from "../../config/allow-list.js";
import type { GovernanceSettings, GovernedOwner, VirtualKeyProviderSettings, VirtualKeySettings } from "../../config/types.js";
import type { Attempt, AttemptEnd, AttemptHooks, GatewayPlugin, GovernedCaller } from "../../core/pipeline/plugin.js";
import { usageTokensOf } from "../../core/pipeline/usage-tokens.js";
import { gatewayError } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import { budgetKey, requestsKey, tokensKey, type UsageCounters } from "./usage-counters.js";
import { GovernanceView, ownersOf, teamAndCustomerOf } from "./governance-view.js";
import { JwtVerifier, looksLikeJwt, type JwtOutcome } from "./jwt-verifier.js";
import { VirtualKeyIndex } from "./virtual-key-index.js";

/** One owner's rate limit or budgets, as the checks walk them, with how a message names the owner. */
interface Level {
  owner: GovernedOwner;
  /** "VK", "Provider config", "Team", "Customer" (Bifrost's words in its messages). */
  label: string;
}

/** A refusal: Bifrost's governance decision type, its HTTP status, and the message. */
function refuse(status: number, type: string, message: string, allowFallbacks = false): AttemptHooks {
  return { shortCircuit: { error: gatewayError({ status, type, message }), allowFallbacks } };
}

/**
 * Governance (Bifrost's governance plugin): every attempt that presents a virtual key is checked
 * against it — active, not expired, the provider and model allowed, its rate limits, then its
 * budgets at each level (provider config → virtual key → team → customer) — and charged when it
 * ends: the request counted when it is let through (so a request limit is exact under
 * concurrency), its tokens and cost added at its end. Refusals are BifrostErrors with Bifrost's
 * decision types. With `client.enforce_auth_on_inference`, an attempt without a virtual key is refused.
 */
export class GovernancePlugin implements GatewayPlugin {
  readonly name = "governance";
  private readonly keys: VirtualKeyIndex;
  private readonly byId: ReadonlyMap<string, VirtualKeySettings>;
  private readonly jwt: JwtVerifier | undefined;

  constructor(
    private readonly settings: GovernanceSettings,
    private readonly usage: UsageCounters,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = new VirtualKeyIndex(settings.virtualKeys);
    this.byId = new Map(settings.virtualKeys.map((key) => [key.id, key]));
    this.jwt = settings.jwt ? new JwtVerifier(settings.jwt, now) : undefined;
    for (const owner of ownersOf(settings)) for (const budget of owner.budgets) usage.seed(budgetKey(budget), budget.initialUsage);
  }

  preHook(attempt: Attempt): AttemptHooks | undefined | Promise<AttemptHooks | undefined> {
    const credential = attempt.request.credential;
    if (!credential) {
      if (!this.settings.enforceAuth) return undefined;
      return refuse(401, "virtual_key_required", "virtual key is required. Provide a virtual key via the x-bf-vk header (or as your SDK's API key).");
    }
    if (credential.kind === "bearer") {
      if (this.jwt && looksLikeJwt(credential.value)) return this.jwt.verify(credential.value).then((outcome) => this.governJwt(attempt, outcome));
      return refuse(
        401,
        "virtual_key_required",
        "the Bearer token is not a virtual key (sk-bf-…). Present a virtual key in Authorization, x-bf-vk, or your SDK's API key header.",
      );
    }
    const key = credential.kind === "virtual-key" ? this.keys.find(credential.value) : this.keys.findByDigest(credential.digest);
    return this.govern(attempt, key);
  }

  /** A virtual-key JWT, once verified, is governed exactly as the key its claim names (by id or by value). */
  private governJwt(attempt: Attempt, outcome: JwtOutcome): AttemptHooks | undefined {
    if (!outcome.ok) return refuse(401, "invalid_jwt", `the Bearer JWT was refused: ${outcome.reason}`);
    return this.govern(attempt, this.byId.get(outcome.virtualKey) ?? this.keys.find(outcome.virtualKey));
  }

  private govern(attempt: Attempt, key: VirtualKeySettings | undefined): AttemptHooks | undefined {
    if (!key) return refuse(403, "virtual_key_not_found", "Virtual key not found");
    if (!key.isActive) return refuse(403, "virtual_key_blocked", "Virtual key is inactive");
    if (key.expiresAt !== undefined && this.now() >= key.expiresAt) return refuse(403, "virtual_key_blocked", "Virtual key has expired");
    attempt.caller = this.callerOf(key);

    const config = key.providerConfigs.find((candidate) => candidate.provider === attempt.provider);
    if (!config) {
      // Bifrost v1.5+: a key without provider configs may use no provider.
      return refuse(403, "provider_blocked", `Provider '${attempt.provider}' is not allowed for this virtual key`, true);
    }
    if (attempt.requestType === "list_models") attempt.modelFilter = (model) => modelAllowed(config, model);
    if (attempt.model !== "" && !modelAllowed(config, attempt.model)) {
      return refuse(403, "model_blocked", `Model '${attempt.model}' is not allowed for this virtual key`, true);
    }

    if (!config.keyIds.everything) attempt.onlyKeys = config.keyIds.names;
    const levels = this.levelsOf(key, config);
    const limited = this.rateLimitRefusal(levels);
    if (limited) return limited;
    const overBudget = this.budgetRefusal(levels);
    if (overBudget) return overBudget;
    // Let through: the request counts now, so the next concurrent one sees it.
    for (const { owner } of levels) {
      const limit = owner.rateLimit;
      if (limit?.requestMax !== undefined && limit.requestResetMs !== undefined) this.usage.add(requestsKey(limit, owner), limit.requestResetMs, 1);
    }
    return { postHook: (end) => this.charge(levels, end, attempt) };
  }

  close(): Promise<void> {
    return this.usage.close();
  }

  /** What the management API shows: entities with their usage, and the quota of the key a caller presents. */
  managementView(): GovernanceView {
    return new GovernanceView(this.settings, this.usage, this.keys);
  }

  private charge(levels: readonly Level[], end: AttemptEnd, attempt: Attempt): void {
    if (end.status !== "success" && attempt.usage === undefined) return;
    const tokens = attempt.usage ? totalTokens(attempt.usage) : 0;
    const cost = attempt.cost ?? 0;
    for (const { owner } of levels) {
      const limit = owner.rateLimit;
      if (tokens > 0 && limit?.tokenMax !== undefined && limit.tokenResetMs !== undefined) this.usage.add(tokensKey(limit, owner), limit.tokenResetMs, tokens);
      if (cost > 0) for (const budget of owner.budgets) this.usage.add(budgetKey(budget), budget.resetMs, cost);
    }
  }

  /** Provider config, virtual key, its team, then the customer (the team's, or the key's own): Bifrost's order. */
  private levelsOf(key: VirtualKeySettings, config: VirtualKeyProviderSettings): Level[] {
    const levels: Level[] = [
      { owner: config, label: "Provider config" },
      { owner: key, label: "VK" },
    ];
    const { team, customer } = teamAndCustomerOf(this.settings, key);
    if (team) levels.push({ owner: team, label: "Team" });
    if (customer) levels.push({ owner: customer, label: "Customer" });
    return levels;
  }

  private rateLimitRefusal(levels: readonly Level[]): AttemptHooks | undefined {
    const violations: string[] = [];
    let requests = false;
    let tokens = false;
    for (const { owner } of levels) {
      const limit = owner.rateLimit;
      if (!limit) continue;
      const found: string[] = [];
      if (limit.tokenMax !== undefined && limit.tokenResetMs !== undefined) {
        const used = this.usage.value(tokensKey(limit, owner), limit.tokenResetMs);
        if (used >= limit.tokenMax) {
          tokens = true;
          found.push(`token limit exceeded (${used}/${limit.tokenMax}, resets every ${limit.tokenResetText})`);
        }
      }
      if (limit.requestMax !== undefined && limit.requestResetMs !== undefined) {
        const used = this.usage.value(requestsKey(limit, owner), limit.requestResetMs);
        if (used >= limit.requestMax) {
          requests = true;
          found.push(`request limit exceeded (${used}/${limit.requestMax}, resets every ${limit.requestResetText})`);
        }
      }
      if (found.length > 0) violations.push(`rate limit violated for ${owner.name}: ${found.join(", ")}`);
    }
    if (violations.length === 0) return undefined;
    const type = requests && tokens ? "rate_limited" : requests ? "request_limited" : "token_limited";
    return refuse(429, type, `Rate limit check failed: ${violations.join("; ")}`);
  }

  private budgetRefusal(levels: readonly Level[]): AttemptHooks | undefined {
    for (const { owner, label } of levels) {
      for (const budget of owner.budgets) {
        const used = this.usage.value(budgetKey(budget), budget.resetMs);
        if (used >= budget.maxLimit) {
          return refuse(
            402,
            "budget_exceeded",
            `Budget exceeded: ${label} budget exceeded for ${owner.name}: ${used.toFixed(4)} >= ${budget.maxLimit.toFixed(4)} dollars (resets every ${budget.resetText})`,
          );
        }
      }
    }
    return undefined;
  }

  private callerOf(key: VirtualKeySettings): GovernedCaller {
    const { team, customer } = teamAndCustomerOf(this.settings, key);
    return {
      virtualKeyId: key.id,
      virtualKeyName: key.name,
      teamId: team?.id,
      teamName: team?.name,
      customerId: customer?.id,
      customerName: customer?.name,
    };
  }
}

function modelAllowed(config: VirtualKeyProviderSettings, model: string): boolean {
  return admits(config.allowedModels, model) && !admits(config.blacklistedModels, model);
}

/** `total_tokens` when the usage states it, else input plus output. */
function totalTokens(usage: JsonObject): number {
  const total = usage["total_tokens"];
  if (typeof total === "number" && Number.isFinite(total) && total > 0) return total;
  const tokens = usageTokensOf(usage);
  return tokens.input + tokens.output;
}
