import type { ProviderSettings } from "../config/types.js";
import type { Operation } from "../core/schema/request-type.js";
import { anthropicAdapter } from "./anthropic/adapter.js";
import { azureAdapter } from "./azure/adapter.js";
import { bedrockAdapter } from "./bedrock/adapter.js";
import { cohereAdapter } from "./cohere/adapter.js";
import { geminiAdapter } from "./gemini/gemini-adapter.js";
import { vertexAdapter } from "./gemini/vertex-adapter.js";
import { createOpenAICompatibleAdapter } from "./openai/adapter.js";
import { OPENAI_COMPATIBLE_PROVIDERS, openAICompatibleRow } from "./openai/compatible-providers.js";
import { providerServesResource, withResources } from "./resource-adapters.js";
import type { ProviderAdapter } from "./types.js";

/** Providers with a wire format of their own (one folder each). */
const NATIVE_ADAPTERS: readonly ProviderAdapter[] = [azureAdapter, anthropicAdapter, cohereAdapter, bedrockAdapter, geminiAdapter, vertexAdapter];

const builtInAdapters = new Map<string, ProviderAdapter>([
  ...OPENAI_COMPATIBLE_PROVIDERS.map((row) => [row.name, createOpenAICompatibleAdapter(row)] as const),
  ...NATIVE_ADAPTERS.map((adapter) => [adapter.name, adapter] as const),
]);

/** Provider names Iris knows without a custom_provider_config. */
export const BUILT_IN_PROVIDERS: readonly string[] = [...builtInAdapters.keys()];

/** A provider Iris knows that has no API for this file, batch or container operation (containers on groq). */
export function lacksResource(provider: string, op: Operation): boolean {
  return builtInAdapters.has(provider) && !providerServesResource(provider, op);
}

/** The adapter for a configured provider: a built-in one, or the OpenAI wire for custom providers; files, batches and containers where the provider has them. */
export function adapterFor(settings: ProviderSettings): ProviderAdapter {
  const builtIn = builtInAdapters.get(settings.name);
  if (builtIn) return withResources(builtIn);
  const family = openAICompatibleRow(settings.family);
  return withResources(createOpenAICompatibleAdapter({ name: settings.name, pathPrefix: "/v1", ...(family?.quirks ? { quirks: family.quirks } : {}) }));
}
