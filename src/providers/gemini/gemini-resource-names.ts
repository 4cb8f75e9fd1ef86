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
