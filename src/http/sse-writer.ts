import type { ServerResponse } from "node:http";
import { writeFrame } from "./write-frame.js";

/** Starts an SSE response: no buffering by proxies, flushed headers. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
}

/** One SSE event: `data` is written as is when a string, else as JSON. */
export interface SseFrame {
  event?: string;
  data: unknown;
}

/** Writes one SSE event, respecting backpressure. */
export function writeSseEvent(res: ServerResponse, data: string, event?: string): Promise<void> {
  return writeFrame(res, event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
}

export function writeSseFrame(res: ServerResponse, frame: SseFrame): Promise<void> {
  return writeSseEvent(res, typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data), frame.event);
}
