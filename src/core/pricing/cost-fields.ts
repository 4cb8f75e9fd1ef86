import type { PriceSchedule, PriceSheet, RateTier, TokenRate } from "./price-sheet.js";

/**
 * LiteLLM's cost fields (USD per token), as a LiteLLM or Bifrost price table and Bifrost's
 * `governance.pricing_overrides[].options` write them, read into a patch of a price sheet.
 * Batch (`*_batches`), priority, flex, audio, image and per-second fields are left out: the usage
 * Iris prices carries none of those (see README, "Cost").
 */

type TokenClass = "input" | "output" | "cacheRead" | "cacheWrite" | "reasoning";

const BASE_FIELDS: ReadonlyArray<[string, TokenClass]> = [
  ["input_cost_per_token", "input"],
  ["output_cost_per_token", "output"],
  ["cache_read_input_token_cost", "cacheRead"],
  ["cache_creation_input_token_cost", "cacheWrite"],
  ["output_cost_per_reasoning_token", "reasoning"],
];
const TOKEN_CLASS_OF = new Map(BASE_FIELDS);

/** `input_cost_per_token_above_200k_tokens` → the base field and 200 000. */
const TIER_FIELD = /^(.+)_above_(\d+)k_tokens$/;

const PER_MILLION = 1_000_000;

interface RatePatch {
  base?: number;
  tiers: Map<number, number>;
}

/** The rates a set of cost fields sets; a class it does not name keeps the rates it is laid over. */
export type PricePatch = Partial<Record<TokenClass, RatePatch>>;

/** The cost fields of `fields` that Iris prices with; other fields and non-numbers are ignored. */
export function patchOfCostFields(fields: Readonly<Record<string, unknown>>): PricePatch {
  const patch: PricePatch = {};
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) continue;
    const tier = TIER_FIELD.exec(field);
    const tokenClass = TOKEN_CLASS_OF.get(tier?.[1] ?? field);
    if (tokenClass === undefined) continue;
    const rate: RatePatch = (patch[tokenClass] ??= { tiers: new Map<number, number>() });
    const perMillion = value * PER_MILLION;
    if (tier) rate.tiers.set(Number(tier[2]) * 1000, perMillion);
    else rate.base = perMillion;
  }
  return patch;
}

/**
 * Lays `patch` over every price of `schedule`, field by field as Bifrost patches its catalog: a
 * base rate replaces the base, a tier replaces the tier at the same threshold. With no schedule
 * the patch alone makes the price; either way a sheet needs an input rate to be a price.
 */
export function patchSchedule(schedule: PriceSchedule | undefined, patch: PricePatch): PriceSchedule | undefined {
  if (!schedule) {
    const sheet = patchSheet(undefined, patch);
    return sheet ? [{ sheet }] : undefined;
  }
  const patched = schedule.flatMap(({ when, sheet }) => {
    const next = patchSheet(sheet, patch);
    return next ? [when ? { when, sheet: next } : { sheet: next }] : [];
  });
  return patched.length > 0 ? patched : undefined;
}

function patchSheet(sheet: PriceSheet | undefined, patch: PricePatch): PriceSheet | undefined {
  const input = patchRate(sheet?.input, patch.input);
  if (!input) return undefined;
  const out: PriceSheet = { input };
  const output = patchRate(sheet?.output, patch.output);
  const cacheRead = patchRate(sheet?.cacheRead, patch.cacheRead);
  const cacheWrite = patchRate(sheet?.cacheWrite, patch.cacheWrite);
  const reasoning = patchRate(sheet?.reasoning, patch.reasoning);
  if (output) out.output = output;
  if (cacheRead) out.cacheRead = cacheRead;
  if (cacheWrite) out.cacheWrite = cacheWrite;
  if (reasoning) out.reasoning = reasoning;
  if (sheet?.perRequest !== undefined) out.perRequest = sheet.perRequest;
  return out;
}

/** A rate needs a base: tiers alone cannot price the tokens of a short request. */
function patchRate(rate: TokenRate | undefined, patch: RatePatch | undefined): TokenRate | undefined {
  const base = patch?.base ?? rate?.base;
  if (base === undefined) return undefined;
  if (!patch || patch.tiers.size === 0) return rate && rate.base === base ? rate : { base, tiers: rate?.tiers ?? [] };
  const tiers = new Map((rate?.tiers ?? []).map((tier) => [tier.above, tier.rate]));
  for (const [above, value] of patch.tiers) tiers.set(above, value);
  return { base, tiers: sortedTiers(tiers) };
}

function sortedTiers(tiers: ReadonlyMap<number, number>): RateTier[] {
  return [...tiers].map(([above, rate]) => ({ above, rate })).sort((a, b) => a.above - b.above);
}
