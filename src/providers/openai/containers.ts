import { childPathId, jsonRequest, multipartUploadRequest, pathId } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { upstreamUrl, withQuery, type UpstreamUrl } from "../upstream-url.js";
import type { OpenAIResourceApi } from "./resource-api.js";

/**
 * OpenAI's Containers API and the files inside a container. A container file is created from a
 * multipart upload (`file`, optional `file_path`) or from an existing file (`{file_id}`).
 */
export function openAIContainerRequest(call: ProviderCall, api: OpenAIResourceApi): BuiltUpstreamRequest {
  const containers = upstreamUrl`${api.root}/containers`;
  switch (call.op) {
    case "container_create":
      return jsonRequest("POST", containers, api.headers, call.body ?? {});
    case "container_list":
      return { method: "GET", url: withQuery(containers, call.query), headers: api.headers };
    case "container_retrieve":
      return { method: "GET", url: upstreamUrl`${containers}/${pathId(call)}`, headers: api.headers };
    case "container_delete":
      return { method: "DELETE", url: upstreamUrl`${containers}/${pathId(call)}`, headers: api.headers };
    default:
      return containerFileRequest(call, api, upstreamUrl`${containers}/${pathId(call)}/files`);
  }
}

function containerFileRequest(call: ProviderCall, api: OpenAIResourceApi, files: UpstreamUrl): BuiltUpstreamRequest {
  switch (call.op) {
    case "container_file_create":
      return call.upload ? multipartUploadRequest(files, api.headers, call) : jsonRequest("POST", files, api.headers, call.body ?? {});
    case "container_file_list":
      return { method: "GET", url: withQuery(files, call.query), headers: api.headers };
    case "container_file_retrieve":
      return { method: "GET", url: upstreamUrl`${files}/${childPathId(call)}`, headers: api.headers };
    case "container_file_delete":
      return { method: "DELETE", url: upstreamUrl`${files}/${childPathId(call)}`, headers: api.headers };
    default:
      return { method: "GET", url: upstreamUrl`${files}/${childPathId(call)}/content`, headers: api.headers, expect: "bytes" };
  }
}
