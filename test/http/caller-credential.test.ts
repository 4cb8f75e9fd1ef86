import { describe, expect, it } from 'vitest';
import { resetDurationMs } from '../../src/config/reset-duration.js';
import { callerCredentialOf } from '../../src/http/caller-credential.js';

describe('callerCredentialOf', () => {
  it.each([
    [{ 'x-bf-vk': 'legacy-key' }, { kind: 'virtual-key', value: 'legacy-key' }],
    [{ authorization: 'Bearer sk-bf-abc' }, { kind: 'virtual-key', value: 'sk-bf-abc' }],
    [{ authorization: 'bearer   SK-BF-abc ' }, { kind: 'virtual-key', value: 'SK-BF-abc' }],
    [{ authorization: 'Bearer sk-proj-1' }, { kind: 'bearer', value: 'sk-proj-1' }],
    [{ 'x-api-key': 'sk-bf-anthropic' }, { kind: 'virtual-key', value: 'sk-bf-anthropic' }],
    [{ 'x-goog-api-key': 'sk-bf-genai' }, { kind: 'virtual-key', value: 'sk-bf-genai' }],
    [{ 'api-key': 'sk-bf-azure' }, { kind: 'virtual-key', value: 'sk-bf-azure' }],
    [
      { 'x-bf-vk': 'sk-bf-first', authorization: 'Bearer sk-bf-second' },
      { kind: 'virtual-key', value: 'sk-bf-first' },
    ],
  ])('%o → %o', (headers, expected) => {
    expect(callerCredentialOf(headers)).toEqual(expected);
  });

  it('ignores an SDK placeholder key, Basic auth and empty values', () => {
    expect(callerCredentialOf({ 'x-api-key': 'sk-ant-placeholder' })).toBeUndefined();
    expect(callerCredentialOf({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(callerCredentialOf({ 'x-bf-vk': '  ', authorization: 'Bearer ' })).toBeUndefined();
  });
});

describe('resetDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1M', 30 * 86_400_000],
    ['1Q', 90 * 86_400_000],
    ['1Y', 365 * 86_400_000],
  ])('%s = %d ms', (text, ms) => {
    expect(resetDurationMs(text)).toBe(ms);
  });

  it('is undefined for what is not a duration', () => {
    expect(resetDurationMs('daily')).toBeUndefined();
    expect(resetDurationMs('0s')).toBeUndefined();
  });
});
