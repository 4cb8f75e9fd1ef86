/**
 * Iris prices bundled models with its own short calculation (a map read and a few multiplications)
 * instead of the library's general one. For every model of every provider Iris maps, and any
 * consistent usage and moment, both must give the same cost; and a model Iris calls unpriced must
 * have no per-token input price in the table.
 */
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceOf } from '../../src/core/pricing/price-of.js';
import { bundledCatalog } from './pricing-harness.js';

const IRIS_TO_TABLE: ReadonlyArray<[string, string]> = [
  ['openai', 'openai'],
  ['azure', 'azure'],
  ['anthropic', 'anthropic'],
  ['gemini', 'google'],
  ['bedrock', 'aws'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['cerebras', 'cerebras'],
  ['xai', 'x-ai'],
  ['openrouter', 'openrouter'],
  ['fireworks', 'fireworks'],
  ['perplexity', 'perplexity'],
  ['mistral', 'mistral'],
  ['deepseek', 'deepseek'],
];

const usageArbitrary = fc
  .record({
    prompt: fc.integer({ min: 0, max: 1_500_000 }),
    completion: fc.integer({ min: 0, max: 200_000 }),
    readPercent: fc.integer({ min: 0, max: 100 }),
    writePercent: fc.integer({ min: 0, max: 100 }),
    reasoningPercent: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ prompt, completion, readPercent, writePercent, reasoningPercent }) => {
    const cacheRead = Math.floor((prompt * readPercent) / 100);
    const cacheWrite = Math.floor(((prompt - cacheRead) * writePercent) / 100);
    return { prompt, completion, cacheRead, cacheWrite, reasoning: Math.floor((completion * reasoningPercent) / 100) };
  });

const momentArbitrary = fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') });

describe('the bundled prices Iris computes', () => {
  const catalog = bundledCatalog();

  it.each(IRIS_TO_TABLE)('equal the library’s for every %s model', (irisProvider, tableProvider) => {
    const models = findProvider({ providerId: tableProvider })?.models ?? [];
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      fc.assert(
        fc.property(usageArbitrary, momentArbitrary, (tokens, at) => {
          const ours = priceOf(catalog, {
            provider: irisProvider,
            model: model.id,
            requestType: 'chat_completion',
            startedAt: at,
            usage: {
              prompt_tokens: tokens.prompt,
              completion_tokens: tokens.completion,
              prompt_tokens_details: { cached_tokens: tokens.cacheRead, cache_creation_tokens: tokens.cacheWrite },
              completion_tokens_details: { reasoning_tokens: tokens.reasoning },
            },
          });
          const library = libraryPrice(tableProvider, model.id, tokens, at);
          if (ours === null) {
            expect(library === null || !library.pricesInputTokens, `${model.id} has an input price but Iris gave null`).toBe(true);
            return;
          }
          expect(library, model.id).not.toBeNull();
          const expected = library?.total ?? Number.NaN;
          expect(Math.abs(ours - expected), `${model.id}: Iris ${ours}, library ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1e-6, expected));
        }),
        { numRuns: 16 },
      );
    }
  });
});

function libraryPrice(
  providerId: string,
  model: string,
  tokens: { prompt: number; completion: number; cacheRead: number; cacheWrite: number; reasoning: number },
  at: number,
): { total: number; pricesInputTokens: boolean } | null {
  let result;
  try {
    result = calcPrice(
      {
        input_tokens: tokens.prompt,
        output_tokens: tokens.completion,
        cache_read_tokens: tokens.cacheRead,
        cache_write_tokens: tokens.cacheWrite,
        output_reasoning_tokens: tokens.reasoning,
      },
      model,
      { providerId, timestamp: new Date(at) },
    );
  } catch {
    return null;
  }
  return result && { total: result.total_price, pricesInputTokens: result.model_price['input_mtok'] !== undefined };
}
