import type { Logger } from "pino";
import { gatewayError } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import type { EngineResult, StreamChunk, StreamItem } from "../engine-result.js";
import { noteAnswer } from "./note-answer.js";

type StreamResult = EngineResult & { kind: "stream" };
import type { Attempt, AttemptEnd, AttemptHooks, GatewayPlugin, HttpExchange, PriceAttempt, ShortCircuit } from "./plugin.js";

/** The hooks one attempt's pre-hooks returned, in plugin order, and the short-circuit that stopped them, if any. */
export interface PreHooksRan {
  hooks: AttemptHooks[];
  shortCircuit: ShortCircuit | undefined;
}

/**
 * Runs the plugins' hooks around each attempt. Pre-hooks in order (stopping at the first that
 * short-circuits); post-hooks in reverse order, for exactly the pre-hooks that ran. A plugin that
 * throws is logged and skipped: a feature failing never fails the request it observes.
 */
export class PluginPipeline {
  readonly active: boolean;
  private readonly withPreHooks: GatewayPlugin[];
  private readonly withHttpHooks: GatewayPlugin[];

  constructor(
    readonly plugins: readonly GatewayPlugin[],
    private readonly logger: Logger,
    /** Prices an attempt from its usage (`Attempt.cost`); absent, every cost is null. */
    readonly price?: PriceAttempt,
  ) {
    this.withPreHooks = plugins.filter((p) => p.preHook !== undefined);
    this.withHttpHooks = plugins.filter((p) => p.httpExchange !== undefined);
    this.active = this.withPreHooks.length > 0;
  }

  get observesHttp(): boolean {
    return this.withHttpHooks.length > 0;
  }

  /**
   * The pre-hooks, in order, until one short-circuits. Synchronous while the hooks are: a promise
   * is made only once a hook returns one, so plugins that decide at once cost no async round trip.
   */
  runPreHooks(attempt: Attempt): PreHooksRan | Promise<PreHooksRan> {
    const hooks: AttemptHooks[] = [];
    const plugins = this.withPreHooks;
    for (let i = 0; i < plugins.length; i++) {
      const returned = this.callPreHook(plugins[i]!, attempt);
      if (returned instanceof Promise) return this.finishPreHooks(returned, hooks, i, attempt);
      if (returned === undefined) continue;
      hooks.push(returned);
      if (returned.shortCircuit) return { hooks, shortCircuit: returned.shortCircuit };
    }
    return { hooks, shortCircuit: undefined };
  }

  /** The rest of the pre-hooks once one of them went async (the `i`th, whose promise is `pending`). */
  private async finishPreHooks(pending: Promise<AttemptHooks | undefined>, hooks: AttemptHooks[], i: number, attempt: Attempt): Promise<PreHooksRan> {
    const plugins = this.withPreHooks;
    for (let returned: AttemptHooks | undefined | Promise<AttemptHooks | undefined> = pending; ;) {
      returned = await this.settle(returned, plugins[i]!, attempt);
      if (returned !== undefined) {
        hooks.push(returned);
        if (returned.shortCircuit) return { hooks, shortCircuit: returned.shortCircuit };
      }
      if (++i >= plugins.length) return { hooks, shortCircuit: undefined };
      returned = this.callPreHook(plugins[i]!, attempt);
    }
  }

  /** One pre-hook; a hook that throws is logged and skipped. */
  private callPreHook(plugin: GatewayPlugin, attempt: Attempt): AttemptHooks | undefined | Promise<AttemptHooks | undefined> {
    try {
      return plugin.preHook!(attempt);
    } catch (err) {
      this.skipped(err, plugin, attempt);
      return undefined;
    }
  }

  private async settle(
    returned: AttemptHooks | undefined | Promise<AttemptHooks | undefined>,
    plugin: GatewayPlugin,
    attempt: Attempt,
  ): Promise<AttemptHooks | undefined> {
    try {
      return await returned;
    } catch (err) {
      this.skipped(err, plugin, attempt);
      return undefined;
    }
  }

  private skipped(err: unknown, plugin: GatewayPlugin, attempt: Attempt): void {
    this.logger.warn({ err, plugin: plugin.name, requestId: attempt.requestId }, "plugin pre-hook failed; the request goes on without it");
  }

