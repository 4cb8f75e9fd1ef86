import type { EngineRequest } from "../engine-request.js";
import type { JsonObject } from "../../schema/json.js";

/** What an async job runs: the parts of an engine request that survive a restart (no signal, never a stream). */
export type JobRequest = Pick<EngineRequest, "op" | "model" | "defaultProvider" | "body" | "fallbacks" | "pinnedKey" | "forwardHeaders" | "sendBackRaw">;

export function jobRequestOf(request: EngineRequest): JobRequest {
  const { op, model, defaultProvider, body, fallbacks, pinnedKey, forwardHeaders, sendBackRaw } = request;
  return { op, model, defaultProvider, body, fallbacks, pinnedKey, forwardHeaders, sendBackRaw };
}

/** Back from the job store, which only ever holds what the runner wrote from a JobRequest. */
export function restoredJobRequest(stored: JsonObject): JobRequest {
  return stored as unknown as JobRequest;
}
