import type { ServerResponse } from "node:http";
import type { BifrostError } from "../schema/error.js";
import { withRequestId } from "./gateway-response.js";

/** Writes a JSON body with its status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** Writes a body that is already JSON text. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, withRequestId(res, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }));
  res.end(text);
}

/** Every error leaves the gateway as a BifrostError with the HTTP status in `status_code`. */
export function sendError(res: ServerResponse, err: BifrostError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.status_code, err);
}

/** The management API's plain error body, as Bifrost's `SendError` writes it: `{is_bifrost_error: false, status_code, error: {message}}`. */
export function sendManagementError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { is_bifrost_error: false, status_code: status, error: { message } });
}
