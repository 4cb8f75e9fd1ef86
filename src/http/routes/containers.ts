import { GatewayFailure, withErrorContext } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { readJsonBody } from "../read-body.js";
import { sendError } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import {
  DEFAULT_RESOURCE_PROVIDER,
  namedProvider,
  pathResourceHandler,
  renderResource,
  renderUpload,
  resourceError,
  resourceRequest,
} from "./resource-handlers.js";

/** Containers (create, list, retrieve, delete) and the files inside them. */
export function addContainerRoutes(router: Router, prefix: string, options: InferenceOptions): void {
  const { engine } = options;
  const containers = `${prefix}/containers`;
  router.add("POST", containers, createContainerHandler(options));
  router.add("GET", containers, pathResourceHandler("container_list", engine));
  router.add("GET", `${containers}/{id}`, pathResourceHandler("container_retrieve", engine));
  router.add("DELETE", `${containers}/{id}`, pathResourceHandler("container_delete", engine));
  router.add("POST", `${containers}/{id}/files`, createContainerFileHandler(options));
  router.add("GET", `${containers}/{id}/files`, pathResourceHandler("container_file_list", engine));
  router.add("GET", `${containers}/{id}/files/{file_id}`, pathResourceHandler("container_file_retrieve", engine));
  router.add("DELETE", `${containers}/{id}/files/{file_id}`, pathResourceHandler("container_file_delete", engine));
  router.add("GET", `${containers}/{id}/files/{file_id}/content`, pathResourceHandler("container_file_content", engine));
}

/** `{provider, name, expires_after, file_ids, memory_limit, metadata}`: provider and name are required. */
function createContainerHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendError(ctx.res, withErrorContext(raw.body, { request_type: "container_create" }));
    if (!isRecord(raw)) return sendError(ctx.res, resourceError("container_create", { status: 400, message: "request body must be a JSON object" }));
    const { provider: named, ...body } = raw;
    const provider = namedProvider(ctx, named);
    if (!provider) {
      const message = 'provider is required: name the provider that runs the container (e.g. "provider": "openai"), or send ?provider= or x-model-provider';
      return sendError(ctx.res, resourceError("container_create", { status: 400, message, param: "provider" }));
    }
    if (typeof body["name"] !== "string" || body["name"].trim() === "") {
      return sendError(
        ctx.res,
        resourceError("container_create", { status: 400, message: "name is required and must be a non-empty string", param: "name" }, provider),
      );
    }
    await renderResource(ctx.res, options.engine, resourceRequest(ctx, "container_create", provider, { body }));
  };
}

/** A container file from a multipart upload (`file`, optional `file_path`) or from an existing file (`{file_id}`). */
function createContainerFileHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const type = ctx.req.headers["content-type"] ?? "";
    if (/^application\/json\b/i.test(type)) return createFromFileId(ctx, options);
    if (!/^multipart\/form-data\b/i.test(type)) {
      ctx.req.resume();
      const message = `content-type must be multipart/form-data (a file upload) or application/json ({"file_id"}); got ${type ? `'${type}'` : "none"}`;
      return sendError(ctx.res, resourceError("container_file_create", { status: 415, message, code: "unsupported_media_type" }));
    }
    await renderUpload(ctx, options, "container_file_create", "the file to add to the container");
  };
}

async function createFromFileId(ctx: RouteContext, options: InferenceOptions): Promise<void> {
  const raw = await readJsonBody(ctx.req, options.bodyLimits);
  if (raw instanceof GatewayFailure) return sendError(ctx.res, withErrorContext(raw.body, { request_type: "container_file_create" }));
  const { provider: named, ...body } = isRecord(raw) ? raw : {};
  const provider = namedProvider(ctx, named) ?? DEFAULT_RESOURCE_PROVIDER;
  if (typeof body["file_id"] !== "string" || body["file_id"] === "") {
    return sendError(
      ctx.res,
      resourceError(
        "container_file_create",
        { status: 400, message: "file_id is required (or send the file as multipart/form-data)", param: "file_id" },
        provider,
      ),
    );
  }
  await renderResource(ctx.res, options.engine, resourceRequest(ctx, "container_file_create", provider, { body }));
}
