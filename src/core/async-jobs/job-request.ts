import type { CallerCredential, EngineRequest } from "../engine-request.js";
import { virtualKeyDigest } from "../virtual-key-digest.js";
import type { JsonObject } from "../../schema/json.js";

/** What an async job runs: the parts of an engine request that survive a restart (no signal, never a stream). */
export type JobRequest = Pick<
  EngineRequest,
  "op" | "model" | "defaultProvider" | "body" | "fallbacks" | "pinnedKey" | "forwardHeaders" | "sendBackRaw" | "credential"
>;

/**
 * The caller's credential as a job keeps it, so the job is governed as its caller was when it
 * runs (budgets, limits, allowed models): a virtual key by its digest, never its value; another
 * Bearer token only as such, with no value.
 */
function storedCredential(credential: CallerCredential | undefined): CallerCredential | undefined {
  if (!credential) return undefined;
  if (credential.kind === "virtual-key") return { kind: "virtual-key-digest", digest: virtualKeyDigest(credential.value) };
  if (credential.kind === "bearer") return { kind: "bearer", value: "" };
  return credential;
}

export function jobRequestOf(request: EngineRequest): JobRequest {
  const { op, model, defaultProvider, body, fallbacks, pinnedKey, forwardHeaders, sendBackRaw } = request;
  const job: JobRequest = { op, model, defaultProvider, body, fallbacks, pinnedKey, forwardHeaders, sendBackRaw };
  const credential = storedCredential(request.credential);
  if (credential) job.credential = credential;
  return job;
}

/** Back from the job store, which only ever holds what the runner wrote from a JobRequest. */
export function restoredJobRequest(stored: JsonObject): JobRequest {
  return stored as unknown as JobRequest;
}
