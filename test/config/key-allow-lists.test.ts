import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { admits, describeAllowList } from '../../src/config/allow-list.js';
import { buildConfig, loadConfig, type StartOptions } from '../../src/load-config.js';
import type { KeySettings } from '../../src/config/types.js';
import { configErrorOf } from '../support/config-errors.js';

const OPTIONS: StartOptions = { appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' };

/** The one openai key of a config whose key is `key` (plus the top-level `top` fields, e.g. version). */
function keyOf(key: Record<string, unknown>, top: Record<string, unknown> = {}): KeySettings {
  const config = buildConfig(OPTIONS, { ...top, providers: { openai: { keys: [{ name: 'k', value: 'sk-k', ...key }] } } }, {});
  const settings = config.providers.get('openai')?.keys[0];
  if (!settings) throw new Error('no openai key');
  return settings;
}

describe('keys[].models as Bifrost reads it', () => {
  it('["*"] admits every model', () => {
    const models = keyOf({ models: ['*'] }).models;
    expect(admits(models, 'gpt-4o')).toBe(true);
    expect(admits(models, 'anything-at-all')).toBe(true);
  });

  it('a list of names admits exactly those', () => {
    const models = keyOf({ models: ['gpt-4o-mini', 'gpt-4o'] }).models;
    expect(admits(models, 'gpt-4o-mini')).toBe(true);
    expect(admits(models, 'gpt-4o')).toBe(true);
    expect(admits(models, 'gpt-4o-2024-08-06')).toBe(false);
  });

  it('[] admits nothing when the config has no version (Bifrost v1.5+ default)', () => {
    expect(describeAllowList(keyOf({ models: [] }).models)).toBe('none');
  });

  it('[] admits nothing under version 2', () => {
    expect(describeAllowList(keyOf({ models: [] }, { version: 2 }).models)).toBe('none');
  });

  it('[] admits everything under version 1 (Bifrost v1.4 semantics)', () => {
    expect(describeAllowList(keyOf({ models: [] }, { version: 1 }).models)).toBe('*');
  });

  it('a missing models list reads as an empty one: nothing by default, everything under version 1', () => {
    expect(describeAllowList(keyOf({}).models)).toBe('none');
    expect(describeAllowList(keyOf({}, { version: 1 }).models)).toBe('*');
  });

  it('"*" mixed with names is a ConfigError naming the field, as Bifrost rejects it', () => {
    expect(configErrorOf(() => keyOf({ models: ['*', 'gpt-4o'] })).message).toMatch(
      /^config error: providers\.openai\.keys\[0\]\.models: "\*" cannot be mixed with names/,
    );
  });

  it('a version other than 1 or 2 is a ConfigError naming version', () => {
    expect(configErrorOf(() => keyOf({ models: ['*'] }, { version: 3 })).message).toBe('config error: version: must be 1 or 2');
  });
});

describe('keys[].blacklisted_models', () => {
  it('blocks nothing when empty or missing, whatever the version', () => {
    expect(describeAllowList(keyOf({ models: ['*'] }).blacklistedModels)).toBe('none');
    expect(describeAllowList(keyOf({ models: ['*'], blacklisted_models: [] }, { version: 1 }).blacklistedModels)).toBe('none');
  });

  it('names the models it blocks; ["*"] blocks every model', () => {
    expect(describeAllowList(keyOf({ models: ['*'], blacklisted_models: ['gpt-4o', 'o3'] }).blacklistedModels)).toBe('gpt-4o, o3');
    expect(describeAllowList(keyOf({ models: ['*'], blacklisted_models: ['*'] }).blacklistedModels)).toBe('*');
  });
});

describe('keys without a config file', () => {
  it('a key from an environment variable serves every model', () => {
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-env-keys-'));
    try {
      const config = loadConfig({ ...OPTIONS, appDir }, { OPENAI_API_KEY: 'sk-env' });
      expect(describeAllowList(config.providers.get('openai')!.keys[0]!.models)).toBe('*');
    } finally {
      rmSync(appDir, { recursive: true, force: true });
    }
  });
});

describe('keys[].enabled', () => {
  it('false leaves the key out of the pool', () => {
    const config = buildConfig(
      OPTIONS,
      {
        providers: {
          openai: {
            keys: [
              { name: 'on', value: 'a', models: ['*'] },
              { name: 'off', value: 'b', models: ['*'], enabled: false },
            ],
          },
        },
      },
      {},
    );
    expect(config.providers.get('openai')!.keys.map((k) => k.name)).toEqual(['on']);
  });
});
