/**
 * Operations on non-model resources (files, batches, containers, container files), named as Bifrost
 * names their request types. They address a provider, not a model.
 */
export const RESOURCE_OPERATIONS = [
  "file_upload",
  "file_list",
  "file_retrieve",
  "file_delete",
  "file_content",
  "batch_create",
  "batch_list",
  "batch_retrieve",
  "batch_cancel",
  "batch_results",
  "container_create",
  "container_list",
  "container_retrieve",
  "container_delete",
  "container_file_create",
  "container_file_list",
  "container_file_retrieve",
  "container_file_content",
  "container_file_delete",
] as const;

export type ResourceOperation = (typeof RESOURCE_OPERATIONS)[number];

const RESOURCE_OPERATION_SET: ReadonlySet<string> = new Set(RESOURCE_OPERATIONS);

export function isResourceOperation(op: string): op is ResourceOperation {
  return RESOURCE_OPERATION_SET.has(op);
}

/** What a resource operation works on, for messages like "provider 'groq' does not support containers". */
export function resourceFamilyOf(op: ResourceOperation): "files" | "batches" | "containers" {
  if (op.startsWith("container_")) return "containers";
  if (op.startsWith("batch_")) return "batches";
  return "files";
}

/** File and batch operations: what providers without a containers API (Anthropic, Gemini) serve. */
export function isFileOrBatchOperation(op: string): boolean {
  return isResourceOperation(op) && resourceFamilyOf(op) !== "containers";
}
