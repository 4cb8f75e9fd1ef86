import type { ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

/** An HTTP server, whatever its request and response classes. */
type HttpServer = NetServer & { closeAllConnections(): void };

/** How often idle keep-alive connections are closed while draining (a request that just finished leaves one). */
const DRAIN_POLL_MS = 25;

/**
 * What a stopping server needs to know: the connections it holds and the responses still being
 * written on them. Node's own `server.close()` cannot drain: it closes every connection whose
 * request has been read, which includes one still streaming its answer.
 */
export class ServerDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly forgetResponse: (this: ServerResponse) => void;

  constructor(private readonly server: HttpServer) {
    const inFlight = this.inFlight;
    this.forgetResponse = function (this: ServerResponse) {
      inFlight.delete(this);
    };
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /** Called for every request as it arrives. */
  track(res: ServerResponse): void {
    this.inFlight.add(res);
    res.on("close", this.forgetResponse);
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Stops accepting connections, lets the responses in flight finish for up to `drainMs` (idle
   * keep-alive connections are closed as they appear), then closes whatever is left. Resolves once
   * every connection is gone; the result says whether the drain finished in time.
   */
  async shutdown(drainMs: number): Promise<boolean> {
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    const deadline = Date.now() + drainMs;
    let drained = this.inFlight.size === 0;
    while (!drained && Date.now() < deadline) {
      this.closeIdleSockets();
      await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, Math.max(1, deadline - Date.now()))));
      drained = this.inFlight.size === 0;
    }
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
    return drained;
  }

  private closeIdleSockets(): void {
    const busy = new Set<Socket | null>();
    for (const res of this.inFlight) busy.add(res.socket);
    for (const socket of this.sockets) if (!busy.has(socket)) socket.destroy();
  }
}
