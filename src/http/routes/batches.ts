import type { EngineRequest } from "../../core/engine-request.js";
import { parseModelString } from "../../core/routing/model-string.js";
import { GatewayFailure, withErrorContext, type BifrostError } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { readJsonBody } from "../read-body.js";
import { sendError } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import { DEFAULT_RESOURCE_PROVIDER, namedProvider, pathResourceHandler, renderResource, resourceError, resourceRequest } from "./resource-handlers.js";

/** Batches: create, list, retrieve, cancel, and results (the output JSONL, read line by line). */
export function addBatchRoutes(router: Router, prefix: string, options: InferenceOptions): void {
  const { engine } = options;
  router.add("POST", `${prefix}/batches`, createBatchHandler(options));
  router.add("GET", `${prefix}/batches`, pathResourceHandler("batch_list", engine));
  router.add("GET", `${prefix}/batches/{id}`, pathResourceHandler("batch_retrieve", engine));
  router.add("POST", `${prefix}/batches/{id}/cancel`, pathResourceHandler("batch_cancel", engine));
  router.add("GET", `${prefix}/batches/{id}/results`, pathResourceHandler("batch_results", engine));
}

function createBatchHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendError(ctx.res, withErrorContext(raw.body, { request_type: "batch_create" }));
    const request = batchCreateRequest(ctx, raw);
    if ("error" in request) return sendError(ctx.res, request);
    await renderResource(ctx.res, options.engine, request);
  };
}

/**
 * OpenAI's form (`input_file_id`, `endpoint`, `completion_window`, `metadata`) or inline `requests`
 * (Anthropic's `{custom_id, params}`, or `{custom_id, body}` chat requests). `model` may be
 * `provider/model`; its provider serves the batch unless `provider` names another.
 */
function batchCreateRequest(ctx: RouteContext, raw: unknown): EngineRequest | BifrostError {
  if (!isRecord(raw)) return resourceError("batch_create", { status: 400, message: "request body must be a JSON object" });
  const { provider: named, model, ...body } = raw;
  if (model !== undefined && typeof model !== "string") {
    return resourceError("batch_create", { status: 400, message: "model must be a string like openai/gpt-4o-mini", param: "model" });
  }
  const ref = model ? parseModelString(model) : undefined;
  const provider = namedProvider(ctx, named) ?? ref?.provider ?? DEFAULT_RESOURCE_PROVIDER;
  const bareModel = ref && ref.provider === provider ? ref.model : model;
  const hasFile = typeof body["input_file_id"] === "string" && body["input_file_id"] !== "";
  const hasRequests = Array.isArray(body["requests"]) && body["requests"].length > 0;
  if (!hasFile && !hasRequests) {
    const message = "a batch needs input_file_id (an uploaded JSONL file) or a non-empty requests array";
    return resourceError("batch_create", { status: 400, message, param: "input_file_id" }, provider);
  }
  // The provider named explicitly serves the batch, whatever the model's prefix says.
  return resourceRequest(ctx, "batch_create", provider, { body, ...(bareModel ? { model: `${provider}/${bareModel}` } : {}) });
}
