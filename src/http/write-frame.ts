import type { ServerResponse } from "node:http";

/**
 * Writes bytes or text; when the socket is full, waits for `drain` — or for `close`, so a client
 * that leaves mid-stream never leaves the writer waiting forever.
 */
export async function writeFrame(res: ServerResponse, frame: string | Buffer): Promise<void> {
  if (res.write(frame) || res.destroyed) return;
  await drained(res);
}

/** Resolves on the response's next `drain`, or its `close`. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
