import { describe, expect, it } from 'vitest';
import { parseAllowList, type AllowList } from '../../src/config/allow-list.js';
import type { KeySettings } from '../../src/config/types.js';
import { keysForModel, selectKey } from '../../src/core/routing/key-pool.js';
import { GatewayFailure } from '../../src/schema/error.js';

function list(raw: string[]): AllowList {
  const parsed = parseAllowList(raw, 'nothing');
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

function key(name: string, weight = 1, models: string[] = ['*'], blacklisted: string[] = []): KeySettings {
  return { name, value: `sk-${name}`, models: list(models), blacklistedModels: list(blacklisted), weight };
}

function messageOf(result: KeySettings | GatewayFailure): string {
  if (!(result instanceof GatewayFailure)) throw new Error(`expected a failure, got key ${result.name}`);
  expect(result.status).toBe(400);
  return result.body.error.message;
}

/** Evenly spread values in [0, 1): the weighted split shows exactly, with no randomness. */
function evenlySpread(count: number): () => number {
  let i = 0;
  return () => (i++ + 0.5) / count;
}

function pickNames(keys: KeySettings[], model: string, times: number, random: () => number = Math.random): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < times; i++) {
    const picked = selectKey('openai', keys, model, {}, random);
    if (picked instanceof GatewayFailure) throw picked;
    counts.set(picked.name, (counts.get(picked.name) ?? 0) + 1);
  }
  return counts;
}

describe('selectKey weights', () => {
  it('splits 1,000 picks 25/75 between keys weighted 1 and 3 (even random values)', () => {
    const counts = pickNames([key('light', 1), key('heavy', 3)], 'gpt-4o-mini', 1000, evenlySpread(1000));
    expect(counts.get('light')).toBe(250);
    expect(counts.get('heavy')).toBe(750);
  });

  it('splits 1,000 picks near 25/75 between keys weighted 1 and 3 with Math.random', () => {
    const counts = pickNames([key('light', 1), key('heavy', 3)], 'gpt-4o-mini', 1000);
    const light = (counts.get('light') ?? 0) / 1000;
    // ±6 points is over 4 standard deviations for n=1000, p=0.25; equal weights would give 0.5.
    expect(light).toBeGreaterThan(0.19);
    expect(light).toBeLessThan(0.31);
    expect((counts.get('light') ?? 0) + (counts.get('heavy') ?? 0)).toBe(1000);
  });

  it('always picks the only allowed key regardless of the random value', () => {
    const only = key('only', 5);
    expect(selectKey('openai', [only], 'm', {}, () => 0.999)).toBe(only);
  });
});

