import { pino } from 'pino';
import type { PricingSettings } from '../../src/config/types.js';
import { createPriceCatalog, type PriceCatalog } from '../../src/core/pricing/price-catalog.js';
import { priceOf, type PricedUsage } from '../../src/core/pricing/price-of.js';
import type { RequestType } from '../../src/schema/request-type.js';

/** Settings as a config.json without `framework.pricing` or overrides gives them, with `changes` laid over. */
export function pricingSettings(changes: Partial<PricingSettings> = {}): PricingSettings {
  return {
    url: undefined,
    syncIntervalSeconds: 86_400,
    fetchTimeoutMs: 5_000,
    startupWaitMs: 5_000,
    retryAfterFailureMs: 600_000,
    overrides: [],
    providerFamilies: {},
    ...changes,
  };
}

const silent = pino({ level: 'silent' });

/** A catalog of the bundled table alone (no pricing_url: nothing to start or close). */
export function bundledCatalog(changes: Partial<PricingSettings> = {}): PriceCatalog {
  return createPriceCatalog(pricingSettings(changes), silent);
}

/** `priceOf` for a chat completion unless `requestType` says otherwise. */
export function requestCost(
  catalog: PriceCatalog,
  provider: string,
  model: string,
  usage: PricedUsage,
  requestType: RequestType = 'chat_completion',
): number | null {
  return priceOf(catalog, { provider, model, requestType, usage });
}

/** Usage with `prompt` prompt tokens (including cached ones) and `completion` completion tokens. */
export function usage(prompt: number, completion: number, details: { cacheRead?: number; cacheWrite?: number; reasoning?: number } = {}): PricedUsage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: details.cacheRead ?? 0, cache_creation_tokens: details.cacheWrite ?? 0 },
    completion_tokens_details: { reasoning_tokens: details.reasoning ?? 0 },
  };
}
