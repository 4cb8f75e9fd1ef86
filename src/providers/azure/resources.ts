import { openAIWireResources } from "../openai/resources.js";
import type { ResourceAdapter } from "../types.js";

/**
 * Azure OpenAI's files, batches and containers: the OpenAI wire under `{endpoint}/openai/v1` (the
 * v1 API needs no api-version), authenticated with the key's `api-key` header.
 */
export const azureResources: ResourceAdapter = openAIWireResources((call) => {
  const endpoint = call.key.azure?.endpoint ?? call.settings.baseUrl;
  // Config validation requires an endpoint per Azure key or a provider base_url.
  if (!endpoint) throw new Error("azure key has no endpoint");
  return { root: `${endpoint.replace(/\/+$/, "")}/openai/v1`, headers: { ...call.settings.extraHeaders, "api-key": call.key.value } };
});
