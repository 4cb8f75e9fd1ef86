import type { ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

/** How often idle keep-alive connections are closed while draining (a request that just finished leaves one). */
const DRAIN_POLL_MS = 25;

/** On each socket: how many of its responses are still being written. */
const BUSY = Symbol("iris.responsesInFlight");
type TrackedSocket = Socket & { [BUSY]?: number };

/**
 * What a stopping server needs to know: the connections it holds and the responses still being
 * written on them. Node's own `server.close()` cannot drain: it closes every connection whose
 * request has been read, which includes one still streaming its answer.
 */
export class ServerDrain {
  private inFlight = 0;
  private readonly sockets = new Set<TrackedSocket>();

  constructor(private readonly server: NetServer) {
    server.on("connection", (socket: TrackedSocket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /**
   * Called for every request as it arrives. Counters only (no per-request entry in a collection:
   * a Set churned at this rate kept live responses reachable from the old generation and tripled
   * the full collections under load).
   */
  track(res: ServerResponse): void {
    const socket: TrackedSocket | null = res.socket;
    this.inFlight++;
    if (socket) socket[BUSY] = (socket[BUSY] ?? 0) + 1;
    res.on("close", () => {
      this.inFlight--;
      if (socket) socket[BUSY] = (socket[BUSY] ?? 1) - 1;
    });
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Stops accepting connections, lets the responses in flight finish for up to `drainMs` (idle
   * keep-alive connections are closed as they appear), then closes whatever is left. Resolves once
   * every connection is gone; the result says whether the drain finished in time.
   */
  async shutdown(drainMs: number): Promise<boolean> {
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    const deadline = Date.now() + drainMs;
    let drained = this.inFlight === 0;
    while (!drained && Date.now() < deadline) {
      for (const socket of this.sockets) if (!socket[BUSY]) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, Math.max(1, deadline - Date.now()))));
      drained = this.inFlight === 0;
    }
    for (const socket of this.sockets) socket.destroy();
    await closed;
    return drained;
  }
}
