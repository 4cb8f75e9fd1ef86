import { pathSegment, type PathSegment } from "../upstream-url.js";

/**
 * Gemini names resources `files/abc123` and `batches/xyz`; callers see the bare id (it has to fit in
 * one URL path segment) and may write either form.
 */
export function bareResourceId(name: string, collection: "files" | "batches"): string {
  return name.startsWith(`${collection}/`) ? name.slice(collection.length + 1) : name;
}

export function resourceName(id: string, collection: "files" | "batches"): string {
  return `${collection}/${encodeURIComponent(bareResourceId(id, collection))}`;
}

/** The id of `files/abc` or `abc` as one path segment, to follow the collection the caller writes. */
export function resourceIdSegment(id: string, collection: "files" | "batches", param: string): PathSegment {
  return pathSegment(bareResourceId(id, collection), param);
}
