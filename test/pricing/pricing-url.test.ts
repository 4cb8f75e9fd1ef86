/**
 * `framework.pricing.pricing_url`: a LiteLLM-format table (file path, file:// URL or http(s) URL)
 * laid over the bundled prices, loaded at start without holding start-up for long, reloaded every
 * `pricing_sync_interval`; a failed load keeps the prices in use and says so; close() stops it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PricingSettings } from '../../src/config/types.js';
import { createPriceCatalog, type PriceCatalog } from '../../src/core/pricing/price-catalog.js';
import { captureLogs, type CapturedLogs } from '../support/captured-logs.js';
import { replyHang, replyJson, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { requestCost, pricingSettings, usage } from './pricing-harness.js';

const PINO_INFO = 30;
const PINO_WARN = 40;

/** LiteLLM's format (USD per token), with a Bifrost datasheet entry (`provider`) and entries Iris cannot price by tokens. */
const TABLE = {
  sample_spec: { litellm_provider: 'one of https://docs.litellm.ai/docs/providers', mode: 'one of: chat, embedding, …', input_cost_per_token: 0 },
  'gpt-4o-mini': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 0.5e-6 },
  'groq/llama-3.3-70b-versatile': { litellm_provider: 'groq', mode: 'chat', input_cost_per_token: 3e-6, output_cost_per_token: 4e-6 },
  'nebius/meta-llama/Meta-Llama-3.1-70B-Instruct': { litellm_provider: 'nebius', mode: 'chat', input_cost_per_token: 0.13e-6, output_cost_per_token: 0.4e-6 },
  'text-embedding-3-small': { litellm_provider: 'openai', mode: 'embedding', input_cost_per_token: 0.5e-6, output_cost_per_token: 0 },
  'o-reasoner': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 4e-6, output_cost_per_reasoning_token: 2e-6 },
  'claude-long': {
    litellm_provider: 'anthropic',
    mode: 'chat',
    input_cost_per_token: 3e-6,
    output_cost_per_token: 15e-6,
    cache_creation_input_token_cost: 3.75e-6,
    input_cost_per_token_above_200k_tokens: 6e-6,
    output_cost_per_token_above_200k_tokens: 22.5e-6,
    cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
    input_cost_per_token_batches: 1.5e-6,
  },
  'anthropic.claude-3-haiku-20240307-v1:0': { litellm_provider: 'bedrock', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 },
  'vertex_ai/gemini-2.5-flash': { litellm_provider: 'vertex_ai-language-models', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 },
  'mistral-large-latest': { provider: 'mistral', mode: 'chat', input_cost_per_token: 7e-6, output_cost_per_token: 7e-6 },
  'dall-e-3': { litellm_provider: 'openai', mode: 'image_generation', output_cost_per_image: 0.04 },
};

const opened: Array<{ close(): void | Promise<void> }> = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

function tableFile(table: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-prices-'));
  opened.push({ close: () => rmSync(dir, { recursive: true, force: true }) });
  const file = path.join(dir, 'prices.json');
  writeFileSync(file, JSON.stringify(table));
  return file;
}

async function startedCatalog(changes: Partial<PricingSettings>, logs: CapturedLogs = captureLogs()): Promise<PriceCatalog> {
  const catalog = createPriceCatalog(pricingSettings(changes), logs.logger);
  opened.push(catalog);
  await catalog.start();
  return catalog;
}

async function priceServer(): Promise<MockUpstream & { table: unknown; status: number }> {
  const mock = await startMockUpstream();
  opened.push(mock);
  const server = Object.assign(mock, { table: TABLE, status: 200 });
  mock.on('GET', '/prices.json', (_req, res) => replyJson(res, server.status, server.table));
  return server;
}

const tokens = usage(1000, 500);
const costAt = (input: number, output: number): number => (1000 * input + 500 * output) / 1e6;

