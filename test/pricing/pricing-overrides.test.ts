/**
 * `governance.pricing_overrides` from a Bifrost config.json: they beat the tables, most specific
 * first, patching the table's price field by field; a model no table knows can be priced by an
 * override alone.
 */
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createPriceCatalog, type PriceCatalog } from '../../src/core/pricing/price-catalog.js';
import { buildConfig } from '../../src/load-config.js';
import { requestCost, usage } from './pricing-harness.js';

const OPTIONS = { appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' } as const;
const KEY = { keys: [{ name: 'k', value: 'sk-test', models: ['*'] }] };

function catalogWith(overrides: unknown[]): PriceCatalog {
  const config = buildConfig(OPTIONS, { providers: { openai: KEY }, governance: { pricing_overrides: overrides } }, {});
  return createPriceCatalog(config.pricing, pino({ level: 'silent' }));
}

/** An override of input and output prices in USD per million tokens (the config says per token). */
function override(fields: Record<string, unknown>, perMillion: { input?: number; output?: number }): Record<string, unknown> {
  const options: Record<string, number> = {};
  if (perMillion.input !== undefined) options['input_cost_per_token'] = perMillion.input / 1e6;
  if (perMillion.output !== undefined) options['output_cost_per_token'] = perMillion.output / 1e6;
  return { scope_kind: 'global', match_type: 'exact', options, ...fields };
}

const TOKENS = usage(1000, 500);
const costAt = (input: number, output: number): number => (1000 * input + 500 * output) / 1e6;

describe('pricing overrides', () => {
  it('beat the bundled table', () => {
    const catalog = catalogWith([override({ pattern: 'gpt-4o-mini' }, { input: 1, output: 2 })]);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', TOKENS)).toBeCloseTo(costAt(1, 2), 12);
  });

  it('patch field by field: what the override leaves out keeps the table’s price (gpt-4o-mini output 0.60)', () => {
    const catalog = catalogWith([override({ pattern: 'gpt-4o-mini' }, { input: 1 })]);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', TOKENS)).toBeCloseTo(costAt(1, 0.6), 12);
  });

  it('price a model no table knows', () => {
    const catalog = catalogWith([override({ pattern: 'our-fine-tune' }, { input: 4, output: 8 })]);
    expect(requestCost(catalog, 'openai', 'our-fine-tune', TOKENS)).toBeCloseTo(costAt(4, 8), 12);
  });

  it('of a provider beat global ones, and apply to that provider only', () => {
    const catalog = catalogWith([
      override({ pattern: 'gpt-4o-mini' }, { input: 1, output: 1 }),
      override({ pattern: 'gpt-4o-mini', scope_kind: 'provider', provider_id: 'azure' }, { input: 2, output: 2 }),
    ]);
    expect(requestCost(catalog, 'azure', 'gpt-4o-mini', TOKENS)).toBeCloseTo(costAt(2, 2), 12);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', TOKENS)).toBeCloseTo(costAt(1, 1), 12);
  });

  it('match exactly before by wildcard, and a longer wildcard before a shorter one', () => {
    const catalog = catalogWith([
      override({ pattern: 'gpt-*', match_type: 'wildcard' }, { input: 1, output: 1 }),
      override({ pattern: 'gpt-4o*', match_type: 'wildcard' }, { input: 2, output: 2 }),
      override({ pattern: 'gpt-4o-mini' }, { input: 3, output: 3 }),
    ]);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', TOKENS)).toBeCloseTo(costAt(3, 3), 12);
    expect(requestCost(catalog, 'openai', 'gpt-4o', TOKENS)).toBeCloseTo(costAt(2, 2), 12);
    expect(requestCost(catalog, 'openai', 'gpt-4.1', TOKENS)).toBeCloseTo(costAt(1, 1), 12);
    expect(requestCost(catalog, 'openai', 'o3-mini', TOKENS)).toBeCloseTo(costAt(1.1, 4.4), 12);
  });

  it('apply only to the request types they name (a base type covers its stream)', () => {
    const catalog = catalogWith([override({ pattern: 'gpt-4o-mini', request_types: ['embedding'] }, { input: 9, output: 9 })]);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', TOKENS, 'chat_completion_stream')).toBeCloseTo(costAt(0.15, 0.6), 12);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', { prompt_tokens: 1000, total_tokens: 1000 }, 'embedding')).toBeCloseTo((1000 * 9) / 1e6, 12);

    const streams = catalogWith([override({ pattern: 'gpt-4o-mini', request_types: ['chat_completion'] }, { input: 9, output: 9 })]);
    expect(requestCost(streams, 'openai', 'gpt-4o-mini', TOKENS, 'chat_completion_stream')).toBeCloseTo(costAt(9, 9), 12);
  });

  it('set cache and long-context prices too', () => {
    const catalog = catalogWith([
      {
        scope_kind: 'global',
        match_type: 'exact',
        pattern: 'claude-sonnet-4-5',
        options: { cache_read_input_token_cost: 0.1e-6, input_cost_per_token_above_200k_tokens: 5e-6 },
      },
    ]);
    // Short request: only the cache read price changed (input 3, cache read 0.1, output 15).
    expect(requestCost(catalog, 'anthropic', 'claude-sonnet-4-5', usage(1000, 100, { cacheRead: 500 }))).toBeCloseTo(
      (500 * 3 + 500 * 0.1 + 100 * 15) / 1e6,
      12,
    );
    // Long request: input 5 from the override, output still the table's 22.5 above 200k.
    expect(requestCost(catalog, 'anthropic', 'claude-sonnet-4-5', usage(300_000, 100))).toBeCloseTo((300_000 * 5 + 100 * 22.5) / 1e6, 12);
  });

  it('of a scope Iris cannot tell yet (virtual keys, provider keys) price nothing', () => {
    const catalog = catalogWith([override({ pattern: 'gpt-4o-mini', scope_kind: 'virtual_key', virtual_key_id: 'vk-1' }, { input: 9, output: 9 })]);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', TOKENS)).toBeCloseTo(costAt(0.15, 0.6), 12);
  });
});
