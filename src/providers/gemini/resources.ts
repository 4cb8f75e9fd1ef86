import { isFileOrBatchOperation } from "../../schema/resource-operation.js";
import type { ResourceAdapter } from "../types.js";
import { upstreamBase } from "../upstream-url.js";
import { decodeGeminiBatch, geminiBatchRequest } from "./batches.js";
import { decodeGeminiFile, geminiFileRequest } from "./files.js";

const GEMINI_ORIGIN = "https://generativelanguage.googleapis.com";

/** Gemini's Files API and batch mode; Gemini has no containers API. */
export const geminiResources: ResourceAdapter = {
  supports: isFileOrBatchOperation,
  buildRequest(call) {
    const origin = upstreamBase(call.settings.baseUrl ?? GEMINI_ORIGIN);
    const headers = { ...call.settings.extraHeaders, "x-goog-api-key": call.key.value };
    return call.op.startsWith("file_") ? geminiFileRequest(call, origin, headers) : geminiBatchRequest(call, origin, headers);
  },
  decodeResponse: (op, native, call) => (op.startsWith("file_") ? decodeGeminiFile(op, native, call) : decodeGeminiBatch(op, native, call)),
};
