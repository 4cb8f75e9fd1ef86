import type { IncomingHttpHeaders } from "node:http";
import { util, type Agent, type Dispatcher } from "undici";
import type { UpstreamRequest } from "../providers/types.js";
import type { CallerSignal } from "./caller-signal.js";
import { classifyNetworkError, splitUrl, timeoutError, UpstreamTimeout, type UpstreamFailure } from "./upstream.js";

/**
 * The two hot upstream calls — a JSON answer read whole, and an event stream read as it arrives —
 * made straight on undici's dispatcher: no Readable per response, no AbortController per call.
 * Downloads, JSONL answers and streamed uploads keep `UpstreamClient.send` (undici's `request`).
 */

export interface CallLimits {
  /** Time to response headers. */
  headersMs: number;
  /** Longest silence between body chunks. */
  idleMs: number;
  /** Whole call, headers to last byte (JSON answers); streams are bounded by `idleMs` instead. */
  totalMs?: number;
}

export type TextOutcome = { ok: true; status: number; readonly headers: IncomingHttpHeaders; text: string } | UpstreamFailure;

export type StreamOpenOutcome = { ok: true; status: number; readonly headers: IncomingHttpHeaders; body: UpstreamBody } | UpstreamFailure;

/** A 2xx-or-not answer; its headers are parsed from the raw ones only if something reads them. */
class UpstreamAnswer {
  readonly ok = true;
  private parsed: IncomingHttpHeaders | undefined;
  constructor(
    readonly status: number,
    private readonly rawHeaders: Buffer[],
    readonly body: UpstreamBody | undefined,
    readonly text: string,
  ) {}
  get headers(): IncomingHttpHeaders {
    return (this.parsed ??= util.parseHeaders(this.rawHeaders) as IncomingHttpHeaders);
  }
}

/** Bytes of a streamed answer. Each `next()` gives everything that arrived since the last one, as one buffer. */
export interface UpstreamBody extends AsyncIterableIterator<Buffer> {
  /** The rest of the body as text (error bodies). */
  text(): Promise<string>;
  /** Stops reading and cancels the upstream request. */
  abort(): void;
  /** Nothing more is wanted: the rest is read and dropped (up to 64 KB) so the connection can be reused. */
  discardRest(): void;
  /** What a thrown read error means: upstream gone, timed out, or the client left. */
  failureOf(err: unknown): UpstreamFailure;
}

/** Reads a whole answer as text. Never throws: network failures come back as values. */
export function callForText(agent: Agent, req: UpstreamRequest, clientSignal: CallerSignal, limits: CallLimits): Promise<TextOutcome> {
  return new Promise((resolve) => new UpstreamCall(agent, req, clientSignal, limits, "text", resolve as Settle).start());
}

/** Opens a streamed answer; resolves once the status and headers are in. Never throws. */
export function callForStream(agent: Agent, req: UpstreamRequest, clientSignal: CallerSignal, limits: CallLimits): Promise<StreamOpenOutcome> {
  return new Promise((resolve) => new UpstreamCall(agent, req, clientSignal, limits, "stream", resolve as Settle).start());
}

type Settle = (outcome: TextOutcome | StreamOpenOutcome) => void;

/** Most bytes held for a slow reader before the upstream socket is paused. */
const HIGH_WATER_BYTES = 256 * 1024;
/** Most bytes read and dropped after the caller is done, before giving up on the connection. */
const DISCARD_LIMIT_BYTES = 64 * 1024;

class ClientGone extends Error {
  constructor() {
    super("client closed the request");
    this.name = "ClientGone";
  }
}

