/**
 * What one model costs, in the units every price source is turned into: USD per million tokens
 * for each class of token, and an optional fee per request. A rate may step up for long requests:
 * once the request's input tokens pass a tier's threshold, every token of that class is billed at
 * the tier's rate (as Anthropic, Google and LiteLLM's `*_above_200k_tokens` fields bill them).
 */
export interface TokenRate {
  /** USD per million tokens below every tier. */
  base: number;
  /** Ascending by `above`. */
  tiers: readonly RateTier[];
}

export interface RateTier {
  /** Input tokens the request must exceed for this rate to apply. */
  above: number;
  /** USD per million tokens. */
  rate: number;
}

export interface PriceSheet {
  /** Every prompt token that is not a priced cache read or write. Without it a model is unpriced. */
  input: TokenRate;
  output?: TokenRate;
  /** Prompt tokens read from a prompt cache; billed at `input` when absent. */
  cacheRead?: TokenRate;
  /** Prompt tokens written to a prompt cache; billed at `input` when absent. */
  cacheWrite?: TokenRate;
  /** Reasoning tokens (part of the completion tokens); billed at `output` when absent. */
  reasoning?: TokenRate;
  /** USD per request, whatever its tokens (Perplexity's request fee). */
  perRequest?: number;
}

/** When a price applies: from a date on, or during a daily UTC window (off-peak discounts). */
export type PriceConstraint =
  | { kind: "from"; startsAt: number }
  /** Seconds since UTC midnight; a window whose end is before its start wraps past midnight. */
  | { kind: "daily"; startSecond: number; endSecond: number };

/** The prices a model has had, oldest first; the last one whose constraint holds is in force. */
export type PriceSchedule = ReadonlyArray<{ when?: PriceConstraint; sheet: PriceSheet }>;

/** Token counts in the canonical (OpenAI) sense: prompt tokens include cache reads and writes, completion tokens include reasoning. */
export interface TokenCounts {
  prompt: number;
  completion: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

const PER_MILLION = 1_000_000;

/** The sheet in force at `at` (ms since the epoch). */
export function sheetAt(schedule: PriceSchedule, at: number): PriceSheet | undefined {
  for (let i = schedule.length - 1; i >= 0; i--) {
    const entry = schedule[i];
    if (entry && holds(entry.when, at)) return entry.sheet;
  }
  return schedule[0]?.sheet;
}

function holds(when: PriceConstraint | undefined, at: number): boolean {
  if (when === undefined) return true;
  if (when.kind === "from") return at >= when.startsAt;
  const second = (at % 86_400_000) / 1000;
  return when.endSecond < when.startSecond ? second >= when.startSecond || second < when.endSecond : second >= when.startSecond && second < when.endSecond;
}

/**
 * USD for one request. Counts must already be consistent (cache reads plus writes at most the
 * prompt, reasoning at most the completion). Each cached or reasoning token is billed once: at
 * its own rate when the sheet has one, else within the prompt or completion at theirs.
 */
export function costOf(sheet: PriceSheet, tokens: TokenCounts): number {
  const tierBasis = tokens.prompt;
  let uncachedPrompt = tokens.prompt;
  let cost = 0;
  if (sheet.cacheRead) {
    uncachedPrompt -= tokens.cacheRead;
    cost += tokens.cacheRead * rateFor(sheet.cacheRead, tierBasis);
  }
  if (sheet.cacheWrite) {
    uncachedPrompt -= tokens.cacheWrite;
    cost += tokens.cacheWrite * rateFor(sheet.cacheWrite, tierBasis);
  }
  cost += uncachedPrompt * rateFor(sheet.input, tierBasis);
  if (sheet.output) {
    let answer = tokens.completion;
    if (sheet.reasoning) {
      answer -= tokens.reasoning;
      cost += tokens.reasoning * rateFor(sheet.reasoning, tierBasis);
    }
    cost += answer * rateFor(sheet.output, tierBasis);
  }
  return cost / PER_MILLION + (sheet.perRequest ?? 0);
}

function rateFor(rate: TokenRate, inputTokens: number): number {
  let applied = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.above) applied = tier.rate;
  return applied;
}
