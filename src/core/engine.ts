import { randomUUID } from "node:crypto";
import type { GatewayConfig, KeySettings, ProviderSettings } from "../config/types.js";
import { adapterFor, lacksResource, streamFramingOf } from "../providers/registry.js";
import type { DecodedEvent, ProviderAdapter, ProviderCall, UpstreamRequest } from "../providers/types.js";
import { sleepUnlessAborted, type CallerSignal } from "./caller-signal.js";
import type { EngineRequest } from "./engine-request.js";
import { EngineAttempt } from "./pipeline/attempt.js";
import type { PluginPipeline } from "./pipeline/pipeline.js";
import type { AttemptEnd } from "./pipeline/plugin.js";
import type { BytesResult, EngineResult, ResourceResult, StreamChunk, StreamItem } from "./engine-result.js";
import { readJsonLines, type JsonLines } from "./read-json-lines.js";
import { isRequestAllowed } from "./routing/allowed-requests.js";
import { ConcurrencyLimiter } from "./routing/concurrency-limiter.js";
import { affineKey, changesResources, noteResource, resourceAddressed } from "./routing/resource-keys.js";
import type { ResourceKeyStore } from "../stores/resource-key-store.js";
import { keyServes, keysForModel, selectKey } from "./routing/key-pool.js";
import { parseModelString, type ModelRef } from "./routing/model-string.js";
import { backoffDelayMs, isRetryableStatus } from "./routing/retry-policy.js";
import { GatewayFailure, gatewayError, upstreamError, type BifrostError, type ErrorDetails, type ErrorExtraFields } from "../schema/error.js";
import type { ExtraFields } from "../schema/extra-fields.js";
import { isRecord, type JsonObject } from "../schema/json.js";
import { requestTypeOf, type Operation, type RequestType } from "../schema/request-type.js";
import { isResourceOperation, resourceFamilyOf } from "../schema/resource-operation.js";
import { networkFailure, splitUrl, UpstreamClient, UpstreamTimeout } from "./upstream.js";
import { callForStream, callForText, type UpstreamBody } from "./upstream-call.js";
import { JsonTextChunk, JsonTextResult, spliceExtraFields } from "../schema/verbatim-json.js";

interface ProviderEntry {
  settings: ProviderSettings;
  adapter: ProviderAdapter;
  limiter: ConcurrencyLimiter;
}

/** A target that passed the checks, with its provider. */
type ServableTarget = ModelRef & { entry: ProviderEntry; extra: ErrorExtraFields };
/** A target whose provider does not take this request type: skipped, and the next one tried. */
type CheckedTarget = ServableTarget | { refusal: BifrostError };
/** A fallback as the caller wrote it, for messages that name it. */
type FallbackRef = { index: number; written: string };

type AttemptOutcome =
  | { ok: true; result: EngineResult | BytesResult }
  /** `allowFallbacks: false`: a plugin refused the whole request (governance), not just this target. */
  | { ok: false; error: BifrostError; retryable: boolean; clientAborted: boolean; allowFallbacks?: boolean };

/** The index of the last target that can be tried; no attempt follows the one made there. */
function lastServableIndex(targets: readonly CheckedTarget[]): number {
  for (let i = targets.length - 1; i >= 0; i--) if (!("refusal" in targets[i]!)) return i;
  return -1;
}

/** How an attempt ended, for the post-hooks; an outcome that never came is a failure inside the gateway. */
function endOf(outcome: AttemptOutcome | undefined, extra: ErrorExtraFields): AttemptEnd {
  if (outcome === undefined) return { status: "error", error: gatewayError({ status: 500, message: "the attempt failed inside the gateway", extra }) };
  if (outcome.ok) return { status: "success", result: outcome.result };
  return outcome.clientAborted ? { status: "aborted", error: outcome.error } : { status: "error", error: outcome.error };
}

/**
 * The engine runs one request: resolve model → pick key → call (with retries) → fallbacks → result.
 * It knows nothing about HTTP routes; providers know nothing about it.
 */
