import { randomUUID } from "node:crypto";
import type { JsonObject } from "../../schema/json.js";
import type { RequestType } from "../../schema/request-type.js";
import type { EngineRequest } from "../engine-request.js";
import type { Attempt, GovernedCaller, PriceAttempt } from "./plugin.js";
import { parseTraceparent } from "./traceparent.js";

/** The engine's record of one attempt, handed to the plugins (see `Attempt`). */
export class EngineAttempt implements Attempt {
  readonly attemptId: string;
  readonly parentRequestId: string | undefined;
  readonly startedAt = Date.now();
  readonly startedHr = performance.now();
  keyName: string | undefined = undefined;
  retries = 0;
  firstChunkMs: number | undefined = undefined;
  durationMs: number | undefined = undefined;
  usage: JsonObject | undefined = undefined;
  finishReason: string | undefined = undefined;
  chunks = 0;
  traceId: string | undefined;
  caller: GovernedCaller | undefined = undefined;
  onlyKeys: ReadonlySet<string> | undefined = undefined;
  modelFilter: ((model: string) => boolean) | undefined = undefined;
  final = false;
  private priced: { cost: number | null } | undefined;

  constructor(
    readonly requestId: string,
    readonly fallbackIndex: number,
    readonly request: EngineRequest,
    readonly requestType: RequestType,
    readonly provider: string,
    readonly model: string,
    private readonly price: PriceAttempt | undefined,
  ) {
    this.attemptId = fallbackIndex === 0 ? requestId : randomUUID();
    this.parentRequestId = fallbackIndex === 0 ? undefined : requestId;
    // The caller's trace, so a log row carries it even with no tracing plugin on.
    this.traceId = request.traceparent === undefined ? undefined : parseTraceparent(request.traceparent)?.traceId;
  }

  get cost(): number | null {
    this.priced ??= { cost: this.price && this.usage ? this.price(this) : null };
    return this.priced.cost;
  }
}
