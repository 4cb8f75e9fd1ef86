import { openAIWireResources } from "../openai/resources.js";
import type { ResourceAdapter } from "../types.js";
import { upstreamUrl } from "../upstream-url.js";
import { endpointOf } from "./adapter.js";

/**
 * Azure OpenAI's files, batches and containers: the OpenAI wire under `{endpoint}/openai/v1` (the
 * v1 API needs no api-version), authenticated with the key's `api-key` header.
 */
export const azureResources: ResourceAdapter = openAIWireResources((call) => ({
  root: upstreamUrl`${endpointOf(call)}/openai/v1`,
  headers: { ...call.settings.extraHeaders, "api-key": call.key.value },
}));
