import type { AsyncJobRunner } from "../../core/async-jobs/async-job-runner.js";
import { requestTypeOf, type Operation } from "../../schema/request-type.js";
import { jobEnvelope, jobNotFound, jobOwnerOf } from "../async-jobs.js";
import { sendError, sendJson } from "../respond.js";
import type { RouteContext, Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import { operationHandler } from "./operation-handler.js";

/** `/v1/async/<path>`: the same body as the sync route, run as a job. */
const ASYNC_OPERATIONS: ReadonlyArray<[string, Operation]> = [
  ["chat/completions", "chat"],
  ["completions", "text_completion"],
  ["responses", "responses"],
  ["embeddings", "embedding"],
  ["rerank", "rerank"],
  ["images/generations", "image_generation"],
  ["audio/speech", "speech"],
];

/** Bifrost's async inference API, also under `/openai/v1` and `/openai` (where a bare model means openai). */
export function addAsyncRoutes(router: Router, options: InferenceOptions): void {
  for (const [prefix, surface] of [
    ["/v1/async", {}],
    ["/openai/v1/async", { defaultProvider: "openai" }],
    ["/openai/async", { defaultProvider: "openai" }],
  ] as const) {
    for (const [path, op] of ASYNC_OPERATIONS) {
      router.add("POST", `${prefix}/${path}`, operationHandler(op, options, { ...surface, asyncRoute: true }));
      router.add("GET", `${prefix}/${path}/{job_id}`, jobStatusHandler(op, options.asyncJobs));
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
