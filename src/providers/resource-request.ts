import { failure } from "../schema/error.js";
import type { Operation } from "../schema/request-type.js";
import { isResourceOperation, resourceFamilyOf } from "../schema/resource-operation.js";
import { multipartUploadStream, type FormFields } from "./multipart-body.js";
import type { UploadedPart } from "../schema/uploads.js";
import type { BuiltUpstreamRequest, HttpMethod, ProviderCall } from "./types.js";
import { pathSegment, type PathSegment, type UpstreamUrl } from "./upstream-url.js";

// Small pieces every provider's resource requests share: JSON bodies, path ids, uploads.

export function jsonRequest(method: HttpMethod, url: UpstreamUrl, headers: Record<string, string>, body: Record<string, unknown>): BuiltUpstreamRequest {
  return { method, url, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) };
}

const ID_PARAMS = { files: "file_id", batches: "batch_id", containers: "container_id" } as const;

/** The name a caller knows the resource id of an operation by (`file_id`, `batch_id`, …), for errors. */
function idParamOf(op: Operation): string {
  if (isResourceOperation(op)) return ID_PARAMS[resourceFamilyOf(op)];
  return op.startsWith("responses_") ? "response_id" : "id";
}

/** The resource id of a call as one path segment (a missing one is empty, so refused by name). */
export function pathId(call: ProviderCall): PathSegment {
  return pathSegment(call.resourceId ?? "", idParamOf(call.op));
}

/** The container file id of a call as one path segment. */
export function childPathId(call: ProviderCall): PathSegment {
  return pathSegment(call.childId ?? "", "file_id");
}

export function requireUpload(call: ProviderCall): NonNullable<ProviderCall["upload"]> {
  if (!call.upload) throw failure({ status: 400, message: "a multipart 'file' field is required", param: "file" });
  return call.upload;
}

/**
 * Form fields of an upload (the route has already taken out `provider`), in the order the caller
 * sent them; a field sent more than once (`timestamp_granularities[]`) keeps every value.
 */
export function formFields(call: ProviderCall): Array<[string, string]> {
  return Object.entries(call.body ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).flatMap((one) => (typeof one === "string" ? [[name, one] as [string, string]] : [])),
  );
}

/** POST of a multipart form: the given fields, then the uploaded file as `file`, streamed from disk. */
export function multipartUploadRequest(
  url: UpstreamUrl,
  headers: Record<string, string>,
  call: ProviderCall,
  fields: FormFields = formFields(call),
): BuiltUpstreamRequest {
  return multipartFilesRequest(url, headers, fields, [{ field: "file", file: requireUpload(call) }]);
}

/** POST of a multipart form: the given fields, then each file part under its own field, streamed from disk. */
export function multipartFilesRequest(
  url: UpstreamUrl,
  headers: Record<string, string>,
  fields: FormFields,
  parts: readonly UploadedPart[],
): BuiltUpstreamRequest {
  const form = multipartUploadStream(
    fields,
    parts.map(({ field, file }) => ({ part: { field, filename: file.filename, contentType: file.contentType }, upload: file })),
  );
  return {
    method: "POST",
    url,
    headers: { ...headers, "content-type": form.contentType, "content-length": String(form.contentLength) },
    streamBody: form.body,
  };
}
