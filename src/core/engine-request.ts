import type { JsonObject } from "../schema/json.js";
import type { Operation } from "../schema/request-type.js";
import type { UploadedFile, UploadedPart } from "../schema/uploads.js";
import type { CallerSignal } from "./caller-signal.js";

/**
 * What the caller presented as its own credential: a virtual key (`x-bf-vk`, or `sk-bf-…` in the
 * header its SDK sends keys in), or some other Bearer token. Never forwarded upstream.
 */
export type CallerCredential =
  | { kind: "virtual-key"; value: string }
  /** A virtual key known by its digest only (an async job's caller: the job row never holds the key). */
  | { kind: "virtual-key-digest"; digest: string }
  | { kind: "bearer"; value: string };

/** One request as the engine sees it, independent of the HTTP surface it came from. */
export interface EngineRequest {
  op: Operation;
  stream: boolean;
  /** `provider/model` as the caller wrote it (model operations). */
  model?: string;
  /** Provider assumed for a bare model name (the `/openai` surface uses `openai`). */
  defaultProvider?: string;
  /** Provider for operations without a model (retrieve a response, list models). */
  provider?: string;
  body?: JsonObject;
  /** `body` as the caller's JSON text, when that text already is the canonical body (OpenAI-shaped routes): the log keeps it as it came. */
  bodyText?: string;
  resourceId?: string;
  /** A container file inside the container `resourceId`. */
  childId?: string;
  /** The file of a multipart upload. */
  upload?: UploadedFile;
  /** The file parts of a multipart model request (transcriptions, image edits). */
  uploads?: readonly UploadedPart[];
  query?: URLSearchParams;
  fallbacks?: readonly string[];
  /** `x-bf-api-key`. */
  pinnedKey?: string;
  /** The caller's credential, for governance. */
  credential?: CallerCredential;
  /** `x-bf-eh-<name>` headers, forwarded upstream as `<name>`. */
  forwardHeaders?: Record<string, string>;
  /** `x-bf-send-back-raw-response: true`. */
  sendBackRaw?: boolean;
  /** The caller going away (client disconnect, job cancelled) aborts whatever is in flight. */
  signal: CallerSignal;
  /** `x-request-id` (or the one the gateway made): the log row's id, the plugins' key for the request. */
  requestId?: string;
  /** W3C `traceparent` the caller sent, continued by tracing. */
  traceparent?: string;
  /** The route template the request came in on (`/v1/chat/completions`), naming its trace. */
  route?: string;
  /**
   * Values of the metric labels the config names (`telemetry.custom_labels`), from the caller's
   * `x-bf-dim-<label>` (or legacy `x-bf-prom-<label>`) headers. Absent when none is configured.
   */
  labels?: Record<string, string>;
}