  /** The post-hooks of the pre-hooks that ran, last first; a promise only when one of them returns one. */
  runPostHooks(hooks: readonly AttemptHooks[], attempt: Attempt, end: AttemptEnd): void | Promise<void> {
    attempt.durationMs ??= performance.now() - attempt.startedHr;
    if (end.status === "success" && end.result.kind === "json" && attempt.usage === undefined) noteAnswer(attempt, end.result);
    for (let i = hooks.length - 1; i >= 0; i--) {
      const result = this.callPostHook(hooks[i]!, attempt, end);
      if (result instanceof Promise) return this.finishPostHooks(result, hooks, i, attempt, end);
    }
  }

  private async finishPostHooks(pending: Promise<void>, hooks: readonly AttemptHooks[], i: number, attempt: Attempt, end: AttemptEnd): Promise<void> {
    await pending.catch((err: unknown) => this.logger.warn({ err, requestId: attempt.requestId }, "plugin post-hook failed"));
    for (let j = i - 1; j >= 0; j--) {
      const result = this.callPostHook(hooks[j]!, attempt, end);
      if (result instanceof Promise) await result.catch((err: unknown) => this.logger.warn({ err, requestId: attempt.requestId }, "plugin post-hook failed"));
    }
  }

  private callPostHook(hooks: AttemptHooks, attempt: Attempt, end: AttemptEnd): void | Promise<void> {
    const post = hooks.postHook;
    if (!post) return;
    try {
      return post(end, attempt);
    } catch (err) {
      this.logger.warn({ err, requestId: attempt.requestId }, "plugin post-hook failed");
    }
  }

  /**
   * A stream as it passes: each chunk goes to the chunk hooks (last plugin first, as Bifrost runs its
   * post-hooks per chunk), the attempt learns its first-chunk time, usage and finish reason, and when
   * the stream ends — completely, with an error, or cut short by the caller — the post-hooks run.
   */
  async *observeStream(hooks: readonly AttemptHooks[], attempt: Attempt, stream: StreamResult): AsyncGenerator<StreamItem[]> {
    let end: AttemptEnd | undefined;
    try {
      for await (const batch of stream.items) {
        for (const item of batch) {
          if (item.kind === "error") {
            end ??= { status: "error", error: item.error };
            continue;
          }
          noteChunk(attempt, item.chunk);
          for (let i = hooks.length - 1; i >= 0; i--) {
            const onChunk = hooks[i]!.chunkHook;
            if (!onChunk) continue;
            try {
              onChunk(item.chunk, attempt);
            } catch (err) {
              this.logger.warn({ err, requestId: attempt.requestId }, "plugin chunk hook failed");
            }
          }
        }
        yield batch;
      }
      // The engine ends a stream quietly when its caller leaves; that is not a success.
      if (!attempt.request.signal.aborted) end ??= { status: "success", result: stream };
    } catch (err) {
      end ??= { status: "error", error: gatewayError({ status: 500, message: `stream failed inside the gateway: ${(err as Error).message}` }) };
      throw err;
    } finally {
      end ??= { status: "aborted", error: gatewayError({ status: 499, message: "client closed the request before the stream ended" }) };
      const post = this.runPostHooks(hooks, attempt, end);
      if (post instanceof Promise) await post;
    }
  }

  httpExchange(exchange: HttpExchange): void {
    for (const plugin of this.withHttpHooks) {
      try {
        plugin.httpExchange!(exchange);
      } catch (err) {
        this.logger.warn({ err, plugin: plugin.name }, "plugin http hook failed");
      }
    }
  }

  async close(): Promise<void> {
    for (const plugin of this.plugins) {
      try {
        await plugin.close?.();
      } catch (err) {
        this.logger.warn({ err, plugin: plugin.name }, "plugin failed to close");
      }
    }
  }
}

/**
 * What the attempt learns from a chunk: when the first came, and the usage and finish reason the
 * last ones carry. A chunk the engine passes as JSON text is parsed only when its text shows it
 * holds one of them, so a plain content delta costs a substring test.
 */
function noteChunk(attempt: Attempt, chunk: StreamChunk): void {
  if (attempt.chunks++ === 0) attempt.firstChunkMs = performance.now() - attempt.startedHr;
  const text = chunk.json;
  if (text !== undefined && !text.includes('"usage":{') && !text.includes('"finish_reason":"')) return;
  const data = chunk.data;
  if (isRecord(data["usage"])) attempt.usage = data["usage"];
  // Responses streams carry the usage inside their last event's response.
  const response = data["response"];
  if (isRecord(response) && isRecord(response["usage"])) attempt.usage = response["usage"];
  const choices = data["choices"];
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    if (isRecord(choice) && typeof choice["finish_reason"] === "string") attempt.finishReason = choice["finish_reason"];
  }
}
