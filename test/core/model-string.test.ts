import { describe, expect, it } from 'vitest';
import { formatModelRef, parseModelString } from '../../src/core/routing/model-string.js';

describe('parseModelString', () => {
  it('splits provider/model at the first slash', () => {
    expect(parseModelString('openai/gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('keeps later slashes in the model (openrouter/meta-llama/llama-3)', () => {
    expect(parseModelString('openrouter/meta-llama/llama-3')).toEqual({ provider: 'openrouter', model: 'meta-llama/llama-3' });
  });

  it('uses the default provider for a bare model name', () => {
    expect(parseModelString('gpt-4o-mini', 'openai')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('rejects a bare model name when there is no default provider', () => {
    expect(parseModelString('gpt-4o-mini')).toBeUndefined();
  });

  it('rejects an empty provider or an empty model', () => {
    expect(parseModelString('/gpt-4o-mini')).toBeUndefined();
    expect(parseModelString('openai/')).toBeUndefined();
    expect(parseModelString('')).toBeUndefined();
    expect(parseModelString('', 'openai')).toBeUndefined();
  });

  it('formats back to the same string', () => {
    for (const text of ['openai/gpt-4o-mini', 'openrouter/meta-llama/llama-3']) {
      expect(formatModelRef(parseModelString(text)!)).toBe(text);
    }
  });
});
