import type { ProviderSettings } from "../config/types.js";
import { azureAdapter } from "./azure/adapter.js";
import { createOpenAICompatibleAdapter } from "./openai/adapter.js";
import { OPENAI_COMPATIBLE_PROVIDERS, openAICompatibleRow } from "./openai/compatible-providers.js";
import type { ProviderAdapter } from "./types.js";

/** Provider names Iris knows without a custom_provider_config. */
export const BUILT_IN_PROVIDERS: readonly string[] = [...OPENAI_COMPATIBLE_PROVIDERS.map((r) => r.name), "azure"];

const builtInAdapters = new Map<string, ProviderAdapter>([
  ...OPENAI_COMPATIBLE_PROVIDERS.map((row) => [row.name, createOpenAICompatibleAdapter(row)] as const),
  ["azure", azureAdapter],
]);

/** The adapter for a configured provider: a built-in one, or the OpenAI wire for custom providers. */
export function adapterFor(settings: ProviderSettings): ProviderAdapter {
  const builtIn = builtInAdapters.get(settings.name);
  if (builtIn) return builtIn;
  const family = openAICompatibleRow(settings.family);
  return createOpenAICompatibleAdapter({ name: settings.name, pathPrefix: "/v1", ...(family?.quirks ? { quirks: family.quirks } : {}) });
}
