import { isRecord } from "../../schema/json.js";
import { isResourceOperation } from "../../schema/resource-operation.js";
import type { ProviderCall, ResourceAdapter } from "../types.js";
import { upstreamBase, upstreamUrl } from "../upstream-url.js";
import { decodeOpenAIBatch, openAIBatchRequest } from "./batches.js";
import { openAIContainerRequest } from "./containers.js";
import { openAIFileRequest } from "./files.js";
import type { OpenAIResourceApi } from "./resource-api.js";

/** Files, batches, containers and container files on the OpenAI wire, wherever `apiOf` says it lives. */
export function openAIWireResources(apiOf: (call: ProviderCall) => OpenAIResourceApi): ResourceAdapter {
  return {
    supports: isResourceOperation,
    buildRequest(call) {
      const api = apiOf(call);
      if (call.op.startsWith("file_")) return openAIFileRequest(call, api);
      if (call.op.startsWith("batch_")) return openAIBatchRequest(call, api);
      return openAIContainerRequest(call, api);
    },
    decodeResponse(op, native, call) {
      if (op.startsWith("batch_")) return decodeOpenAIBatch(op, native, call);
      return isRecord(native) ? native : { value: native };
    },
  };
}

const OPENAI_BASE_URL = "https://api.openai.com";

/** OpenAI itself: `{base_url}/v1`, bearer key. */
export const openAIResources: ResourceAdapter = openAIWireResources((call) => ({
  root: upstreamUrl`${upstreamBase(call.settings.baseUrl ?? OPENAI_BASE_URL)}/v1`,
  headers: { ...call.settings.extraHeaders, authorization: `Bearer ${call.key.value}` },
}));
