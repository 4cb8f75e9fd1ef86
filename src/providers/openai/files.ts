import { multipartUploadRequest, pathId, withQuery } from "../resource-request.js";
import type { ProviderCall, UpstreamRequest } from "../types.js";
import type { OpenAIResourceApi } from "./resource-api.js";

/** OpenAI's Files API: multipart upload (`file` + `purpose`), list, retrieve, delete, content. */
export function openAIFileRequest(call: ProviderCall, api: OpenAIResourceApi): UpstreamRequest {
  const files = `${api.root}/files`;
  switch (call.op) {
    case "file_upload":
      return multipartUploadRequest(files, api.headers, call);
    case "file_list":
      return { method: "GET", url: withQuery(files, call.query), headers: api.headers };
    case "file_retrieve":
      return { method: "GET", url: `${files}/${pathId(call)}`, headers: api.headers };
    case "file_delete":
      return { method: "DELETE", url: `${files}/${pathId(call)}`, headers: api.headers };
    default:
      return { method: "GET", url: `${files}/${pathId(call)}/content`, headers: api.headers, expect: "bytes" };
  }
}
