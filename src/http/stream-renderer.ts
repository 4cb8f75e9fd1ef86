import type { ServerResponse } from "node:http";
import type { StreamChunk, StreamItem } from "../core/engine.js";
import type { BifrostError } from "../core/schema/error.js";

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
 * Writes frames as soon as each chunk exists (the caller has sent the headers); stops at the first
 * error, ends the response, and always lets the engine's stream release its upstream.
 */
export async function pipeEncodedStream<Frame>(
  res: ServerResponse,
  items: AsyncGenerator<StreamItem>,
  encoder: FrameEncoder<Frame>,
  write: (res: ServerResponse, frame: Frame) => Promise<void>,
): Promise<void> {
  let failed = false;
  try {
    for await (const item of items) {
      if (res.destroyed) break;
      const frames = item.kind === "error" ? encoder.fail(item.error) : encoder.encode(item.chunk);
      for (const frame of frames) await write(res, frame);
      if (item.kind === "error") {
        failed = true;
        break;
      }
    }
  } finally {
    await items.return(undefined);
  }
  if (res.destroyed) return;
  if (!failed) for (const frame of encoder.finish()) await write(res, frame);
  res.end();
}
