/**
 * `framework.pricing` and `governance.pricing_overrides` as Bifrost writes them: read into the
 * gateway's pricing settings, a wrong value is a one-line error naming the field, and what Iris
 * does not act on (other framework fields, override scopes that need governance) is listed.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildConfig, type StartOptions } from '../../src/load-config.js';
import { configErrorOf } from '../support/config-errors.js';

const OPTIONS: StartOptions = { appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' };
const OPENAI = { keys: [{ name: 'k', value: 'sk-test', models: ['*'] }] };

function build(raw: Record<string, unknown>, env: Record<string, string> = {}): ReturnType<typeof buildConfig> {
  return buildConfig(OPTIONS, { providers: { openai: OPENAI }, ...raw }, env);
}

/** The whole message when `expected` is a string; a pattern where the library words the rest. */
function expectConfigError(run: () => unknown, expected: string | RegExp): void {
  const { message } = configErrorOf(run);
  if (typeof expected === 'string') expect(message).toBe(expected);
  else expect(message).toMatch(expected);
}

describe('framework.pricing', () => {
  it('defaults to the bundled table alone, reloaded daily if a URL is given', () => {
    const { pricing } = build({});
    expect(pricing.url).toBeUndefined();
    expect(pricing.syncIntervalSeconds).toBe(86_400);
    expect(pricing.overrides).toEqual([]);
  });

  it('reads pricing_url (env.VAR too) and pricing_sync_interval', () => {
    const { pricing } = build(
      { framework: { pricing: { pricing_url: 'env.PRICES_URL', pricing_sync_interval: 7200 } } },
      { PRICES_URL: 'https://prices.internal/litellm.json' },
    );
    expect(pricing.url).toBe('https://prices.internal/litellm.json');
    expect(pricing.syncIntervalSeconds).toBe(7200);
  });

  it.each([
    [{ pricing_sync_interval: 600 }, 'config error: framework.pricing.pricing_sync_interval: must be at least 3600 seconds, as in Bifrost'],
    [{ pricing_sync_interval: 3600.5 }, 'config error: framework.pricing.pricing_sync_interval: must be a whole number of seconds'],
    [{ pricing_url: 'ftp://prices.example/table.json' }, 'config error: framework.pricing.pricing_url: must be an http(s):// or file:// URL, or a file path'],
    [{ pricing_url: 42 }, /^config error: framework\.pricing\.pricing_url: /],
  ])('%j is a one-line error naming the field', (pricing, expected) => {
    expectConfigError(() => build({ framework: { pricing } }), expected);
  });
});

describe('governance.pricing_overrides', () => {
  it('become overrides: scope, pattern without its *, base request types, cost fields from options (and the older patch)', () => {
    const { pricing } = build({
      governance: {
        pricing_overrides: [
          {
            id: 'po-1',
            name: 'negotiated gpt-4o',
            scope_kind: 'provider',
            provider_id: 'openai',
            match_type: 'wildcard',
            pattern: 'gpt-4o*',
            request_types: ['chat_completion', 'responses_stream'],
            options: { input_cost_per_token: 2e-6, output_cost_per_token: null },
          },
          { scope_kind: 'global', match_type: 'exact', pattern: 'our-model', patch: { input_cost_per_token: 1e-6 } },
        ],
      },
    });
    expect(pricing.overrides).toEqual([
      {
        name: 'negotiated gpt-4o',
        provider: 'openai',
        pattern: 'gpt-4o',
        wildcard: true,
        requestTypes: new Set(['chat_completion', 'responses']),
        costs: { input_cost_per_token: 2e-6 },
      },
      {
        name: 'governance.pricing_overrides[1]',
        provider: undefined,
        pattern: 'our-model',
        wildcard: false,
        requestTypes: undefined,
        costs: { input_cost_per_token: 1e-6 },
      },
    ]);
  });

  it.each([
    [{ match_type: 'exact', pattern: 'gpt-*' }, 'config error: governance.pricing_overrides[0].pattern: an exact pattern must not contain *'],
    [{ match_type: 'wildcard', pattern: 'gpt-4o' }, 'config error: governance.pricing_overrides[0].pattern: a wildcard pattern has one *, at its end'],
    [{ match_type: 'wildcard', pattern: '*-mini*' }, 'config error: governance.pricing_overrides[0].pattern: a wildcard pattern has one *, at its end'],
    [{ scope_kind: 'provider' }, 'config error: governance.pricing_overrides[0].provider_id: is required for scope_kind provider'],
    [{ pattern: '  ' }, 'config error: governance.pricing_overrides[0].pattern: is required'],
    [{ request_types: ['chat'] }, /^config error: governance\.pricing_overrides\[0\]\.request_types\[0\]: /],
    [{ options: { input_cost_per_token: -1 } }, /^config error: governance\.pricing_overrides\[0\]\.options\.input_cost_per_token: /],
    [{ scope_kind: 'team' }, /^config error: governance\.pricing_overrides\[0\]\.scope_kind: /],
  ])('%j is a one-line error naming the field', (fields, expected) => {
    const override = { scope_kind: 'global', match_type: 'exact', pattern: 'gpt-4o', options: { input_cost_per_token: 1e-6 }, ...fields };
    expectConfigError(() => build({ governance: { pricing_overrides: [override] } }), expected);
  });
});

describe('custom providers', () => {
  it('are priced with their base family', () => {
    const { pricing } = build({
      providers: {
        openai: OPENAI,
        'office-proxy': { ...OPENAI, network_config: { base_url: 'http://10.0.0.5:8000' }, custom_provider_config: { base_provider_type: 'openai' } },
      },
    });
    expect(pricing.providerFamilies).toEqual({ 'office-proxy': 'openai' });
  });
});

describe('what Iris does not act on yet', () => {
  it('lists the other framework fields and the override scopes that need governance, not what it reads', () => {
    const { notImplemented } = build({
      framework: {
        pricing: { pricing_url: 'https://prices.internal/x.json', pricing_sync_interval: 3600, model_parameters_url: 'https://x/params' },
        other_feature: { on: true },
      },
      governance: {
        pricing_overrides: [
          { scope_kind: 'global', match_type: 'exact', pattern: 'a', options: {} },
          { scope_kind: 'virtual_key', virtual_key_id: 'vk', match_type: 'exact', pattern: 'b', options: {} },
          { scope_kind: 'provider_key', provider_key_id: 'k', match_type: 'exact', pattern: 'c', options: {} },
        ],
      },
    });
    expect(notImplemented).toEqual([
      'framework.other_feature',
      'framework.pricing.model_parameters_url',
      'governance.pricing_overrides[scope_kind=virtual_key]',
      'governance.pricing_overrides[scope_kind=provider_key]',
    ]);
  });
});
