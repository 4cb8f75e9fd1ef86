import type { ServerResponse } from "node:http";
import type { StreamChunk, StreamItem } from "../core/engine-result.js";
import type { BifrostError } from "../schema/error.js";
import { drained } from "./write-frame.js";

/**
 * How one surface writes a canonical chunk stream in its own format. Each surface's encoder keeps
 * its state; this only says which frames to write for a chunk, at the end, and after a failure.
 */
export interface FrameEncoder<Frame> {
  encode(chunk: StreamChunk): Frame[];
  finish(): Frame[];
  fail(error: BifrostError): Frame[];
}

/**
 * Writes frames as soon as their chunks exist (the caller has sent the headers). The engine hands
 * over every chunk of one upstream read together, and their frames leave in one write: no chunk
 * waits for a later one, and a burst costs one syscall instead of one per chunk. Stops at the first
 * error, ends the response, and always lets the engine's stream release its upstream.
 */
export async function pipeEncodedStream<Frame>(
  res: ServerResponse,
  items: AsyncGenerator<StreamItem[]>,
  encoder: FrameEncoder<Frame>,
  serialize: (frame: Frame) => string | Buffer,
): Promise<void> {
  let failed = false;
  try {
    for await (const batch of items) {
      if (res.destroyed) break;
      const out: (string | Buffer)[] = [];
      for (const item of batch) {
        const frames = item.kind === "error" ? encoder.fail(item.error) : encoder.encode(item.chunk);
        for (const frame of frames) out.push(serialize(frame));
        if (item.kind === "error") {
          failed = true;
          break;
        }
      }
      if (out.length > 0 && !res.write(joined(out)) && !res.destroyed) await drained(res);
      if (failed) break;
    }
  } finally {
    await items.return(undefined);
  }
  if (res.destroyed) return;
  if (!failed) {
    const last = encoder.finish().map(serialize);
    if (last.length > 0) res.end(joined(last));
    else res.end();
  } else {
    res.end();
  }
}

function joined(parts: (string | Buffer)[]): string | Buffer {
  if (parts.length === 1) return parts[0]!;
  let text = "";
  for (const part of parts) {
    if (typeof part !== "string") return Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
    text += part;
  }
  return text;
}
