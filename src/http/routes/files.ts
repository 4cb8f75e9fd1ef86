import type { Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import { pathResourceHandler, renderUpload } from "./resource-handlers.js";

/** Files: multipart upload (`file`, `purpose`, optional `provider`), list, retrieve, delete, content. */
export function addFileRoutes(router: Router, prefix: string, options: InferenceOptions): void {
  const { engine } = options;
  router.add("POST", `${prefix}/files`, (ctx) => renderUpload(ctx, options, "file_upload", "the file to upload"));
  router.add("GET", `${prefix}/files`, pathResourceHandler("file_list", engine));
  router.add("GET", `${prefix}/files/{id}`, pathResourceHandler("file_retrieve", engine));
  router.add("DELETE", `${prefix}/files/{id}`, pathResourceHandler("file_delete", engine));
  router.add("GET", `${prefix}/files/{id}/content`, pathResourceHandler("file_content", engine));
}
