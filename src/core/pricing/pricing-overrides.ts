import type { PriceOverride } from "../../config/types.js";

/**
 * The override that prices a request, chosen as Bifrost chooses among `governance.pricing_overrides`:
 * a provider-scoped one before a global one; within a scope an exact pattern before a wildcard, a
 * longer wildcard prefix before a shorter one, one that names the request type before one that
 * applies to every type; then the first in the config.
 */
export function overrideFor<T extends PriceOverride>(overrides: readonly T[], provider: string, model: string, requestType: string): T | undefined {
  let best: T | undefined;
  let bestRank: readonly number[] | undefined;
  for (const override of overrides) {
    if (!applies(override, provider, model, requestType)) continue;
    const rank = rankOf(override);
    if (bestRank === undefined || before(rank, bestRank)) {
      best = override;
      bestRank = rank;
    }
  }
  return best;
}

function applies(override: PriceOverride, provider: string, model: string, requestType: string): boolean {
  if (override.provider !== undefined && override.provider !== provider) return false;
  if (override.requestTypes !== undefined && !override.requestTypes.has(requestType)) return false;
  return override.wildcard ? model.startsWith(override.pattern) : model === override.pattern;
}

/** Lower sorts first: scope, exactness, wildcard length (longer first), request-type filter. */
function rankOf(override: PriceOverride): readonly number[] {
  return [
    override.provider === undefined ? 1 : 0,
    override.wildcard ? 1 : 0,
    override.wildcard ? -override.pattern.length : 0,
    override.requestTypes === undefined ? 1 : 0,
  ];
}

/** Strictly before, so the first of equals in config order stays chosen. */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
