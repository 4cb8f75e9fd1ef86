import { once } from "node:events";
import type { ServerResponse } from "node:http";

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

/** Writes one SSE event; waits for `drain` when the client reads slower than the provider writes. */
export async function writeSseEvent(res: ServerResponse, data: string, event?: string): Promise<void> {
  const frame = event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
  if (!res.write(frame) && !res.destroyed) await once(res, "drain");
}
