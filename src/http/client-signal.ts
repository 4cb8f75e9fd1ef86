import type { ServerResponse } from "node:http";

/** Aborts when the client goes away before the response is complete. */
export function clientSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client closed the connection"));
  });
  return controller.signal;
}