describe('a pricing_url file', () => {
  it('beats the bundled table, and leaves the models it does not list to it', async () => {
    const logs = captureLogs();
    const catalog = await startedCatalog({ url: tableFile(TABLE) }, logs);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', usage(1000, 500, { cacheRead: 200 }))).toBeCloseTo((800 * 1 + 200 * 0.5 + 500 * 2) / 1e6, 12);
    // Not in the file: the bundled claude-sonnet-4-5 (3 / 15).
    expect(requestCost(catalog, 'anthropic', 'claude-sonnet-4-5', tokens)).toBeCloseTo(costAt(3, 15), 12);
    expect(logs.messages(PINO_INFO)).toContain('price table loaded');
  });

  it('reads LiteLLM’s keys and provider names, and Bifrost’s `provider`', async () => {
    const catalog = await startedCatalog({ url: tableFile(TABLE) });
    expect(requestCost(catalog, 'groq', 'llama-3.3-70b-versatile', tokens)).toBeCloseTo(costAt(3, 4), 12);
    expect(requestCost(catalog, 'nebius', 'meta-llama/Meta-Llama-3.1-70B-Instruct', tokens)).toBeCloseTo(costAt(0.13, 0.4), 12);
    expect(requestCost(catalog, 'vertex', 'gemini-2.5-flash', tokens)).toBeCloseTo(costAt(1, 1), 12);
    expect(requestCost(catalog, 'gemini', 'gemini-2.5-flash', tokens)).toBeCloseTo(costAt(0.3, 2.5), 12);
    expect(requestCost(catalog, 'mistral', 'mistral-large-latest', tokens)).toBeCloseTo(costAt(7, 7), 12);
    // A Bedrock cross-region profile is priced by its model's entry.
    expect(requestCost(catalog, 'bedrock', 'us.anthropic.claude-3-haiku-20240307-v1:0', tokens)).toBeCloseTo(costAt(1, 1), 12);
  });

  it('prices embeddings, reasoning tokens and long-context tiers from their fields', async () => {
    const catalog = await startedCatalog({ url: tableFile(TABLE) });
    const embedding = requestCost(catalog, 'openai', 'text-embedding-3-small', { prompt_tokens: 1000, total_tokens: 1000 }, 'embedding');
    expect(embedding).toBeCloseTo((1000 * 0.5) / 1e6, 12);
    // 500 completion tokens, 300 of them reasoning at 2 and 200 answer at 4.
    expect(requestCost(catalog, 'openai', 'o-reasoner', usage(1000, 500, { reasoning: 300 }))).toBeCloseTo((1000 * 1 + 300 * 2 + 200 * 4) / 1e6, 12);
    expect(requestCost(catalog, 'anthropic', 'claude-long', usage(300_000, 1000, { cacheWrite: 100_000 }))).toBeCloseTo(
      (200_000 * 6 + 100_000 * 7.5 + 1000 * 22.5) / 1e6,
      12,
    );
    expect(requestCost(catalog, 'openai', 'dall-e-3', tokens)).toBeNull();
  });

  it('may be a file:// URL or a path relative to the working directory', async () => {
    const file = tableFile(TABLE);
    const byUrl = await startedCatalog({ url: pathToFileURL(file).href });
    expect(requestCost(byUrl, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(1, 2), 12);
    const byRelativePath = await startedCatalog({ url: path.relative(process.cwd(), file) });
    expect(requestCost(byRelativePath, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(1, 2), 12);
  });

  it('that cannot be read leaves the bundled prices, and start-up says so', async () => {
    const logs = captureLogs();
    const catalog = await startedCatalog({ url: path.join(tmpdir(), 'iris-no-such-prices.json') }, logs);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(0.15, 0.6), 12);
    expect(logs.messages(PINO_WARN)).toEqual(['price table could not be loaded; prices stay those of the bundled table']);
  });
});

describe('a pricing_url served over HTTP', () => {
  it('is loaded at start and reloaded every sync interval', async () => {
    const server = await priceServer();
    const catalog = await startedCatalog({ url: `${server.url}/prices.json`, syncIntervalSeconds: 0.1 });
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(1, 2), 12);

    server.table = { ...TABLE, 'gpt-4o-mini': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 5e-6, output_cost_per_token: 6e-6 } };
    await vi.waitFor(() => expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(5, 6), 12), { timeout: 5_000, interval: 20 });
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('that fails to reload keeps the table it had, and logs each failure', async () => {
    const server = await priceServer();
    const logs = captureLogs();
    const catalog = await startedCatalog({ url: `${server.url}/prices.json?token=secret`, syncIntervalSeconds: 0.1, retryAfterFailureMs: 50 }, logs);
    server.status = 500;
    await vi.waitFor(() => expect(logs.messages(PINO_WARN).length).toBeGreaterThanOrEqual(1), { timeout: 5_000, interval: 20 });
    server.status = 200;
    server.table = '<html>not a price table</html>';
    await vi.waitFor(() => expect(logs.messages(PINO_WARN).length).toBeGreaterThanOrEqual(2), { timeout: 5_000, interval: 20 });

    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(1, 2), 12);
    expect(new Set(logs.messages(PINO_WARN))).toEqual(new Set(['price table could not be loaded; prices stay those of the table loaded before']));
    const warning = logs.lines().find((line) => line['level'] === PINO_WARN);
    expect(warning?.['pricingUrl']).toBe(`${server.url}/prices.json`);
  });

  it('does not hold start-up longer than the start-up wait; the table applies when it arrives', async () => {
    const server = await priceServer();
    let answer: (() => void) | undefined;
    server.on('GET', '/prices.json', (_req, res) => {
      answer = () => replyJson(res, 200, TABLE);
    });
    const catalog = await startedCatalog({ url: `${server.url}/prices.json`, startupWaitMs: 100 });
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(0.15, 0.6), 12);

    await vi.waitFor(() => expect(answer).toBeDefined());
    answer?.();
    await vi.waitFor(() => expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(1, 2), 12), { timeout: 5_000, interval: 20 });
  });

  it('gives up on a load that takes longer than the fetch timeout', async () => {
    const server = await priceServer();
    server.on('GET', '/prices.json', (_req, res) => replyHang(res));
    const logs = captureLogs();
    const catalog = await startedCatalog({ url: `${server.url}/prices.json`, fetchTimeoutMs: 100 }, logs);
    expect(logs.messages(PINO_WARN)).toEqual(['price table could not be loaded; prices stay those of the bundled table']);
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(0.15, 0.6), 12);
  });

  it('stops reloading once the catalog is closed', async () => {
    const server = await priceServer();
    const catalog = await startedCatalog({ url: `${server.url}/prices.json`, syncIntervalSeconds: 0.05 });
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThanOrEqual(2), { timeout: 5_000, interval: 10 });
    catalog.close();
    const loads = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.length).toBe(loads);
    // Prices already loaded stay usable.
    expect(requestCost(catalog, 'openai', 'gpt-4o-mini', tokens)).toBeCloseTo(costAt(1, 2), 12);
  });
});
