// Micro-benchmark of pricing one request (not a test): `npm run build && node bench/pricing.mjs`.
// Prints µs per call for Iris's priceOf (warm: the model's price already resolved and remembered),
// the first resolution of a model, and @pydantic/genai-prices' own calcPrice on the same usage.
import { calcPrice } from '@pydantic/genai-prices';
import { pino } from 'pino';

// Loaded by URL so the unused-code check does not look for dist/ in a clean clone.
const { createPriceCatalog } = await import(new URL('../dist/core/pricing/price-catalog.js', import.meta.url).href);
const { priceOf } = await import(new URL('../dist/core/pricing/price-of.js', import.meta.url).href);

const settings = {
  url: undefined,
  syncIntervalSeconds: 86_400,
  fetchTimeoutMs: 30_000,
  startupWaitMs: 5_000,
  retryAfterFailureMs: 600_000,
  overrides: [],
  providerFamilies: {},
};
const usage = {
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 200, cache_creation_tokens: 100 },
  completion_tokens_details: { reasoning_tokens: 50 },
};
const libraryUsage = { input_tokens: 1200, output_tokens: 300, cache_read_tokens: 200, cache_write_tokens: 100, output_reasoning_tokens: 50 };
const MODELS = [
  ['openai', 'openai', 'gpt-4o-mini'],
  ['anthropic', 'anthropic', 'claude-sonnet-4-5-20250929'],
  ['bedrock', 'aws', 'us.anthropic.claude-3-haiku-20240307-v1:0'],
  ['openrouter', 'openrouter', 'openai/gpt-4o-mini'],
];
const ROUNDS = 200_000;

function microseconds(run, rounds) {
  for (let i = 0; i < Math.min(rounds, 20_000); i++) run(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) run(i);
  return Number(process.hrtime.bigint() - started) / rounds / 1000;
}

const catalog = createPriceCatalog(settings, pino({ level: 'silent' }));
let sink = 0;
console.log('model | priceOf warm µs | first resolution µs | genai-prices calcPrice µs');
for (const [provider, tableProvider, model] of MODELS) {
  const warm = microseconds(() => (sink += priceOf(catalog, { provider, model, requestType: 'chat_completion', usage }) ?? 0), ROUNDS);
  const first = microseconds(
    () => (sink += priceOf(createPriceCatalog(settings, pino({ level: 'silent' })), { provider, model, requestType: 'chat_completion', usage }) ?? 0),
    2_000,
  );
  const library = microseconds(() => (sink += calcPrice(libraryUsage, model, { providerId: tableProvider })?.total_price ?? 0), 20_000);
  console.log(`${provider}/${model} | ${warm.toFixed(2)} | ${first.toFixed(1)} | ${library.toFixed(1)}`);
}
if (sink < 0) console.log(sink);
