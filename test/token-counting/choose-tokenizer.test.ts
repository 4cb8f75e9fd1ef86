/**
 * The bundled encoding a local count uses follows the model family: cl100k_base for the GPT-3.5 /
 * GPT-4 generation and ada-002 / v3 embeddings, o200k_base for everything newer, and o200k_base as
 * a declared stand-in for other vendors' models.
 */
import { describe, expect, it } from 'vitest';
import { chooseTokenizer } from '../../src/core/token-counting/choose-tokenizer.js';

describe('chooseTokenizer', () => {
  it.each([
    'gpt-3.5-turbo',
    'gpt-35-turbo',
    'gpt-4',
    'gpt-4-turbo-2024-04-09',
    'gpt-4-0613',
    'text-embedding-3-small',
    'text-embedding-ada-002',
    'openai/gpt-4',
  ])('%s counts with cl100k_base, its own encoding', (model) => {
    expect(chooseTokenizer(model)).toEqual({ name: 'cl100k_base', ownTokenizer: true });
  });

  it.each(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-nano', 'gpt-4.5-preview', 'gpt-5', 'o1', 'o3-mini', 'o4-mini', 'gpt-oss-120b', 'openai/gpt-oss-20b', 'GPT-4O'])(
    '%s counts with o200k_base, its own encoding',
    (model) => {
      expect(chooseTokenizer(model)).toEqual({ name: 'o200k_base', ownTokenizer: true });
    },
  );

  it.each([
    'claude-sonnet-4-5',
    'gemini-2.5-flash',
    'models/gemini-2.5-pro',
    'llama-3.3-70b-versatile',
    'meta-llama/llama-3-8b',
    'mistral-large-latest',
    'some-new-model',
  ])('%s has no bundled tokenizer and is approximated with o200k_base', (model) => {
    expect(chooseTokenizer(model)).toEqual({ name: 'o200k_base', ownTokenizer: false });
  });
});