export class Engine {
  private readonly providers = new Map<string, ProviderEntry>();
  private readonly upstream = new UpstreamClient();
  private readonly resourceKeys: ResourceKeyStore | undefined;

  /** `resourceKeys` remembers which key made each file, batch, container and stored response, for pools of several keys. */
  private readonly pipeline: PluginPipeline | undefined;

  /**
   * `resourceKeys` remembers which key made each file, batch, container and stored response, for
   * pools of several keys; `pipeline` runs the plugins around every attempt (none: no cost at all).
   */
  constructor(
    private readonly config: GatewayConfig,
    options: { resourceKeys?: ResourceKeyStore; pipeline?: PluginPipeline } = {},
  ) {
    this.resourceKeys = options.resourceKeys;
    this.pipeline = options.pipeline?.active ? options.pipeline : undefined;
    for (const settings of config.providers.values()) {
      this.providers.set(settings.name, {
        settings,
        adapter: adapterFor(settings),
        limiter: new ConcurrencyLimiter(settings.concurrency, settings.bufferSize),
      });
    }
  }

  get providerNames(): string[] {
    return [...this.providers.keys()];
  }

  /** Whether a configured provider serves an operation (token counting falls back to a local count when not). */
  supports(provider: string, op: Operation): boolean {
    return this.providers.get(provider)?.adapter.supports(op) ?? false;
  }

  close(): Promise<void> {
    return this.upstream.close();
  }

  execute(req: EngineRequest): Promise<EngineResult> {
    return this.run(req, "inference") as Promise<EngineResult>;
  }

  /** Files, batches, containers and container files (never streamed as SSE). */
  executeResource(req: EngineRequest): Promise<ResourceResult> {
    return this.run({ ...req, stream: false }, "resource") as Promise<ResourceResult>;
  }