describe('selectKey allow-lists', () => {
  it('never picks a key whose models list excludes the model', () => {
    const keys = [key('mini-only', 10, ['gpt-4o-mini']), key('any', 1), key('big-only', 10, ['gpt-4o'])];
    const counts = pickNames(keys, 'gpt-4o-mini', 1000);
    expect(counts.has('big-only')).toBe(false);
    expect(counts.get('mini-only')).toBeGreaterThan(0);
    expect(counts.get('any')).toBeGreaterThan(0);
  });

  it('lets ["*"] serve every model', () => {
    expect(keysForModel([key('open', 1, ['*'])], 'anything-at-all').map((k) => k.name)).toEqual(['open']);
  });

  it('lets a list of names serve exactly those models', () => {
    const named = key('named', 1, ['gpt-4o-mini', 'gpt-4o']);
    expect(keysForModel([named], 'gpt-4o')).toEqual([named]);
    expect(keysForModel([named], 'gpt-4o-mini')).toEqual([named]);
    expect(keysForModel([named], 'gpt-4o-2024-08-06')).toEqual([]);
  });

  it('lets an empty models list serve nothing', () => {
    expect(keysForModel([key('idle', 1, [])], 'gpt-4o-mini')).toEqual([]);
  });

  it('never picks a key for a model its blacklisted_models name, even when its models admit it', () => {
    const keys = [key('star-but-4o', 10, ['*'], ['gpt-4o']), key('named-but-4o', 10, ['gpt-4o'], ['gpt-4o']), key('fallback', 1)];
    expect(keysForModel(keys, 'gpt-4o').map((k) => k.name)).toEqual(['fallback']);
    expect(keysForModel(keys, 'gpt-4o-mini').map((k) => k.name)).toEqual(['star-but-4o', 'fallback']);
    expect(keysForModel([key('blocks-all', 1, ['*'], ['*'])], 'gpt-4o-mini')).toEqual([]);
  });

  it('fails with a 400 naming the provider, the model and each key by name with what it allows', () => {
    const sameLists = selectKey('openai', [key('main', 1, ['gpt-4o-mini']), key('backup', 1, ['gpt-4o-mini'])], 'gpt-4o');
    expect(messageOf(sameLists)).toBe("keys main, backup of provider 'openai' do not allow model 'gpt-4o' (allowed: gpt-4o-mini)");
    const mixed = selectKey('openai', [key('a', 1, ['gpt-4o']), key('b', 1, ['*'], ['o3-mini']), key('c', 1, [])], 'o3-mini');
    expect(messageOf(mixed)).toBe("keys a, b, c of provider 'openai' do not allow model 'o3-mini' (allowed: a: gpt-4o; b: * except o3-mini; c: none)");
    expect((mixed as GatewayFailure).body.is_bifrost_error).toBe(true);
  });

  it('never names a key by its value', () => {
    const message = messageOf(selectKey('openai', [key('main', 1, ['gpt-4o'])], 'o3-mini'));
    expect(message).not.toContain('sk-main');
  });

  it('fails with a 400 saying the provider has no keys when its pool is empty', () => {
    const result = selectKey('groq', [], 'llama-3');
    expect(result).toBeInstanceOf(GatewayFailure);
    expect((result as GatewayFailure).body.error.message).toMatch(/no keys/);
  });
});

describe('selectKey pinning (x-bf-api-key)', () => {
  it('returns the key with the pinned name, ignoring weights', () => {
    const keys = [key('a', 1000), key('b', 0.001)];
    for (let i = 0; i < 50; i++) {
      const picked = selectKey('openai', keys, 'gpt-4o-mini', { pinnedName: 'b' });
      expect(picked).toBe(keys[1]);
    }
  });

  it('fails with a 400 naming the unknown key', () => {
    const result = selectKey('openai', [key('a')], 'gpt-4o-mini', { pinnedName: 'nope' });
    expect(result).toBeInstanceOf(GatewayFailure);
    expect((result as GatewayFailure).status).toBe(400);
    expect((result as GatewayFailure).body.error.message).toContain("'nope'");
  });

  it('fails with a 400 when the pinned key does not allow the model, naming that key and its list', () => {
    const keys = [key('a', 1, ['gpt-4o']), key('b')];
    expect(messageOf(selectKey('openai', keys, 'gpt-4o-mini', { pinnedName: 'a' }))).toBe(
      "key a of provider 'openai' does not allow model 'gpt-4o-mini' (allowed: gpt-4o)",
    );
  });

  it('fails with a 400 when the pinned key blacklists the model', () => {
    const keys = [key('a', 1, ['*'], ['gpt-4o-mini']), key('b')];
    expect(messageOf(selectKey('openai', keys, 'gpt-4o-mini', { pinnedName: 'a' }))).toBe(
      "key a of provider 'openai' does not allow model 'gpt-4o-mini' (allowed: * except gpt-4o-mini)",
    );
  });
});

describe('selectKey exclusions (rate-limited keys)', () => {
  it('skips an excluded key while another allowed key remains', () => {
    const keys = [key('limited', 1000), key('spare', 1)];
    for (let i = 0; i < 200; i++) {
      const picked = selectKey('openai', keys, 'm', { exclude: new Set(['limited']) });
      expect((picked as KeySettings).name).toBe('spare');
    }
  });

  it('falls back to the allowed keys when every one of them is excluded', () => {
    const keys = [key('only')];
    expect(selectKey('openai', keys, 'm', { exclude: new Set(['only']) })).toBe(keys[0]);
  });
});
