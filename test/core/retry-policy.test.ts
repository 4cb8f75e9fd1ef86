import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableStatus } from '../../src/core/routing/retry-policy.js';

describe('isRetryableStatus', () => {
  it('retries 429 and every 5xx', () => {
    for (const status of [429, 500, 502, 503, 504, 529]) expect(isRetryableStatus(status), String(status)).toBe(true);
  });

  it('never retries other 4xx', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 415, 422]) expect(isRetryableStatus(status), String(status)).toBe(false);
  });
});

describe('backoffDelayMs (exponential, equal jitter)', () => {
  it('waits between half the step and the full step', () => {
    expect(backoffDelayMs(1, 200, 10_000, () => 0)).toBe(100);
    expect(backoffDelayMs(1, 200, 10_000, () => 0.5)).toBe(150);
    expect(backoffDelayMs(1, 200, 10_000, () => 0.999_999)).toBeCloseTo(200, 3);
  });

  it('doubles the step with each retry', () => {
    const floor = [1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, 100, 100_000, () => 0));
    expect(floor).toEqual([50, 100, 200, 400]);
    const ceiling = [1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, 100, 100_000, () => 1));
    expect(ceiling).toEqual([100, 200, 400, 800]);
  });

  it('caps the step at retry_backoff_max', () => {
    expect(backoffDelayMs(10, 100, 1_000, () => 1)).toBe(1_000);
    expect(backoffDelayMs(10, 100, 1_000, () => 0)).toBe(500);
  });

  it('never waits less than half of retry_backoff_initial with Math.random', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelayMs(1, 300, 5_000);
      expect(delay).toBeGreaterThanOrEqual(150);
      expect(delay).toBeLessThanOrEqual(300);
    }
  });
});
