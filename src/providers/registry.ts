import type { ProviderSettings } from "../config/types.js";
import { requestTypeOf, type Operation } from "../schema/request-type.js";
import { anthropicAdapter } from "./anthropic/adapter.js";
import { azureAdapter } from "./azure/adapter.js";
import { bedrockAdapter } from "./bedrock/adapter.js";
import { cohereAdapter } from "./cohere/adapter.js";
import { geminiAdapter } from "./gemini/gemini-adapter.js";
import { vertexAdapter } from "./gemini/vertex-adapter.js";
import { createOpenAICompatibleAdapter } from "./openai/adapter.js";
import { OPENAI_COMPATIBLE_PROVIDERS, openAICompatibleRow } from "./openai/compatible-providers.js";
import { providerServesResource, withResources } from "./resource-adapters.js";
import { sseFramer } from "./stream.js";
import type { ProviderAdapter, StreamFraming } from "./types.js";
import { trustedPath, upstreamBase, upstreamUrl, withQueryOf } from "./upstream-url.js";

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

/**
 * The adapter for a configured provider: a built-in one, or for a custom provider everything its
 * base family's wire serves (narrowed by `allowed_requests` in the engine, paths moved by
 * `request_path_overrides`); files, batches and containers where the family has them.
 */
export function adapterFor(settings: ProviderSettings): ProviderAdapter {
  const builtIn = builtInAdapters.get(settings.name);
  if (builtIn) return withResources(builtIn);
  const family = openAICompatibleRow(settings.family);
  const adapter = createOpenAICompatibleAdapter({
    name: settings.name,
    pathPrefix: "/v1",
    // Token counting stays local: few OpenAI-compatible servers have /responses/input_tokens.
    servesSpeech: true,
    servesImageGeneration: true,
    servesTranscription: true,
    servesImageEdit: true,
    ...(family?.quirks ? { quirks: family.quirks } : {}),
  });
  return withPathOverrides(withResources(adapter, settings.family));
}

/**
 * `request_path_overrides`: the path under `base_url` (or the whole URL) a request type goes to
 * instead of the wire's own, as Bifrost appends it; the query string is kept.
 */
function withPathOverrides(adapter: ProviderAdapter): ProviderAdapter {
  return {
    ...adapter,
    buildRequest(call) {
      const request = adapter.buildRequest(call);
      const override = call.settings.requestPathOverrides?.[requestTypeOf(call.op, call.stream)];
      // A path that names a resource (`/files/{id}`) has no single replacement.
      if (!override || call.resourceId !== undefined) return request;
      // Config loading leaves each override a path with a leading slash or a whole URL.
      const url = override.startsWith("/") ? upstreamUrl`${upstreamBase(call.settings.baseUrl ?? "")}${trustedPath(override)}` : trustedPath(override);
      return { ...request, url: withQueryOf(url, request.url) };
    },
  };
}

/** How an adapter's stream is split into events: its own framing (AWS event-stream), else SSE. */
export function streamFramingOf(adapter: ProviderAdapter): StreamFraming {
  return adapter.streamFraming ?? sseFramer;
}
