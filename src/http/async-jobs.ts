import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AsyncJobRunner } from "../core/async-jobs/async-job-runner.js";
import { jobOwnerHash } from "../core/async-jobs/job-owner.js";
import { jobRequestOf } from "../core/async-jobs/job-request.js";
import type { EngineRequest } from "../core/engine-request.js";
import { parseModelString } from "../core/routing/model-string.js";
import { gatewayError, type BifrostError } from "../schema/error.js";
import type { JsonObject } from "../schema/json.js";
import { requestTypeOf, type Operation, type RequestType } from "../schema/request-type.js";
import type { AsyncJobRecord } from "../stores/job-store.js";
import { sendError, sendJson } from "./respond.js";
import type { RouteContext } from "./router.js";

/**
 * Async inference on the HTTP side: `/v1/async/*` submissions, and the `x-bf-async` (submit) /
 * `x-bf-async-id` (poll) headers on the OpenAI-shaped chat and responses routes.
 */

/** Whose job it is: the first of these headers present (the virtual key, when those exist). */
const CREDENTIAL_HEADERS = ["x-bf-vk", "authorization", "x-api-key", "x-goog-api-key"] as const;

/** Operations the `x-bf-async` headers work on. */
const HEADER_ASYNC_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>(["chat", "responses"]);

export type AsyncIntent =
  /** `job`: a `/v1/async/*` route, answered with the job (202); `inline`: `x-bf-async`, answered in the route's own shape. */
  { kind: "submit"; style: "job" | "inline" } | { kind: "poll"; id: string } | { kind: "refuse"; error: BifrostError };

/** What an inference request asks of async jobs, if anything. */
export function asyncIntentOf(op: Operation, headers: IncomingHttpHeaders, asyncRoute: boolean): AsyncIntent | undefined {
  if (asyncRoute) return { kind: "submit", style: "job" };
  const pollId = headerValue(headers, "x-bf-async-id");
  const submit = headerValue(headers, "x-bf-async")?.toLowerCase() === "true";
  if (!pollId && !submit) return undefined;
  if (!HEADER_ASYNC_OPERATIONS.has(op)) {
    const requestType = requestTypeOf(op, false);
    const message = `x-bf-async and x-bf-async-id work on chat completions and responses, not on ${requestType}`;
    return { kind: "refuse", error: gatewayError({ status: 400, message, extra: { request_type: requestType } }) };
  }
  return pollId ? { kind: "poll", id: pollId } : { kind: "submit", style: "inline" };
}

/** Answers `x-bf-async-id` (or a refusal) without reading the body, as Bifrost does. */
export async function answerAsyncPoll(ctx: RouteContext, jobs: AsyncJobRunner, op: Operation, intent: Exclude<AsyncIntent, { kind: "submit" }>): Promise<void> {
  ctx.req.resume();
  if (intent.kind === "refuse") return sendError(ctx.res, intent.error);
  const requestType = requestTypeOf(op, false);
  const job = await jobs.find(intent.id, jobOwnerOf(ctx.req.headers), requestType);
  if (!job) return sendError(ctx.res, jobNotFound(requestType));
  sendInline(ctx.res, job);
}

/** Stores the validated request as a job (durable before the answer) and answers with it. */
export async function submitAsyncJob(ctx: RouteContext, jobs: AsyncJobRunner, style: "job" | "inline", request: EngineRequest): Promise<void> {
  const requestType = requestTypeOf(request.op, false);
  if (request.stream) {
    const extra = { request_type: requestType, ...(request.model ? { model_requested: request.model } : {}) };
    return sendError(ctx.res, gatewayError({ status: 400, message: "stream is not supported for async requests", param: "stream", extra }));
  }
  const job = await jobs.submit({
    ownerHash: jobOwnerOf(ctx.req.headers),
    requestType,
    request: jobRequestOf(request),
    ...resultTtlOf(ctx.req.headers),
  });
  if (style === "job") return sendJson(ctx.res, 202, jobEnvelope(job));
  sendInline(ctx.res, job);
}

/** Bifrost's AsyncJobResponse: `{id, status, expires_at?, created_at, completed_at?, status_code?, result?, error?}`. */
export function jobEnvelope(job: AsyncJobRecord): JsonObject {
  const out: JsonObject = { id: job.id, status: job.status };
  if (job.expiresAt !== null) out["expires_at"] = isoTime(job.expiresAt);
  out["created_at"] = isoTime(job.createdAt);
  if (job.completedAt !== null) out["completed_at"] = isoTime(job.completedAt);
  if (job.statusCode !== null) out["status_code"] = job.statusCode;
  if (job.result !== null) out["result"] = job.result;
  if (job.error !== null) out["error"] = job.error;
  return out;
}

/** Same answer for unknown, expired, other-credential and other-type ids: nothing says the job exists. */
export function jobNotFound(requestType: RequestType): BifrostError {
  return gatewayError({ status: 404, message: "async job not found or expired", extra: { request_type: requestType } });
}

export function jobOwnerOf(headers: IncomingHttpHeaders): string {
  for (const name of CREDENTIAL_HEADERS) {
    const value = headerValue(headers, name);
    if (value) return jobOwnerHash(value);
  }
  return jobOwnerHash("");
}

/** `x-bf-async-job-result-ttl`: whole seconds; anything else leaves the configured default. */
function resultTtlOf(headers: IncomingHttpHeaders): { resultTtlSeconds?: number } {
  const value = headerValue(headers, "x-bf-async-job-result-ttl")?.trim();
  return value && /^\d+$/.test(value) ? { resultTtlSeconds: Number(value) } : {};
}

/**
 * The SDK route's own shape: the finished result, the failure as its BifrostError, or while the
 * job runs an empty object of the route's type whose `id` is the job id.
 */
function sendInline(res: ServerResponse, job: AsyncJobRecord): void {
  if (job.status === "completed" && job.result) return sendJson(res, 200, job.result);
  if (job.status === "failed" && job.error) return sendError(res, job.error);
  sendJson(res, 200, runningPlaceholder(job));
}

function runningPlaceholder(job: AsyncJobRecord): JsonObject {
  const model = typeof job.request["model"] === "string" ? job.request["model"] : "";
  const defaultProvider = typeof job.request["defaultProvider"] === "string" ? job.request["defaultProvider"] : undefined;
  const ref = parseModelString(model, defaultProvider);
  const extraFields = { request_type: job.requestType, provider: ref?.provider ?? "", model_requested: ref?.model ?? model, async_job: jobEnvelope(job) };
  const createdSeconds = Math.floor(job.createdAt / 1000);
  if (job.requestType === "responses") {
    return { id: job.id, object: "response", created_at: createdSeconds, status: job.status, model, output: [], extra_fields: extraFields };
  }
  return { id: job.id, object: "chat.completion", created: createdSeconds, model, choices: [], extra_fields: extraFields };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" && value ? value : undefined;
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
