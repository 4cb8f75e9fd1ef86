import { failure } from "../core/schema/error.js";
import { multipartUploadStream, type FormFields } from "./multipart-body.js";
import type { HttpMethod, ProviderCall, UploadedPart, UpstreamRequest } from "./types.js";

// Small pieces every provider's resource requests share: JSON bodies, query strings, path ids, uploads.

export function jsonRequest(method: HttpMethod, url: string, headers: Record<string, string>, body: Record<string, unknown>): UpstreamRequest {
  return { method, url, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** `url?query` with the given parameters (undefined ones left out). */
export function withQuery(url: string, params: URLSearchParams | Record<string, string | undefined> | undefined): string {
  const query = new URLSearchParams();
  if (params instanceof URLSearchParams) params.forEach((value, name) => query.append(name, value));
  else for (const [name, value] of Object.entries(params ?? {})) if (value !== undefined) query.set(name, value);
  const text = query.toString();
  return text ? `${url}?${text}` : url;
}

/** The resource id of a call, encoded for a path segment. */
export function pathId(call: ProviderCall): string {
  if (!call.resourceId) throw failure({ status: 400, message: `${call.op} needs an id` });
  return encodeURIComponent(call.resourceId);
}

/** The container file id of a call, encoded for a path segment. */
export function childPathId(call: ProviderCall): string {
  if (!call.childId) throw failure({ status: 400, message: `${call.op} needs a file id` });
  return encodeURIComponent(call.childId);
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
export function multipartUploadRequest(url: string, headers: Record<string, string>, call: ProviderCall, fields: FormFields = formFields(call)): UpstreamRequest {
  return multipartFilesRequest(url, headers, fields, [{ field: "file", file: requireUpload(call) }]);
}

/** POST of a multipart form: the given fields, then each file part under its own field, streamed from disk. */
export function multipartFilesRequest(url: string, headers: Record<string, string>, fields: FormFields, parts: readonly UploadedPart[]): UpstreamRequest {
  const form = multipartUploadStream(
    fields,
    parts.map(({ field, file }) => ({ part: { field, filename: file.filename, contentType: file.contentType }, upload: file })),
  );
  return { method: "POST", url, headers: { ...headers, "content-type": form.contentType, "content-length": String(form.contentLength) }, streamBody: form.body };
}
