/**
 * An incoming W3C `traceparent` header (`00-<trace id>-<parent span id>-<flags>`), read the way
 * Bifrost reads it: version `00` only, lower-case hex, neither id all zeros. Anything else is no
 * trace context at all, so a malformed header starts a fresh trace instead of failing the request.
 */
export interface TraceParent {
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits: the caller's span, the parent of ours. */
  parentSpanId: string;
  /** The trace-flags byte (bit 0: sampled). */
  flags: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

export function parseTraceparent(header: string | undefined): TraceParent | undefined {
  if (header === undefined) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, traceId, parentSpanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE_ID || parentSpanId === ZERO_SPAN_ID) return undefined;
  return { traceId, parentSpanId, flags: Number.parseInt(flags, 16) };
}
