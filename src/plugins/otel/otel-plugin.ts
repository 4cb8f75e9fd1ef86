import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { EngineRequest } from "../../core/engine-request.js";
import type { Attempt, AttemptEnd, AttemptHooks, GatewayPlugin } from "../../core/pipeline/plugin.js";
import { parseTraceparent } from "../../core/pipeline/traceparent.js";
import type { OtelSettings } from "../../config/types.js";
import { identityOfAnswer, identityOfChunk, type AnswerIdentity } from "./answer-identity.js";
import { attemptEndAttributes, attemptStartAttributes } from "./genai-attributes.js";
import { spanExporterFor } from "./span-exporter.js";

/** One request's trace: its root span, and the context its attempts' spans are children in. */
interface RequestTrace {
  root: Span;
  context: Context;
  traceId: string;
}

/**
 * Bifrost's `otel` plugin, through the OpenTelemetry SDK: each request is a trace with a root span
 * (kind SERVER, named by its route, as Bifrost names its root by the request path) and one child
 * per upstream attempt — `llm.call` for the primary target, `fallback.<provider>.<model>` for each
 * fallback (kind CLIENT) — carrying the GenAI attributes. A caller's W3C `traceparent` is
 * continued: the trace keeps its id and the root's parent is the caller's span. Ended spans go to
 * a batch processor per profile and are exported off the request path; `close` flushes them.
 */
export class OtelPlugin implements GatewayPlugin {
  readonly name = "otel";
  /** Keyed by the request itself, so two requests sharing an `x-request-id` never share a trace, and nothing outlives its request. */
  private readonly traces = new WeakMap<EngineRequest, RequestTrace>();

  private constructor(
    private readonly provider: BasicTracerProvider,
    private readonly tracer: Tracer,
  ) {}

  static async create(settings: OtelSettings): Promise<OtelPlugin> {
    const exporters = await Promise.all(settings.exports.map(spanExporterFor));
    // OTEL_RESOURCE_ATTRIBUTES adds to the resource, as in Bifrost; the configured service name wins.
    const resource = defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }));
    const provider = new BasicTracerProvider({ resource, spanProcessors: exporters.map((exporter) => new BatchSpanProcessor(exporter)) });
    return new OtelPlugin(provider, provider.getTracer(settings.serviceName));
  }

  preHook(attempt: Attempt): AttemptHooks {
    const requestTrace = this.traceOf(attempt);
    attempt.traceId = requestTrace.traceId;
    const name = attempt.fallbackIndex === 0 ? "llm.call" : `fallback.${attempt.provider}.${attempt.model}`;
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: attemptStartAttributes(attempt) }, requestTrace.context);
    let streamed: AnswerIdentity | undefined;
    const postHook = (end: AttemptEnd): void => {
      span.setAttributes(attemptEndAttributes(attempt, end, streamed ?? identityOfAnswer(end)));
      span.setStatus(statusOf(end));
      span.end();
      if (attempt.final) this.endTrace(attempt.request, requestTrace, end);
    };
    if (!attempt.request.stream) return { postHook };
    // A stream names its model and id in every chunk; the first is read, once.
    const chunkHook: AttemptHooks["chunkHook"] = (chunk) => {
      streamed ??= identityOfChunk(chunk);
    };
    return { chunkHook, postHook };
  }

  /** Exports every span still queued; the gateway is stopping. */
  close(): Promise<void> {
    return this.provider.shutdown();
  }

  private traceOf(attempt: Attempt): RequestTrace {
    const request = attempt.request;
    const existing = this.traces.get(request);
    if (existing) return existing;
    const parent = parseTraceparent(request.traceparent);
    const parentContext = parent
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.parentSpanId, traceFlags: parent.flags, isRemote: true })
      : ROOT_CONTEXT;
    const root = this.tracer.startSpan(
      request.route ?? attempt.requestType,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "bifrost.request.id": attempt.requestId,
          "gen_ai.request_id": attempt.requestId,
          "request.type": attempt.requestType,
          ...(request.route ? { [ATTR_HTTP_ROUTE]: request.route } : {}),
        },
      },
      parentContext,
    );
    const created: RequestTrace = { root, context: trace.setSpan(parentContext, root), traceId: root.spanContext().traceId };
    this.traces.set(request, created);
    return created;
  }

  private endTrace(request: EngineRequest, requestTrace: RequestTrace, end: AttemptEnd): void {
    requestTrace.root.setStatus(end.status === "success" ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: "request failed" });
    requestTrace.root.end();
    this.traces.delete(request);
  }
}

function statusOf(end: AttemptEnd): { code: SpanStatusCode; message?: string } {
  if (end.status === "success") return { code: SpanStatusCode.OK };
  return { code: SpanStatusCode.ERROR, message: end.error.error.message };
}
