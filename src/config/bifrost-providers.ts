/**
 * The provider names Bifrost's config.json knows (`providers` in transports/config.schema.json of
 * maximhq/bifrost). A config naming one that Iris does not serve yet still loads: that provider is
 * left out and listed at start-up, as any other field Iris does not act on yet.
 */
export const BIFROST_PROVIDER_NAMES: ReadonlySet<string> = new Set([
  "openai",
  "anthropic",
  "bedrock",
  "bedrock_mantle",
  "cohere",
  "azure",
  "vertex",
  "mistral",
  "ollama",
  "groq",
  "gemini",
  "opencode-go",
  "opencode-zen",
  "openrouter",
  "sgl",
  "parasail",
  "perplexity",
  "replicate",
  "elevenlabs",
  "deepgram",
  "cerebras",
  "deepseek",
  "vllm",
  "huggingface",
  "fireworks",
  "nebius",
  "xai",
  "runway",
  "runware",
  "sarvam",
]);
