/**
 * The cost of one request from the bundled price table (@pydantic/genai-prices, pinned by the
 * lockfile). Each expected figure is worked out by hand from the table's per-million-token prices,
 * written beside it; a table update that changes a price changes these figures on purpose.
 */
import { describe, expect, it } from 'vitest';
import type { EngineRequest } from '../../src/core/engine-request.js';
import { EngineAttempt } from '../../src/core/pipeline/attempt.js';
import { priceOf } from '../../src/core/pricing/price-of.js';
import { bundledCatalog, requestCost, usage } from './pricing-harness.js';

const catalog = bundledCatalog();

describe('prices from the bundled table', () => {
  it.each([
    // gpt-4o-mini: input 0.15, cache read 0.075, output 0.60 per Mtok; 800 uncached + 200 cached in, 500 out.
    ['openai', 'gpt-4o-mini', usage(1000, 500, { cacheRead: 200 }), (800 * 0.15 + 200 * 0.075 + 500 * 0.6) / 1e6],
    // A dated name resolves to its model.
    ['openai', 'gpt-4o-mini-2024-07-18', usage(1000, 500), (1000 * 0.15 + 500 * 0.6) / 1e6],
    // claude-sonnet-4-5: input 3, cache read 0.30, cache write 3.75, output 15.
    ['anthropic', 'claude-sonnet-4-5', usage(10_000, 500, { cacheRead: 2000, cacheWrite: 1000 }), (7000 * 3 + 2000 * 0.3 + 1000 * 3.75 + 500 * 15) / 1e6],
    ['anthropic', 'claude-sonnet-4-5-20250929', usage(1000, 500), (1000 * 3 + 500 * 15) / 1e6],
    // gemini-2.5-flash: input 0.30, cache read 0.03, output 2.50; the same table serves Gemini and Vertex.
    ['gemini', 'gemini-2.5-flash', usage(1000, 500, { cacheRead: 400 }), (600 * 0.3 + 400 * 0.03 + 500 * 2.5) / 1e6],
    ['vertex', 'gemini-2.5-flash', usage(1000, 500), (1000 * 0.3 + 500 * 2.5) / 1e6],
    // Claude on Vertex (`model@version`) falls back to Anthropic's prices.
    ['vertex', 'claude-sonnet-4-5@20250929', usage(1000, 500), (1000 * 3 + 500 * 15) / 1e6],
    // Claude 3 Haiku on Bedrock: input 0.25, output 1.25, with a cross-region prefix or an inference-profile ARN.
    ['bedrock', 'us.anthropic.claude-3-haiku-20240307-v1:0', usage(1000, 500), (1000 * 0.25 + 500 * 1.25) / 1e6],
    ['bedrock', 'eu.anthropic.claude-3-haiku-20240307-v1:0', usage(1000, 500), (1000 * 0.25 + 500 * 1.25) / 1e6],
    [
      'bedrock',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
      usage(1000, 500),
      (1000 * 0.25 + 500 * 1.25) / 1e6,
    ],
    // command-r: 0.15 / 0.60.
    ['cohere', 'command-r', usage(1000, 500), (1000 * 0.15 + 500 * 0.6) / 1e6],
    // Groq's Llama 3.3 70B: 0.59 / 0.79.
    ['groq', 'llama-3.3-70b-versatile', usage(1000, 500), (1000 * 0.59 + 500 * 0.79) / 1e6],
    // grok-3: 3 / 15.
    ['xai', 'grok-3', usage(1000, 500), (1000 * 3 + 500 * 15) / 1e6],
    // mistral-large-latest: 2 / 6.
    ['mistral', 'mistral-large-latest', usage(1000, 500), (1000 * 2 + 500 * 6) / 1e6],
    // OpenRouter names the upstream model in its own table.
    ['openrouter', 'openai/gpt-4o-mini', usage(1000, 500), (1000 * 0.15 + 500 * 0.6) / 1e6],
    // o3-mini has no reasoning rate: reasoning tokens are completion tokens at the output rate (1.10 / 4.40).
    ['openai', 'o3-mini', usage(1000, 500, { reasoning: 300 }), (1000 * 1.1 + 500 * 4.4) / 1e6],
    // Perplexity's sonar: 1 / 1 per Mtok plus $12 per thousand requests.
    ['perplexity', 'sonar', usage(1000, 500), (1000 * 1 + 500 * 1) / 1e6 + 12 / 1000],
  ])('%s/%s', (provider, model, tokens, expected) => {
    expect(requestCost(catalog, provider, model, tokens)).toBeCloseTo(expected, 12);
  });

  it('bills the whole request at the long-context rate once its input passes 200k tokens (claude-sonnet-4-5: 6, 0.60, 7.50, 22.50)', () => {
    const long = usage(300_000, 1000, { cacheRead: 100_000, cacheWrite: 50_000 });
    expect(requestCost(catalog, 'anthropic', 'claude-sonnet-4-5', long)).toBeCloseTo((150_000 * 6 + 100_000 * 0.6 + 50_000 * 7.5 + 1000 * 22.5) / 1e6, 12);
    expect(requestCost(catalog, 'anthropic', 'claude-sonnet-4-5', usage(200_000, 0))).toBeCloseTo((200_000 * 3) / 1e6, 12);
    expect(requestCost(catalog, 'anthropic', 'claude-sonnet-4-5', usage(200_001, 0))).toBeCloseTo((200_001 * 6) / 1e6, 12);
  });

  it('prices an embedding by its input tokens (text-embedding-3-small: 0.02)', () => {
    const cost = requestCost(catalog, 'openai', 'text-embedding-3-small', { prompt_tokens: 1000, total_tokens: 1000 }, 'embedding');
    expect(cost).toBeCloseTo((1000 * 0.02) / 1e6, 12);
  });

  it('reads Responses API usage (input_tokens, output_tokens and their details) as the log row does', () => {
    const responses = {
      input_tokens: 1000,
      output_tokens: 500,
      total_tokens: 1500,
      input_tokens_details: { cached_tokens: 200 },
      output_tokens_details: { reasoning_tokens: 100 },
    };
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', responses, 'responses')).toBeCloseTo((800 * 0.15 + 200 * 0.075 + 500 * 0.6) / 1e6, 12);
  });

  it('prices a stream as its base request type', () => {
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', usage(1000, 500), 'chat_completion_stream')).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', usage(1000, 500), 'responses_stream')).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
  });

  it('uses the price in force when the request was made: by date, and by time of day', () => {
    // claude-sonnet-4-6 lost its long-context premium on 2026-03-13 (6 → 3 per Mtok above 200k).
    const long = { provider: 'anthropic', model: 'claude-sonnet-4-6', requestType: 'chat_completion' as const, usage: usage(300_000, 0) };
    expect(priceOf(catalog, { ...long, startedAt: Date.parse('2026-01-01T00:00:00Z') })).toBeCloseTo((300_000 * 6) / 1e6, 12);
    expect(priceOf(catalog, { ...long, startedAt: Date.parse('2026-06-01T00:00:00Z') })).toBeCloseTo((300_000 * 3) / 1e6, 12);
    // deepseek-chat: 0.27 / 1.10 from 00:30 to 16:30 UTC, 0.135 / 0.55 otherwise.
    const chat = { provider: 'deepseek', model: 'deepseek-chat', requestType: 'chat_completion' as const, usage: usage(1000, 500) };
    expect(priceOf(catalog, { ...chat, startedAt: Date.parse('2026-12-07T10:00:00Z') })).toBeCloseTo((1000 * 0.27 + 500 * 1.1) / 1e6, 12);
    expect(priceOf(catalog, { ...chat, startedAt: Date.parse('2026-12-07T20:00:00Z') })).toBeCloseTo((1000 * 0.135 + 500 * 0.55) / 1e6, 12);
  });
});

