import { multipartUploadRequest, pathId } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { upstreamUrl, withQuery } from "../upstream-url.js";
import type { OpenAIResourceApi } from "./resource-api.js";

/** OpenAI's Files API: multipart upload (`file` + `purpose`), list, retrieve, delete, content. */
export function openAIFileRequest(call: ProviderCall, api: OpenAIResourceApi): BuiltUpstreamRequest {
  const files = upstreamUrl`${api.root}/files`;
  switch (call.op) {
    case "file_upload":
      return multipartUploadRequest(files, api.headers, call);
    case "file_list":
      return { method: "GET", url: withQuery(files, call.query), headers: api.headers };
    case "file_retrieve":
      return { method: "GET", url: upstreamUrl`${files}/${pathId(call)}`, headers: api.headers };
    case "file_delete":
      return { method: "DELETE", url: upstreamUrl`${files}/${pathId(call)}`, headers: api.headers };
    default:
      return { method: "GET", url: upstreamUrl`${files}/${pathId(call)}/content`, headers: api.headers, expect: "bytes" };
  }
}
