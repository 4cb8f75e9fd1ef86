import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { unixSeconds, type CanonicalFile } from "../../schema/resources.js";
import { multipartUploadRequest, pathId } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { upstreamUrl, withQuery, type UpstreamUrl } from "../upstream-url.js";
import { anthropicPageQuery } from "./anthropic-page-query.js";

/** The Files API is in beta: every call carries this `anthropic-beta` value. */
const ANTHROPIC_FILES_BETA = "files-api-2025-04-14";

/** Anthropic's file object (`GET /v1/files/{id}`). */
interface AnthropicFile {
  id: string;
  type: "file";
  filename: string;
  mime_type: string;
  size_bytes: number;
  created_at: string;
  downloadable?: boolean;
}

/** Anthropic's Files API: upload (multipart `file`), list, retrieve, delete, content. */
export function anthropicFileRequest(call: ProviderCall, base: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const files = upstreamUrl`${base}/v1/files`;
  const beta = { ...headers, "anthropic-beta": ANTHROPIC_FILES_BETA };
  switch (call.op) {
    case "file_upload":
      return multipartUploadRequest(files, beta, call, []);
    case "file_list":
      return { method: "GET", url: withQuery(files, anthropicPageQuery(call.query)), headers: beta };
    case "file_retrieve":
      return { method: "GET", url: upstreamUrl`${files}/${pathId(call)}`, headers: beta };
    case "file_delete":
      return { method: "DELETE", url: upstreamUrl`${files}/${pathId(call)}`, headers: beta };
    default:
      return { method: "GET", url: upstreamUrl`${files}/${pathId(call)}/content`, headers: beta, expect: "bytes" };
  }
}

export function decodeAnthropicFile(op: Operation, native: unknown): JsonObject {
  if (!isRecord(native)) return { value: native };
  if (op === "file_delete") return { id: native["id"], object: "file", deleted: native["type"] === "file_deleted" };
  if (op !== "file_list") return canonicalFile(native as unknown as AnthropicFile);
  const data = Array.isArray(native["data"]) ? native["data"].filter(isRecord).map((f) => canonicalFile(f as unknown as AnthropicFile)) : [];
  return { object: "list", data, first_id: native["first_id"] ?? null, last_id: native["last_id"] ?? null, has_more: native["has_more"] === true };
}

function canonicalFile(file: AnthropicFile): CanonicalFile {
  return {
    id: file.id,
    object: "file",
    bytes: file.size_bytes,
    created_at: unixSeconds(file.created_at) ?? 0,
    filename: file.filename,
    purpose: "user_data",
    status: "processed",
    mime_type: file.mime_type,
    downloadable: file.downloadable ?? false,
  };
}
