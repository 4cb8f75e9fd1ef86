import { describe, expect, it } from 'vitest';
import type { KeySettings } from '../../src/config/types.js';
import { keysForModel, selectKey } from '../../src/core/routing/key-pool.js';
import { GatewayFailure } from '../../src/core/schema/error.js';

function key(name: string, weight = 1, models: string[] = []): KeySettings {
  return { name, value: `sk-${name}`, models, weight };
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

  it('treats an empty models list as allowing every model', () => {
    expect(keysForModel([key('open')], 'anything-at-all').map((k) => k.name)).toEqual(['open']);
  });

  it('fails with a 400 naming the model when no key allows it', () => {
    const result = selectKey('openai', [key('a', 1, ['gpt-4o']), key('b', 1, ['gpt-4.1'])], 'o3-mini');
    expect(result).toBeInstanceOf(GatewayFailure);
    const failure = result as GatewayFailure;
    expect(failure.status).toBe(400);
    expect(failure.body.is_bifrost_error).toBe(true);
    expect(failure.body.error.message).toContain("'o3-mini'");
    expect(failure.body.error.message).toContain("'openai'");
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

  it('fails with a 400 when the pinned key does not allow the model', () => {
    const result = selectKey('openai', [key('a', 1, ['gpt-4o'])], 'gpt-4o-mini', { pinnedName: 'a' });
    expect(result).toBeInstanceOf(GatewayFailure);
    expect((result as GatewayFailure).status).toBe(400);
    expect((result as GatewayFailure).body.error.message).toContain("'gpt-4o-mini'");
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
