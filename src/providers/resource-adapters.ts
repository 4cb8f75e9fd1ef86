import type { Operation } from "../schema/request-type.js";
import { isResourceOperation } from "../schema/resource-operation.js";
import { anthropicResources } from "./anthropic/resources.js";
import { azureResources } from "./azure/resources.js";
import { geminiResources } from "./gemini/resources.js";
import { openAIResources } from "./openai/resources.js";
import type { ProviderAdapter, ResourceAdapter } from "./types.js";

/** Providers that serve files, batches or containers; every other provider serves none. */
const RESOURCE_ADAPTERS: ReadonlyMap<string, ResourceAdapter> = new Map([
  ["openai", openAIResources],
  ["azure", azureResources],
  ["anthropic", anthropicResources],
  ["gemini", geminiResources],
]);

export function providerServesResource(provider: string, op: Operation): boolean {
  return RESOURCE_ADAPTERS.get(provider)?.supports(op) ?? false;
}

/**
 * The provider's adapter with its resource operations (if any) handled by its resource adapter;
 * a custom provider names the family whose resource API it speaks.
 */
export function withResources(adapter: ProviderAdapter, family = adapter.name): ProviderAdapter {
  const resources = RESOURCE_ADAPTERS.get(family);
  return {
    ...adapter,
    supports: (op) => (isResourceOperation(op) ? (resources?.supports(op) ?? false) : adapter.supports(op)),
    buildRequest: (call) => (resources && isResourceOperation(call.op) ? resources.buildRequest(call) : adapter.buildRequest(call)),
    decodeResponse: (op, native, call) =>
      resources && isResourceOperation(op) ? resources.decodeResponse(op, native, call) : adapter.decodeResponse(op, native, call),
  };
}
