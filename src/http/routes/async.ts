import type { AsyncJobRunner } from "../../core/async-jobs/async-job-runner.js";
import { gatewayError } from "../../core/schema/error.js";
import { requestTypeOf, type Operation } from "../../core/schema/request-type.js";
import { jobEnvelope, jobNotFound, jobOwnerOf } from "../async-jobs.js";
import { sendError, sendJson } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import { inferenceHandler, type InferenceOptions } from "./inference.js";

/** `/v1/async/<path>`: the same body as the sync route, run as a job. */
const ASYNC_OPERATIONS: ReadonlyArray<[string, Operation]> = [
  ["chat/completions", "chat"],
  ["completions", "text_completion"],
  ["responses", "responses"],
  ["embeddings", "embedding"],
  ["rerank", "rerank"],
];

/** Bifrost has these async routes; Iris has no such operation yet. */
const NOT_YET_SUPPORTED: ReadonlyArray<[string, string]> = [
  ["audio/speech", "speech"],
  ["images/generations", "image generation"],
];

/** Bifrost's async inference API, also under `/openai/v1` and `/openai` (where a bare model means openai). */
export function addAsyncRoutes(router: Router, options: InferenceOptions): void {
  for (const [prefix, surface] of [
    ["/v1/async", {}],
    ["/openai/v1/async", { defaultProvider: "openai" }],
    ["/openai/async", { defaultProvider: "openai" }],
  ] as const) {
    for (const [path, op] of ASYNC_OPERATIONS) {
      router.add("POST", `${prefix}/${path}`, inferenceHandler(op, options, { ...surface, asyncRoute: true }));
      router.add("GET", `${prefix}/${path}/{job_id}`, jobStatusHandler(op, options.asyncJobs));
    }
    for (const [path, name] of NOT_YET_SUPPORTED) {
      router.add("POST", `${prefix}/${path}`, notSupportedYet(name));
      router.add("GET", `${prefix}/${path}/{job_id}`, notSupportedYet(name));
    }
  }
}

/** 202 with the job while it is pending or processing, 200 once it completed or failed. */
function jobStatusHandler(op: Operation, jobs: AsyncJobRunner) {
  const requestType = requestTypeOf(op, false);
  return async (ctx: RouteContext): Promise<void> => {
    ctx.req.resume();
    const job = await jobs.find(ctx.params["job_id"] ?? "", jobOwnerOf(ctx.req.headers), requestType);
    if (!job) return sendError(ctx.res, jobNotFound(requestType));
    const running = job.status === "pending" || job.status === "processing";
    sendJson(ctx.res, running ? 202 : 200, jobEnvelope(job));
  };
}

function notSupportedYet(name: string) {
  return (ctx: RouteContext): void => {
    ctx.req.resume();
    sendError(ctx.res, gatewayError({ status: 400, message: `${name} is not supported by this gateway yet, so it cannot run as an async job either` }));
  };
}
