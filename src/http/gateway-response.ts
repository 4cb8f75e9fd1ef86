import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";

type HeaderArg = OutgoingHttpHeaders | OutgoingHttpHeader[];

/**
 * The server's response class: every answer carries `x-request-id`, added when the head is
 * written rather than set up front. A `setHeader` before `writeHead(status, headers)` sends Node
 * down its slow merging path, and on the hot path that alone costs more than the rest of the
 * header work; here the id joins the headers the route passes, so the head is built in one go.
 */
export class GatewayResponse extends ServerResponse<IncomingMessage> {
  /** Set by the dispatcher before any route runs. */
  requestId = "";
  /** The matched route's template (`/v1/files/{id}`); `unmatched` for a path no route serves. */
  route = "unmatched";
  /** The answer's Content-Length as `writeHead` was given it (Node keeps no header it can return then), for the metrics. */
  contentLength: number | undefined = undefined;

  override writeHead(statusCode: number, statusMessage?: string, headers?: HeaderArg): this;
  override writeHead(statusCode: number, headers?: HeaderArg): this;
  override writeHead(statusCode: number, messageOrHeaders?: string | HeaderArg, maybeHeaders?: HeaderArg): this {
    // A 408 answers a body that stopped arriving: its framing is lost, so the connection closes after it.
    if (statusCode === 408) this.shouldKeepAlive = false;
    const message = typeof messageOrHeaders === "string" ? messageOrHeaders : undefined;
    let headers = typeof messageOrHeaders === "string" ? maybeHeaders : messageOrHeaders;
    if (headers !== undefined && !Array.isArray(headers) && headers["content-length"] !== undefined) this.contentLength = Number(headers["content-length"]);
    if (this.requestId && !this.hasHeader("x-request-id")) {
      if (headers === undefined) this.setHeader("x-request-id", this.requestId);
      else if (Array.isArray(headers)) headers = withIdInPairs(headers, this.requestId);
      else if (headers["x-request-id"] === undefined) headers = { ...headers, "x-request-id": this.requestId };
    }
    return message === undefined ? super.writeHead(statusCode, headers) : super.writeHead(statusCode, message, headers);
  }
}

/**
 * Adds the request id to a head the caller has just built (and owns), so `writeHead` finds it there
 * and need not copy the head to add it. Hot paths (JSON answers, SSE) use this.
 */
export function withRequestId<T extends OutgoingHttpHeaders>(res: ServerResponse, headers: T): T {
  if (res instanceof GatewayResponse && res.requestId) (headers as OutgoingHttpHeaders)["x-request-id"] = res.requestId;
  return headers;
}

/** Node takes header arrays flat (`[name, value, …]`) or as pairs (`[[name, value], …]`). */
function withIdInPairs(headers: OutgoingHttpHeader[], id: string): OutgoingHttpHeader[] {
  const paired = headers.length > 0 && Array.isArray(headers[0]);
  return paired ? [...headers, ["x-request-id", id]] : [...headers, "x-request-id", id];
}
