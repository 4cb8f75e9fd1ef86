import type { ServerResponse } from "node:http";
import type { BifrostError } from "../../schema/error.js";
import { GatewayFailure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { ResourceOperation } from "../../schema/resource-operation.js";
import type { CanonicalBatch } from "../../schema/resources.js";
import { anthropicErrorBody } from "../../integrations/anthropic/anthropic-error-response.js";
import { toAnthropicBatchList, toAnthropicMessageBatch } from "../../integrations/anthropic/convert-message-batch.js";
import { readJsonBody } from "../read-body.js";
import { sendJson } from "../respond.js";
import { writeFrame } from "../write-frame.js";
import type { RouteContext, Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import { resourceError, resourceRequest, runResource } from "./resource-handlers.js";

const SURFACE_PROVIDER = "anthropic";
const BATCHES_PATH = "/anthropic/v1/messages/batches";

/** The Anthropic SDK's Message Batches, served by the anthropic provider, in Anthropic's shapes (errors too). */
export function addAnthropicBatchRoutes(router: Router, options: InferenceOptions): void {
  router.add("POST", BATCHES_PATH, createHandler(options));
  router.add("GET", BATCHES_PATH, batchHandler("batch_list", options));
  router.add("GET", `${BATCHES_PATH}/{id}`, batchHandler("batch_retrieve", options));
  router.add("POST", `${BATCHES_PATH}/{id}/cancel`, batchHandler("batch_cancel", options));
  router.add("GET", `${BATCHES_PATH}/{id}/results`, resultsHandler(options));
}

function createHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const raw = await readJsonBody(ctx.req, options.bodyLimits);
    if (raw instanceof GatewayFailure) return sendAnthropicError(ctx.res, raw.body);
    if (!isRecord(raw) || !Array.isArray(raw["requests"]) || raw["requests"].length === 0) {
      return sendAnthropicError(
        ctx.res,
        resourceError(
          "batch_create",
          { status: 400, message: "requests: a non-empty array of {custom_id, params} is required", param: "requests" },
          SURFACE_PROVIDER,
        ),
      );
    }
    await answerBatch(ctx, options, "batch_create", { requests: raw["requests"] });
  };
}

function batchHandler(op: ResourceOperation, options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    ctx.req.resume();
    await answerBatch(ctx, options, op);
  };
}

async function answerBatch(ctx: RouteContext, options: InferenceOptions, op: ResourceOperation, body?: JsonObject): Promise<void> {
  const result = await runResource(options.engine, resourceRequest(ctx, op, SURFACE_PROVIDER, body ? { body } : {}));
  if (result === undefined) return void ctx.res.destroy();
  if (!("kind" in result)) return sendAnthropicError(ctx.res, result);
  if (result.kind !== "json")
    return sendAnthropicError(ctx.res, resourceError(op, { status: 502, message: `${op} answered with bytes, not a batch` }, SURFACE_PROVIDER));
  const resultsUrl = (id: string): string => `${originOf(ctx)}${BATCHES_PATH}/${encodeURIComponent(id)}/results`;
  const answer =
    op === "batch_list"
      ? toAnthropicBatchList(result.body, resultsUrl)
      : toAnthropicMessageBatch(result.body as CanonicalBatch, resultsUrl(String(result.body["id"])));
  sendJson(ctx.res, 200, answer);
}

/** Results as Anthropic serves them: JSONL, one `{custom_id, result}` per line. */
function resultsHandler(options: InferenceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    ctx.req.resume();
    const result = await runResource(options.engine, resourceRequest(ctx, "batch_results", SURFACE_PROVIDER));
    if (result === undefined) return void ctx.res.destroy();
    if (!("kind" in result)) return sendAnthropicError(ctx.res, result);
    const results = result.kind === "json" && Array.isArray(result.body["results"]) ? result.body["results"] : [];
    await writeJsonLines(ctx.res, results);
  };
}

async function writeJsonLines(res: ServerResponse, lines: readonly unknown[]): Promise<void> {
  res.writeHead(200, { "content-type": "application/x-jsonl" });
  for (const line of lines) {
    if (res.destroyed) return;
    await writeFrame(res, `${JSON.stringify(line)}\n`);
  }
  res.end();
}

/** The gateway's own origin as the client reached it, for URLs the SDK follows. */
function originOf(ctx: RouteContext): string {
  const forwarded = ctx.req.headers["x-forwarded-proto"];
  const proto = typeof forwarded === "string" && forwarded ? forwarded.split(",")[0]!.trim() : "http";
  return `${proto}://${ctx.req.headers.host ?? "localhost"}`;
}

function sendAnthropicError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) return void res.destroy();
  sendJson(res, err.status_code, anthropicErrorBody(err));
}
