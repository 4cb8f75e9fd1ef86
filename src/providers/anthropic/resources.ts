import { DEFAULTS } from "../../config/defaults.js";
import { isFileOrBatchOperation } from "../../schema/resource-operation.js";
import type { ProviderCall, ResourceAdapter } from "../types.js";
import { upstreamBase } from "../upstream-url.js";
import { anthropicFileRequest, decodeAnthropicFile } from "./files.js";
import { anthropicBatchRequest, decodeAnthropicBatch } from "./message-batches.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com";

/** Anthropic's Files API (beta) and Message Batches API; Anthropic has no containers API. */
export const anthropicResources: ResourceAdapter = {
  supports: isFileOrBatchOperation,
  buildRequest(call) {
    const base = upstreamBase(call.settings.baseUrl ?? DEFAULT_BASE_URL);
    const headers = anthropicHeaders(call);
    return call.op.startsWith("file_") ? anthropicFileRequest(call, base, headers) : anthropicBatchRequest(call, base, headers);
  },
  decodeResponse: (op, native, call) => (op.startsWith("file_") ? decodeAnthropicFile(op, native) : decodeAnthropicBatch(op, native, call)),
};

function anthropicHeaders(call: ProviderCall): Record<string, string> {
  return { "anthropic-version": DEFAULTS.anthropicVersion, ...call.settings.extraHeaders, "x-api-key": call.key.value };
}
