import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { unixSeconds, type CanonicalFile } from "../../schema/resources.js";
import { uploadStream } from "../multipart-body.js";
import { requireUpload } from "../resource-request.js";
import type { BuiltUpstreamRequest, ProviderCall } from "../types.js";
import { answeredUrl, upstreamUrl, withQuery, type PathSegment, type UpstreamUrl } from "../upstream-url.js";
import { bareResourceId, resourceIdSegment } from "./gemini-resource-names.js";

/** Gemini's File resource. Sizes are int64 written as strings. */
interface GeminiFile {
  name: string;
  displayName?: string;
  mimeType?: string;
  sizeBytes?: string;
  createTime?: string;
  expirationTime?: string;
  uri?: string;
  state?: "STATE_UNSPECIFIED" | "PROCESSING" | "ACTIVE" | "FAILED";
}

const FILE_STATUS: Readonly<Record<string, string>> = { PROCESSING: "processing", ACTIVE: "processed", FAILED: "error" };

/**
 * Gemini's Files API. An upload uses Google's resumable protocol: a `start` request announces the
 * size and type and answers with an upload URL; the bytes then go there with `upload, finalize`.
 * Content is downloaded from `/download/v1beta/files/{id}:download?alt=media`.
 */
export function geminiFileRequest(call: ProviderCall, origin: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  switch (call.op) {
    case "file_upload":
      return startResumableUpload(call, origin, headers);
    case "file_list": {
      const query = { pageSize: call.query?.get("limit") ?? undefined, pageToken: call.query?.get("after") ?? undefined };
      return { method: "GET", url: withQuery(upstreamUrl`${origin}/v1beta/files`, query), headers };
    }
    case "file_retrieve":
      return { method: "GET", url: upstreamUrl`${origin}/v1beta/files/${fileId(call)}`, headers };
    case "file_delete":
      return { method: "DELETE", url: upstreamUrl`${origin}/v1beta/files/${fileId(call)}`, headers };
    default:
      return { method: "GET", url: upstreamUrl`${origin}/download/v1beta/files/${fileId(call)}:download?alt=media`, headers, expect: "bytes" };
  }
}

function startResumableUpload(call: ProviderCall, origin: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const upload = requireUpload(call);
  const displayName = typeof call.body?.["display_name"] === "string" ? call.body["display_name"] : upload.filename;
  return {
    method: "POST",
    url: upstreamUrl`${origin}/upload/v1beta/files`,
    headers: {
      ...headers,
      "content-type": "application/json",
      "x-goog-upload-protocol": "resumable",
      "x-goog-upload-command": "start",
      "x-goog-upload-header-content-length": String(upload.bytes),
      "x-goog-upload-header-content-type": upload.contentType,
    },
    body: JSON.stringify({ file: { display_name: displayName } }),
    next: ({ headers: answer }) => {
      const url = answer["x-goog-upload-url"];
      if (typeof url !== "string" || !url) throw failure({ status: 502, message: "Gemini answered the upload start without an x-goog-upload-url header" });
      return {
        method: "POST",
        url: answeredUrl(url, "x-goog-upload-url"),
        headers: { ...headers, "content-length": String(upload.bytes), "x-goog-upload-offset": "0", "x-goog-upload-command": "upload, finalize" },
        streamBody: uploadStream(upload),
      };
    },
  };
}

function fileId(call: ProviderCall): PathSegment {
  return resourceIdSegment(call.resourceId ?? "", "files", "file_id");
}

export function decodeGeminiFile(op: Operation, native: unknown, call: ProviderCall): JsonObject {
  if (!isRecord(native)) return { value: native };
  if (op === "file_delete") return { id: call.resourceId, object: "file", deleted: true };
  if (op === "file_upload") return isRecord(native["file"]) ? canonicalFile(native["file"] as unknown as GeminiFile) : native;
  if (op !== "file_list") return canonicalFile(native as unknown as GeminiFile);
  const files = Array.isArray(native["files"]) ? native["files"].filter(isRecord) : [];
  const token = typeof native["nextPageToken"] === "string" && native["nextPageToken"] ? native["nextPageToken"] : undefined;
  return {
    object: "list",
    data: files.map((f) => canonicalFile(f as unknown as GeminiFile)),
    has_more: token !== undefined,
    ...(token ? { after: token } : {}),
  };
}

function canonicalFile(file: GeminiFile): CanonicalFile {
  return {
    id: bareResourceId(file.name, "files"),
    object: "file",
    bytes: Number(file.sizeBytes ?? 0),
    created_at: unixSeconds(file.createTime) ?? 0,
    filename: file.displayName ?? file.name,
    purpose: "user_data",
    status: FILE_STATUS[file.state ?? ""] ?? "uploaded",
    expires_at: unixSeconds(file.expirationTime) ?? null,
    ...(file.mimeType ? { mime_type: file.mimeType } : {}),
    ...(file.uri ? { uri: file.uri } : {}),
  };
}