  private async run(req: EngineRequest, wants: "inference" | "resource"): Promise<EngineResult | BytesResult> {
    const started = performance.now();
    const requestType = requestTypeOf(req.op, req.stream);
    const targets = this.checkedTargets(req, requestType);
    const requestId = this.pipeline ? (req.requestId ?? randomUUID()) : "";
    const lastServable = this.pipeline ? lastServableIndex(targets) : -1;
    let last: BifrostError | undefined;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!;
      if ("refusal" in target) {
        last = target.refusal;
        continue;
      }
      const attempt = this.pipeline ? new EngineAttempt(requestId, i, req, requestType, target.provider, target.model, this.pipeline.price) : undefined;
      const outcome =
        this.pipeline && attempt
          ? await this.runAttempt(this.pipeline, attempt, target, req, started, i === lastServable)
          : await this.runTarget(target, req, requestType, started, undefined);
      if (outcome.ok) return checkedKind(listedFor(attempt, outcome.result), req.op, wants);
      if (outcome.clientAborted || outcome.allowFallbacks === false) throw new GatewayFailure(outcome.error);
      last = outcome.error;
    }
    throw new GatewayFailure(last!);
  }

  /**
   * One target with the plugins around it: the pre-hooks (which may answer or refuse instead of the
   * provider), the provider call with its retries, then the post-hooks, always — for a stream, when
   * the stream ends; otherwise as soon as the outcome is known, even if the call itself threw.
   * `lastTarget`: no target after this one can be tried, so whatever happens the request ends here.
   */
  private async runAttempt(
    pipeline: PluginPipeline,
    attempt: EngineAttempt,
    target: ServableTarget,
    req: EngineRequest,
    started: number,
    lastTarget: boolean,
  ): Promise<AttemptOutcome> {
    const pre = pipeline.runPreHooks(attempt);
    const { hooks, shortCircuit } = pre instanceof Promise ? await pre : pre;
    let outcome: AttemptOutcome | undefined;
    try {
      if (shortCircuit && "error" in shortCircuit) {
        outcome = { ok: false, error: shortCircuit.error, retryable: false, clientAborted: false, allowFallbacks: shortCircuit.allowFallbacks !== false };
      } else if (shortCircuit) {
        outcome = { ok: true, result: shortCircuit.result };
      } else {
        outcome = await this.runTarget(target, req, attempt.requestType, started, attempt);
      }
    } finally {
      attempt.final = outcome === undefined || outcome.ok || outcome.clientAborted || outcome.allowFallbacks === false || lastTarget;
      if (outcome?.ok && outcome.result.kind === "stream") {
        outcome = { ok: true, result: { ...outcome.result, items: pipeline.observeStream(hooks, attempt, outcome.result) } };
      } else if (hooks.length > 0) {
        const post = pipeline.runPostHooks(hooks, attempt, endOf(outcome, target.extra));
        if (post instanceof Promise) await post;
      }
    }
    return outcome;
  }

  /**
   * The primary model then each fallback, checked before anything goes upstream: a target written
   * wrongly, naming an unconfigured provider, or a model no key of its provider admits can never be
   * served, so the whole request is a 400 naming it. A provider that does not take this request type
   * is refused for that target alone, and the next one is tried.
   */
  private checkedTargets(req: EngineRequest, requestType: RequestType): CheckedTarget[] {
    if (req.model === undefined) {
      const target = { provider: req.provider ?? "openai", model: "" };
      return [this.checkTarget(target, req, requestType, undefined)];
    }
    const primary = parseModelString(req.model, req.defaultProvider);
    if (!primary) {
      throw new GatewayFailure(
        gatewayError({
          status: 400,
          message: `model '${req.model}' must be written as provider/model, e.g. openai/gpt-4o-mini`,
          param: "model",
          extra: { model_requested: req.model, request_type: requestType },
        }),
      );
    }
    const targets = [this.checkTarget(primary, req, requestType, undefined)];
    (req.fallbacks ?? []).forEach((fallback, i) => {
      const ref = parseModelString(fallback);
      if (!ref) {
        throw new GatewayFailure(
          gatewayError({
            status: 400,
            message: `fallbacks[${i}] '${fallback}' must be written as provider/model`,
            param: "fallbacks",
            extra: { request_type: requestType },
          }),
        );
      }
      targets.push(this.checkTarget(ref, req, requestType, { index: i, written: fallback }));
    });
    return targets;
  }

  /** A target that can be tried, or the refusal that skips it; throws the 400 for one that can never be served. */
  private checkTarget(target: ModelRef, req: EngineRequest, requestType: RequestType, fallback: FallbackRef | undefined): CheckedTarget {
    const extra: ErrorExtraFields = { provider: target.provider, request_type: requestType };
    if (target.model) extra.model_requested = target.model;
    const entry = this.providers.get(target.provider);
    if (!entry) return this.unservable(this.unconfigured(target, req), fallback, extra);
    const { settings, adapter } = entry;
    if (target.model && keysForModel(settings.keys, target.model).length === 0) {
      const refusal = selectKey(target.provider, settings.keys, target.model);
      if (refusal instanceof GatewayFailure) return this.unservable(detailsOf(refusal.body), fallback, extra);
    }
    if (!adapter.supports(req.op)) {
      const op = req.op;
      const resource = isResourceOperation(op) ? resourceFamilyOf(op) : undefined;
      const message = `provider '${target.provider}' does not support ${resource ?? requestType}`;
      return { refusal: gatewayError({ status: 400, message, ...(resource ? { param: "provider" } : {}), extra }) };
    }
    if (settings.allowedRequests && !isRequestAllowed(settings.allowedRequests, requestType)) {
      const message = `provider '${target.provider}' does not allow ${requestType} requests (custom_provider_config.allowed_requests)`;
      return { refusal: gatewayError({ status: 400, message, param: req.model === undefined ? "provider" : "model", extra }) };
    }
    return { provider: target.provider, model: target.model, entry, extra };
  }

  /** Why a target naming an unconfigured provider cannot be served. */
  private unconfigured(target: ModelRef, req: EngineRequest): Omit<ErrorDetails, "extra"> {
    if (isResourceOperation(req.op) && lacksResource(target.provider, req.op)) {
      return { status: 400, message: `provider '${target.provider}' does not support ${resourceFamilyOf(req.op)}`, param: "provider" };
    }
    const known = this.providerNames;
    const message = known.length
      ? `provider '${target.provider}' is not configured; configured providers: ${known.join(", ")}`
      : `provider '${target.provider}' is not configured, and no provider is (set OPENAI_API_KEY or write config.json in the app dir)`;
    return { status: 400, message, param: req.model === undefined ? "provider" : "model" };
  }

  /** A target that can never be served fails the whole request, naming the fallback it came from. */
  private unservable(details: Omit<ErrorDetails, "extra">, fallback: FallbackRef | undefined, extra: ErrorExtraFields): never {
    if (!fallback) throw new GatewayFailure(gatewayError({ ...details, extra }));
    const message = `fallbacks[${fallback.index}] '${fallback.written}': ${details.message}`;
    throw new GatewayFailure(gatewayError({ ...details, message, param: "fallbacks", extra }));
  }

  private async runTarget(
    target: ServableTarget,
    req: EngineRequest,
    requestType: RequestType,
    started: number,
    noted: EngineAttempt | undefined,
  ): Promise<AttemptOutcome> {
    const { entry, extra } = target;
    const { settings } = entry;
    // A plugin may narrow the pool (governance: the virtual key's key_ids).
    const onlyKeys = noted?.onlyKeys;
    const keys = onlyKeys ? settings.keys.filter((key) => onlyKeys.has(key.name)) : settings.keys;
    if (onlyKeys && keys.length === 0) {
      return refused({
        status: 403,
        type: "key_blocked",
        message: `this virtual key may use no key of provider '${target.provider}': its key_ids name none of them (["*"] allows every key)`,
        extra,
      });
    }
    // With several keys, a call about a resource goes out with the key that made it (unless x-bf-api-key pins one).
    const resourceKeys = keys.length > 1 ? this.resourceKeys : undefined;
    let pinnedName = req.pinnedKey;
    const addressed = pinnedName === undefined && resourceKeys ? resourceAddressed(req) : undefined;
    if (addressed !== undefined) pinnedName = await affineKey(resourceKeys!, target.provider, keys, target.model || undefined, addressed, req);
    const excluded = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const key = selectKey(target.provider, keys, target.model || undefined, { pinnedName, exclude: excluded });
      if (key instanceof GatewayFailure) return refused({ ...detailsOf(key.body), extra });
      if (noted) {
        noted.keyName = key.name;
        noted.retries = attempt;
      }
      const outcome = await this.callOnce(entry, key, target, req, requestType, started, extra);
      if (outcome.ok && resourceKeys && changesResources(req.op) && outcome.result.kind === "json") {
        await noteResource(resourceKeys, target.provider, key.name, req.op, req, outcome.result.body);
      }
      if (outcome.ok || outcome.clientAborted || !outcome.retryable || attempt >= settings.maxRetries) return outcome;
      if (outcome.error.status_code === 429) excluded.add(key.name);
      const delay = backoffDelayMs(attempt + 1, settings.retryBackoffInitialMs, settings.retryBackoffMaxMs);
      if (!(await sleepUnlessAborted(delay, req.signal))) {
        return { ok: false, clientAborted: true, retryable: false, error: gatewayError({ status: 499, message: "client closed the request", extra }) };
      }
    }
  }

  private async callOnce(
    entry: ProviderEntry,
    key: KeySettings,
    target: ModelRef,
    req: EngineRequest,
    requestType: RequestType,
    started: number,
    extra: ErrorExtraFields,
  ): Promise<AttemptOutcome> {
    const { settings, adapter, limiter } = entry;
    const call: ProviderCall = { op: req.op, settings, key, model: target.model, stream: req.stream };
    if (req.body) call.body = req.body;
    if (req.resourceId) call.resourceId = req.resourceId;
    if (req.childId) call.childId = req.childId;
    if (req.upload) call.upload = req.upload;
    if (req.uploads) call.uploads = req.uploads;
    if (req.query) call.query = req.query;
    let upstreamReq: UpstreamRequest;
    try {
      upstreamReq = withForwardedHeaders(adapter.buildRequest(call), req.forwardHeaders);
      if (adapter.authorize) upstreamReq = await adapter.authorize(upstreamReq, call);
    } catch (err) {
      if (err instanceof GatewayFailure) return refused({ ...detailsOf(err.body), extra });
      throw err;
    }
    let release = limiter.tryAcquire();
    if (!release) {
      const slot = limiter.acquire(this.config.client.dropExcessRequests, req.signal);
      if (slot === "full") {
        return refused({
          status: 429,
          message: `provider '${settings.name}' queue is full (concurrency ${settings.concurrency}, buffer_size ${settings.bufferSize}); request dropped`,
          extra,
        });
      }
      try {
        release = await slot;
      } catch {
        return { ok: false, clientAborted: true, retryable: false, error: gatewayError({ status: 499, message: "client closed the request", extra }) };
      }
    }
    const wantsRaw = req.sendBackRaw === true || settings.sendBackRawResponse;
    const fields: ExtraFields = {
      request_type: requestType,
      provider: settings.name,
      model_requested: target.model,
      latency: 0,
      chunk_index: 0,
    };
    const deployment = adapter.deploymentFor?.(target.model, key);
    if (deployment && deployment !== target.model) fields.model_deployment = deployment;
    if (settings.sendBackRawRequest || req.sendBackRaw === true)
      fields.raw_request = typeof upstreamReq.body === "string" ? parseOrText(upstreamReq.body) : null;
    const context: CallContext = {
      adapter,
      call,
      upstreamReq,
      started,
      extra,
      fields,
      wantsRaw,
      settings,
      clientSignal: req.signal,
      forwardHeaders: req.forwardHeaders,
    };
    if (req.stream) return this.openStream(context, release);
    let outcome: AttemptOutcome | undefined;
    try {
      outcome = await this.callJson(context);
      // A streamed upload body has been consumed: it cannot be sent again.
      return outcome.ok || upstreamReq.streamBody === undefined ? outcome : { ...outcome, retryable: false };
    } finally {
      // A download keeps its concurrency slot until its bytes have been passed on.
      if (outcome?.ok && outcome.result.kind === "bytes") outcome.result.body.once("close", release);
      else release();
    }
  }

  /** One non-stream call: one upstream request, or several when the provider chains them (`next`). */
  private async callJson(ctx: CallContext): Promise<AttemptOutcome> {
    const timeoutMs = ctx.settings.timeoutMs;
    const deadline = performance.now() + timeoutMs;
    try {
      for (let upstreamReq = ctx.upstreamReq; ;) {
        if (upstreamReq.expect === "bytes" || upstreamReq.expect === "jsonl") return await this.callForBody(ctx, upstreamReq, deadline);
        const totalMs = Math.max(1, Math.round(deadline - performance.now()));
        const res = await callForText(this.upstream.agent, upstreamReq, ctx.clientSignal, { headersMs: timeoutMs, idleMs: timeoutMs, totalMs });
        if (!res.ok) return failed(res.error, res.retryable, res.clientAborted, ctx.extra);
        const text = res.text;
        if (res.status >= 400) return this.upstreamFailure(ctx, res.status, text);
        if (!upstreamReq.next && !ctx.wantsRaw && ctx.adapter.verbatimResponse?.(ctx.call.op, text, ctx.call)) {
          const json = spliceExtraFields(text, JSON.stringify({ ...ctx.fields, latency: elapsedMs(ctx.started) }));
          if (json !== undefined) return { ok: true, result: new JsonTextResult(json) };
        }
        let native: unknown;
        try {
          native = text.length ? JSON.parse(text) : {};
        } catch {
          return refused({
            status: 502,
            message: `provider '${ctx.settings.name}' answered with a body that is not JSON: ${text.slice(0, 200)}`,
            extra: ctx.extra,
          });
        }
        const next = upstreamReq.next?.({ headers: res.headers, body: native });
        if (next) {
          // Each step of a chained operation goes out like the first: forwarded headers, then the provider's signing.
          upstreamReq = withForwardedHeaders(next, ctx.forwardHeaders);
          if (ctx.adapter.authorize) upstreamReq = await ctx.adapter.authorize(upstreamReq, ctx.call);
          continue;
        }
        const raw: unknown = ctx.wantsRaw ? JSON.parse(text) : undefined;
        const body = ctx.adapter.decodeResponse(ctx.call.op, native, ctx.call);
        body["extra_fields"] = { ...ctx.fields, latency: elapsedMs(ctx.started), ...(ctx.wantsRaw ? { raw_response: raw } : {}) };
        return { ok: true, result: { kind: "json", body } };
      }
    } catch (err) {
      // A provider refusing a step of a chained operation (e.g. a batch with no results yet).
      if (err instanceof GatewayFailure) return refused({ ...detailsOf(err.body), extra: ctx.extra });
      throw err;
    }
  }

  /** A step whose 2xx answer is a body to pass on (`bytes`) or to read line by line (`jsonl`). */
  private async callForBody(ctx: CallContext, upstreamReq: UpstreamRequest, deadline: number): Promise<AttemptOutcome> {
    const controller = linkedController(ctx.clientSignal);
    const remainingMs = Math.max(1, Math.round(deadline - performance.now()));
    const timer = setTimeout(() => controller.abort(new UpstreamTimeout(ctx.settings.timeoutMs)), remainingMs);
    try {
      const bytes = upstreamReq.expect === "bytes";
      const idleMs = bytes ? ctx.settings.streamIdleTimeoutMs : ctx.settings.timeoutMs;
      const res = await this.upstream.send(upstreamReq, controller.signal, { headersMs: ctx.settings.timeoutMs, idleMs });
      if (!res.ok) return failed(res.error, res.retryable, res.clientAborted, ctx.extra);
      if (res.status >= 400) {
        let text: string;
        try {
          text = await res.body.text();
        } catch (err) {
          const net = networkFailure(err, splitUrl(upstreamReq.url).origin, controller.signal);
          return failed(net.error, net.retryable, net.clientAborted, ctx.extra);
        }
        return this.upstreamFailure(ctx, res.status, text);
      }
      if (bytes) {
        const extraFields = { ...ctx.fields, latency: elapsedMs(ctx.started) };
        return { ok: true, result: { kind: "bytes", headers: passedOnHeaders(res.headers), body: res.body, extraFields } };
      }
      return await jsonLinesOutcome(ctx, res.body, upstreamReq.url, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async openStream(ctx: CallContext, release: () => void): Promise<AttemptOutcome> {
    const limits = { headersMs: ctx.settings.timeoutMs, idleMs: ctx.settings.streamIdleTimeoutMs };
    const res = await callForStream(this.upstream.agent, ctx.upstreamReq, ctx.clientSignal, limits);
    if (!res.ok) {
      release();
      return failed(res.error, res.retryable, res.clientAborted, ctx.extra);
    }
    if (res.status >= 400) {
      let text = "";
      try {
        text = await res.body.text();
      } catch {
        // the status alone says enough
      } finally {
        release();
      }
      return this.upstreamFailure(ctx, res.status, text);
    }
    const items = streamBatches(ctx, res.body, release);
    return { ok: true, result: { kind: "stream", requestType: ctx.fields.request_type, items } };
  }

  private upstreamFailure(ctx: CallContext, status: number, text: string): AttemptOutcome {
    const details = ctx.adapter.decodeError(status, text);
    const extra: ErrorExtraFields = { ...ctx.extra };
    if (ctx.wantsRaw) extra.raw_response = parseOrText(text);
    return { ok: false, retryable: isRetryableStatus(status), clientAborted: false, error: upstreamError({ ...details, status, extra }) };
  }

  /** `GET /v1/models`: every configured provider's list (or one), ids as `provider/model`. */
  async listModels(provider: string | undefined, req: Omit<EngineRequest, "op" | "stream">): Promise<JsonObject> {
    const started = performance.now();
    const names = provider ? [provider] : this.providerNames;
    const lists = await Promise.all(
      names.map(async (name) => {
        try {
          // Each provider's listing is an attempt of its own: only a single one keeps the caller's request id.
          const requestId = names.length === 1 ? req.requestId : undefined;
          const result = await this.execute({ ...req, op: "list_models", stream: false, provider: name, requestId });
          return { name, result };
        } catch (err) {
          if (provider) throw err;
          return { name, result: undefined };
        }
      }),
    );
    const data: JsonObject[] = [];
    for (const { name, result } of lists) {
      if (result?.kind !== "json") continue;
      const models = result.body["data"];
      if (!Array.isArray(models)) continue;
      // Only the models some key of the provider may serve (its `models`, less its `blacklisted_models`).
      const keys = this.providers.get(name)?.settings.keys ?? [];
      for (const m of models) {
        const id = isRecord(m) ? m["id"] : undefined;
        if (isRecord(m) && typeof id === "string" && keys.some((k) => keyServes(k, id))) data.push({ ...m, id: `${name}/${id}` });
      }
    }
    return {
      object: "list",
      data,
      extra_fields: { request_type: "list_models", provider: provider ?? "", model_requested: "", latency: elapsedMs(started), chunk_index: 0 },
    };
  }
}

/** An inference answer is never bytes, a resource answer never a stream: a mismatch is a wiring bug. */
function checkedKind(result: EngineResult | BytesResult, op: Operation, wants: "inference" | "resource"): EngineResult | BytesResult {
  if (wants === "inference" && result.kind === "bytes") {
    result.body.destroy();
    throw new Error(`${op} answers with bytes; run it with executeResource`);
  }
  if (wants === "resource" && result.kind === "stream") throw new Error(`${op} answered with an event stream`);
  return result;
}

interface CallContext {
  adapter: ProviderAdapter;
  call: ProviderCall;
  upstreamReq: UpstreamRequest;
  started: number;
  extra: ErrorExtraFields;
  fields: ExtraFields;
  wantsRaw: boolean;
  settings: ProviderSettings;
  clientSignal: CallerSignal;
  forwardHeaders: Record<string, string> | undefined;
}

/**
 * The upstream stream as canonical chunks, in batches: each batch is every chunk one network read
 * completed. Stops at `[DONE]` (the rest of the body is read and dropped so the connection stays
 * reusable), at the end of the body, or at the first error.
 */
async function* streamBatches(ctx: CallContext, body: UpstreamBody, release: () => void): AsyncGenerator<StreamItem[]> {
  const chunks = new ChunkStamper(ctx);
  const framer = streamFramingOf(ctx.adapter)(ctx.adapter.streamDecoder(ctx.call.op, ctx.call));
  let finished = false;
  try {
    for await (const bytes of body) {
      const batch = chunks.stamp(framer.push(bytes));
      if (batch.length > 0) yield batch;
      if (chunks.stopped) break;
    }
    if (!chunks.stopped) {
      const last = chunks.stamp(framer.end());
      if (last.length > 0) yield last;
    }
    finished = !chunks.failed;
  } catch (err) {
    const net = body.failureOf(err);
    if (!net.clientAborted) yield [{ kind: "error", error: gatewayError({ ...net.error, extra: ctx.extra }) }];
  } finally {
    release();
    if (finished) body.discardRest();
    else body.abort();
  }
}

/** Turns decoded events into stream items with their `extra_fields` (`chunk_index`, `latency`). */
class ChunkStamper {
  stopped = false;
  failed = false;
  private index = 0;
  /** `{"request_type":…,"provider":…,"model_requested":…` — the part of `extra_fields` every chunk shares. */
  private readonly sharedFieldsJson: string;

  constructor(private readonly ctx: CallContext) {
    const { latency: _latency, chunk_index: _index, raw_request: _raw, ...shared } = ctx.fields;
    this.sharedFieldsJson = JSON.stringify(shared).slice(0, -1);
  }

  stamp(events: DecodedEvent[]): StreamItem[] {
    const items: StreamItem[] = [];
    for (const decoded of events) {
      if (this.stopped) break;
      if (decoded.kind === "done") {
        this.stopped = true;
        break;
      }
      if (decoded.kind === "error") {
        items.push({ kind: "error", error: upstreamError({ ...decoded.error, extra: this.ctx.extra }) });
        this.stopped = true;
        this.failed = true;
        break;
      }
      const chunk = this.chunkOf(decoded);
      if (chunk) items.push({ kind: "chunk", chunk });
    }
    return items;
  }

  private chunkOf(decoded: DecodedEvent & { kind: "chunk" }): StreamChunk | undefined {
    const { ctx } = this;
    const latency = elapsedMs(ctx.started);
    const plain = !ctx.wantsRaw && (this.index > 0 || ctx.fields.raw_request === undefined);
    if (decoded.verbatim && plain) {
      const json = spliceExtraFields(decoded.rawText, `${this.sharedFieldsJson},"latency":${latency},"chunk_index":${this.index}}`);
      if (json !== undefined) {
        this.index++;
        return new JsonTextChunk(json);
      }
    }
    const data = decoded.chunk;
    if (!isRecord(data)) return undefined;
    const fields: ExtraFields = { ...ctx.fields, latency, chunk_index: this.index };
    if (this.index > 0) delete fields.raw_request;
    if (ctx.wantsRaw) fields.raw_response = JSON.parse(decoded.rawText);
    data["extra_fields"] = fields;
    this.index++;
    return decoded.event ? { event: decoded.event, data } : { data };
  }
}

/** A JSONL answer read line by line and decoded; lines that are not JSON go to `extra_fields.parse_errors`. */
async function jsonLinesOutcome(ctx: CallContext, body: AsyncIterable<Uint8Array>, url: string, signal: AbortSignal): Promise<AttemptOutcome> {
  let read: JsonLines;
  try {
    read = await readJsonLines(body);
  } catch (err) {
    const net = networkFailure(err, splitUrl(url).origin, signal);
    return failed(net.error, net.retryable, net.clientAborted, ctx.extra);
  }
  const decoded = ctx.adapter.decodeResponse(ctx.call.op, read.lines, ctx.call);
  decoded["extra_fields"] = { ...ctx.fields, latency: elapsedMs(ctx.started), ...(read.parseErrors.length ? { parse_errors: read.parseErrors } : {}) };
  return { ok: true, result: { kind: "json", body: decoded } };
}

function linkedController(clientSignal: CallerSignal): AbortController {
  const controller = new AbortController();
  if (clientSignal.aborted) controller.abort(clientSignal.reason);
  else clientSignal.addEventListener("abort", () => controller.abort(clientSignal.reason), { once: true });
  return controller;
}

function withForwardedHeaders(req: UpstreamRequest, forward: Record<string, string> | undefined): UpstreamRequest {
  if (!forward) return req;
  return { ...req, headers: { ...forward, ...req.headers } };
}

/** A model listing with only the models a plugin lets this caller use (governance: the virtual key's allowed models). */
function listedFor<R extends EngineResult | BytesResult>(attempt: EngineAttempt | undefined, result: R): R {
  const allows = attempt?.modelFilter;
  if (!allows || attempt.request.op !== "list_models" || result.kind !== "json" || !Array.isArray(result.body["data"])) return result;
  const data = result.body["data"].filter((m) => isRecord(m) && typeof m["id"] === "string" && allows(m["id"]));
  return { ...result, body: { ...result.body, data }, json: undefined };
}

function refused(details: ErrorDetails): AttemptOutcome {
  return { ok: false, retryable: false, clientAborted: false, error: gatewayError(details) };
}

function failed(details: ErrorDetails, retryable: boolean, clientAborted: boolean, extra: ErrorExtraFields): AttemptOutcome {
  return { ok: false, retryable, clientAborted, error: gatewayError({ ...details, extra }) };
}

function detailsOf(err: BifrostError): ErrorDetails {
  return { status: err.status_code, message: err.error.message, type: err.error.type, code: err.error.code, param: err.error.param };
}

/** Upstream headers a download keeps: what the bytes are, how many, and under which file name. */
const PASSED_ON_HEADERS = ["content-type", "content-length", "content-disposition"] as const;

function passedOnHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = { "content-type": "application/octet-stream" };
  for (const name of PASSED_ON_HEADERS) {
    const value = headers[name];
    if (typeof value === "string") out[name] = value;
  }
  return out;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function elapsedMs(started: number): number {
  return Math.round(performance.now() - started);
}
