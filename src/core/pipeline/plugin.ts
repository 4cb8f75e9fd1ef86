import type { BifrostError } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import type { RequestType } from "../../schema/request-type.js";
import type { EngineRequest } from "../engine-request.js";
import type { BytesResult, EngineResult, StreamChunk } from "../engine-result.js";

/**
 * A feature of the gateway (logging, metrics, tracing, governance, cache) as a pair of hooks around
 * every attempt the engine makes, in the shape of Bifrost's PreLLMHook / PostLLMHook:
 *
 * - `preHook` runs before the attempt goes upstream, in plugin order. It sees the request and the
 *   target, may answer instead of the provider (a cache hit) or refuse (governance), and returns
 *   the attempt's own hooks.
 * - `postHook` runs when the attempt has ended, in reverse order, exactly once for every pre-hook
 *   that ran: on success, on an upstream error, after a short-circuit, when the client goes away,
 *   and for each fallback attempt (each is an attempt of its own).
 * - `chunkHook` sees each chunk of a stream as it passes; the post-hook then sees the end.
 *
 * A plugin that is off is not in the pipeline, so it costs nothing.
 */
export interface GatewayPlugin {
  readonly name: string;
  preHook?(attempt: Attempt): AttemptHooks | undefined | Promise<AttemptHooks | undefined>;
  /** Transport level: one exchange on the HTTP server finished (every route, not only inference). */
  httpExchange?(exchange: HttpExchange): void;
  /** The gateway is stopping: flush what is queued. */
  close?(): Promise<void>;
}

/**
 * What a pre-hook returns for its attempt. The hooks get the attempt back, so a plugin with nothing
 * per-attempt to remember can return the same object every time (no allocation per request).
 */
export interface AttemptHooks {
  /** Answer without calling the provider. */
  shortCircuit?: ShortCircuit;
  chunkHook?: (chunk: StreamChunk, attempt: Attempt) => void;
  postHook?: (end: AttemptEnd, attempt: Attempt) => void | Promise<void>;
}

export type ShortCircuit =
  | { result: EngineResult }
  /** `allowFallbacks: false` ends the request with this error (governance); by default the next target is tried. */
  | { error: BifrostError; allowFallbacks?: boolean };

/** How an attempt ended. */
export type AttemptEnd =
  | { status: "success"; result: EngineResult | BytesResult }
  | { status: "error"; error: BifrostError }
  /** The caller went away before the attempt finished (client abort, a stream cut short). */
  | { status: "aborted"; error: BifrostError };

/** One exchange on the HTTP server, with the route's template (never the raw path, which holds ids). */
export interface HttpExchange {
  method: string;
  route: string;
  status: number;
  durationSeconds: number;
  requestBytes: number | undefined;
  responseBytes: number | undefined;
  /** The request's headers as Node parsed them (lower-case names), for plugins that label by a header. */
  requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * One attempt as plugins see it: who asked what of which target, and what the engine learned as it
 * went (the key it chose, retries, timings, usage). The engine fills the mutable fields.
 */
export interface Attempt {
  /** The caller's request id (`x-request-id`, or one the gateway made). */
  readonly requestId: string;
  /** The attempt's own id: the request id for the primary target, a fresh one for each fallback. */
  readonly attemptId: string;
  /** Fallback attempts: the request they serve. */
  readonly parentRequestId: string | undefined;
  /** 0 for the primary target, i for `fallbacks[i-1]`. */
  readonly fallbackIndex: number;
  readonly request: EngineRequest;
  readonly requestType: RequestType;
  readonly provider: string;
  /** The model as the provider knows it (empty for calls that name none). */
  readonly model: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** `performance.now()` at the start, for durations. */
  readonly startedHr: number;
  /** The key the engine chose (its name; never its value). */
  keyName: string | undefined;
  /** Upstream calls made beyond the first. */
  retries: number;
  /** Milliseconds from the start to the first stream chunk. */
  firstChunkMs: number | undefined;
  /** Milliseconds from the start to the end (a stream's last byte). */
  durationMs: number | undefined;
  /** Canonical usage (`prompt_tokens`, `completion_tokens`, …) when the answer carried it. */
  usage: JsonObject | undefined;
  /** Streams: the finish reason of the last choice. */
  finishReason: string | undefined;
  /** Stream chunks passed on. */
  chunks: number;
  /**
   * The W3C trace this attempt belongs to (32 hex digits): the caller's, from its `traceparent`,
   * or the one a tracing plugin started. Undefined when neither exists. Logs carry it.
   */
  traceId: string | undefined;
  /** Who is spending, once governance has recognised the caller's virtual key (logs and metrics carry it). */
  caller: GovernedCaller | undefined;
  /** Set by a pre-hook (governance's `key_ids`): the attempt may only use the provider's keys with these names. */
  onlyKeys: ReadonlySet<string> | undefined;
  /** Set by a pre-hook: a model listing keeps only the models this admits (governance: the virtual key's allowed models). */
  modelFilter: ((model: string) => boolean) | undefined;
  /**
   * Set before the post-hooks run: true when the request ends with this attempt — it succeeded, the
   * caller left, a plugin refused with no fallback allowed, or no target is left to try. A plugin
   * that follows a whole request (a trace's root span) closes it here.
   */
  final: boolean;
  /**
   * What the attempt cost in USD, from its usage and the price table: the one figure logs, metrics
   * and budgets all use. Null when the model has no price or the answer carried no usage — never a
   * silent 0. Worked out on first read, after the attempt has ended.
   */
  readonly cost: number | null;
}

/** The virtual key an attempt is governed by, with its team and customer (ids and names; never the key's value). */
export interface GovernedCaller {
  virtualKeyId: string;
  virtualKeyName: string;
  teamId: string | undefined;
  teamName: string | undefined;
  customerId: string | undefined;
  customerName: string | undefined;
}

/** The price of an attempt (see `Attempt.cost`); the composition root supplies it from the price catalog. */
export type PriceAttempt = (attempt: Attempt) => number | null;