class UpstreamCall implements Dispatcher.DispatchHandler, UpstreamBody {
  private readonly origin: string;
  private readonly path: string;
  private abortUpstream: ((err?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private abortReason: Error | undefined;
  private settled = false;
  private timer: NodeJS.Timeout | undefined;
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private paused = false;
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private discarding = false;
  private discardedBytes = 0;
  private readonly onClientAbort = (): void => this.cancel(new ClientGone());

  constructor(
    private readonly agent: Agent,
    private readonly req: UpstreamRequest,
    private readonly clientSignal: CallerSignal,
    private readonly limits: CallLimits,
    private readonly mode: "text" | "stream",
    private readonly settle: Settle,
  ) {
    ({ origin: this.origin, path: this.path } = splitUrl(req.url));
  }

  start(): void {
    if (this.clientSignal.aborted) return this.finishWith(this.failureOf(new ClientGone(), new ClientGone()));
    this.clientSignal.addEventListener("abort", this.onClientAbort);
    if (this.limits.totalMs !== undefined) {
      const ms = this.limits.totalMs;
      this.timer = setTimeout(() => this.cancel(new UpstreamTimeout(ms)), ms);
    }
    try {
      this.agent.dispatch(
        {
          origin: this.origin,
          path: this.path,
          method: this.req.method,
          headers: this.req.headers,
          body: this.req.streamBody ?? this.req.body ?? null,
          headersTimeout: this.limits.headersMs,
          bodyTimeout: this.limits.idleMs,
        },
        this,
      );
    } catch (err) {
      this.fail(err as Error);
    }
  }

  // ---- undici handler: the callback form undici's own request() is built on. Raw headers stay
  // raw until someone reads them, and no adapter or controller object is made per call.

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.abortReason) abort(this.abortReason);
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.status = status;
    this.rawHeaders = rawHeaders;
    this.resumeUpstream = resume;
    if (this.mode === "stream" && !this.settled) {
      this.settled = true;
      this.settle(new UpstreamAnswer(status, rawHeaders, this, ""));
    }
    return true;
  }

  /** `false` pauses the socket until `resumeUpstream`. */
  onData(chunk: Buffer): boolean {
    if (this.discarding) {
      this.discardedBytes += chunk.length;
      if (this.discardedBytes > DISCARD_LIMIT_BYTES) this.abortUpstream?.(new Error("discarded enough"));
      return true;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.mode === "text") return true;
    this.notify();
    if (this.queuedBytes > HIGH_WATER_BYTES) this.paused = true;
    return !this.paused;
  }

  onComplete(): void {
    this.ended = true;
    this.cleanup();
    if (this.mode === "text") {
      if (this.settled) return;
      this.settled = true;
      this.settle(new UpstreamAnswer(this.status, this.rawHeaders, undefined, this.drainText()));
      return;
    }
    this.notify();
  }

  onError(err: Error): void {
    this.fail(err);
  }

  // ---- the body, for streams

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    for (;;) {
      if (this.queue.length > 0) {
        const chunk = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queuedBytes);
        this.queue = [];
        this.queuedBytes = 0;
        if (this.paused) {
          this.paused = false;
          this.resumeUpstream?.();
        }
        return { value: chunk, done: false };
      }
      if (this.error) throw this.error;
      if (this.ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  return(): Promise<IteratorResult<Buffer>> {
    if (!this.ended && !this.error) this.abort();
    return Promise.resolve({ value: undefined, done: true });
  }

  async text(): Promise<string> {
    while (!this.ended && !this.error) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.error) throw this.error;
    return this.drainText();
  }

  abort(): void {
    this.cancel(new Error("stream closed by the gateway"));
  }

  discardRest(): void {
    this.cleanup();
    if (this.ended || this.error) return;
    this.discarding = true;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.paused) {
      this.paused = false;
      this.resumeUpstream?.();
    }
  }

  failureOf(err: unknown, reason: unknown = this.abortReason): UpstreamFailure {
    if (reason instanceof ClientGone) return { ok: false, retryable: false, clientAborted: true, error: { status: 499, message: "client closed the request" } };
    if (reason instanceof UpstreamTimeout) return { ok: false, retryable: true, clientAborted: false, error: timeoutError(reason.ms) };
    return classifyNetworkError(err, this.origin);
  }

  // ---- internals

  private cancel(reason: Error): void {
    if (this.abortReason || this.ended || this.error) return;
    this.abortReason = reason;
    if (this.abortUpstream) this.abortUpstream(reason);
    // Not yet on a socket (or undici never calls back): answer now; the late callbacks are ignored.
    this.fail(reason);
  }

  private fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    this.cleanup();
    if (this.discarding) return;
    if (!this.settled) {
      this.settled = true;
      this.finishWith(this.failureOf(err));
      return;
    }
    this.notify();
  }

  private finishWith(outcome: UpstreamFailure): void {
    this.settled = true;
    this.settle(outcome);
  }

  private notify(): void {
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      wake();
    }
  }

  private drainText(): string {
    const text = this.queue.length === 1 ? this.queue[0]!.toString("utf8") : Buffer.concat(this.queue, this.queuedBytes).toString("utf8");
    this.queue = [];
    this.queuedBytes = 0;
    return text;
  }

  private cleanup(): void {
    this.clientSignal.removeEventListener("abort", this.onClientAbort);
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