describe('models and deployments', () => {
  it('prices an Azure request by the model it asked for, and by its deployment when the name alone has no price', () => {
    const gpt4o = (1000 * 2.5 + 500 * 10) / 1e6;
    expect(
      priceOf(catalog, { provider: 'azure', model: 'gpt-4o', deployment: 'gpt-4o-prod-eastus', requestType: 'chat_completion', usage: usage(1000, 500) }),
    ).toBeCloseTo(gpt4o, 12);
    expect(
      priceOf(catalog, { provider: 'azure', model: 'our-default', deployment: 'gpt-4o', requestType: 'chat_completion', usage: usage(1000, 500) }),
    ).toBeCloseTo(gpt4o, 12);
  });

  it("prices a custom provider from its base family's table", () => {
    const custom = bundledCatalog({ providerFamilies: { 'office-proxy': 'openai' } });
    expect(requestCost(custom, 'office-proxy', 'gpt-4o-mini', usage(1000, 500))).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
    expect(requestCost(custom, 'office-proxy', 'llama-3-8b-local', usage(1000, 500))).toBeNull();
  });
});

describe("an engine attempt (the pipeline's Attempt.cost)", () => {
  it('is priced as it is: its provider, model, request type, usage and start time', () => {
    const attempt = new EngineAttempt('req-1', 0, {} as EngineRequest, 'chat_completion', 'openai', 'gpt-4o-mini', (a) => priceOf(catalog, a));
    attempt.usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } };
    expect(attempt.cost).toBeCloseTo((800 * 0.15 + 200 * 0.075 + 500 * 0.6) / 1e6, 12);
  });

  it('of an unpriced model costs null', () => {
    const attempt = new EngineAttempt('req-2', 0, {} as EngineRequest, 'chat_completion', 'ollama', 'llama3.1', (a) => priceOf(catalog, a));
    attempt.usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
    expect(attempt.cost).toBeNull();
  });
});

describe('what has no price', () => {
  it.each([
    ['openai', 'gpt-nonexistent-9'],
    ['anthropic', 'claude-imaginary'],
    ['nebius', 'meta-llama/Meta-Llama-3.1-70B-Instruct'],
    ['huggingface', 'meta-llama/Llama-3.1-8B-Instruct'],
    ['ollama', 'llama3.1'],
    ['vllm', 'gpt-4o-mini'],
  ])('%s/%s costs null, never 0', (provider, model) => {
    expect(requestCost(catalog, provider, model, usage(1000, 500))).toBeNull();
  });

  it('an answer that carried no usage costs null', () => {
    expect(priceOf(catalog, { provider: 'openai', model: 'gpt-4o-mini', requestType: 'chat_completion', usage: undefined })).toBeNull();
  });

  it('a request type billed by other units than tokens costs null', () => {
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', usage(1000, 500), 'speech')).toBeNull();
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', usage(1000, 500), 'image_generation')).toBeNull();
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', usage(1000, 500), 'batch_create')).toBeNull();
  });
});

describe('usage a provider got wrong', () => {
  it('never bills more cached tokens than prompt tokens, nor negative or missing counts', () => {
    const tooManyCached = { prompt_tokens: 100, completion_tokens: 0, total_tokens: 100, prompt_tokens_details: { cached_tokens: 500 } };
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tooManyCached)).toBeCloseTo((100 * 0.075) / 1e6, 12);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', { prompt_tokens: -5, completion_tokens: Number.NaN })).toBe(0);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', { total_tokens: 1000 })).toBeCloseTo((1000 * 0.15) / 1e6, 12);
  });
});
