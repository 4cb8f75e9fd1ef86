import type { ServerResponse } from "node:http";
import { withRequestId } from "./gateway-response.js";

/**
 * Starts an SSE response (no buffering by proxies). The headers leave with the first events when
 * those are already here — the usual case, since they arrive with the upstream's headers — and on
 * their own at the end of this event-loop turn otherwise, so a client never waits on them.
 */
export function startSse(res: ServerResponse): void {
  res.writeHead(
    200,
    withRequestId(res, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    }),
  );
  setImmediate(flushHeadersIfUnsent, res);
}

/**
 * `headersSent` turns true as soon as `writeHead` has built the head, before any byte leaves; only
 * Node's `_headerSent` says whether the head has gone out with a write.
 */
function flushHeadersIfUnsent(res: ServerResponse): void {
  if (!res.destroyed && !res.writableEnded && (res as ServerResponse & { _headerSent?: boolean })._headerSent === false) res.flushHeaders();
}

/** One SSE event: `data` is written as is when a string, else as JSON. */
export interface SseFrame {
  event?: string;
  data: unknown;
}

/** The text of one SSE event whose data is already serialised. */
export function sseEventText(data: string, event?: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

export function sseFrameText(frame: SseFrame): string {
  return sseEventText(typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data), frame.event);
}
