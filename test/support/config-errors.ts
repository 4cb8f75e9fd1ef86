import { expect } from 'vitest';
import { ConfigError } from '../../src/load-config.js';

/** The ConfigError a config build throws (fails the test when it does not throw one). */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}
