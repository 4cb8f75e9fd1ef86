import type { ServerResponse } from "node:http";
import { CallerAbort, type CallerSignal } from "../core/caller-signal.js";

/** Fires when the client goes away before the response is complete. */
export function clientSignal(res: ServerResponse): CallerSignal {
  const signal = new CallerAbort();
  res.on("close", () => {
    if (!res.writableFinished) signal.abort(new Error("client closed the connection"));
  });
  return signal;
}
