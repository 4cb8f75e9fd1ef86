import type { IncomingMessage } from "node:http";
import { failure, type GatewayFailure } from "../core/schema/error.js";

/**
 * Reads a JSON request body within the size limit. Rejects (as values) a wrong content type,
 * an oversized body and malformed JSON, each with a message that says what is wrong.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown | GatewayFailure> {
  const type = req.headers["content-type"];
  const plainJson = type === "application/json" || type?.startsWith("application/json;") === true;
  if (!type || (!plainJson && !/^application\/([\w.+-]+\+)?json\b/i.test(type))) {
    req.resume();
    return failure({ status: 415, message: `content-type must be application/json (got ${type ? `'${type}'` : "none"})`, code: "unsupported_media_type" });
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return tooLarge(maxBytes);
  }
  const chunks = await readWithin(req, maxBytes);
  if (chunks === "too-large") return tooLarge(maxBytes);
  if (chunks === "closed") return failure({ status: 499, message: "client closed the request before sending its whole body" });
  const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return failure({ status: 400, message: "request body is empty; expected a JSON object", code: "invalid_json" });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return failure({ status: 400, message: `request body is not valid JSON: ${(err as Error).message}`, code: "invalid_json" });
  }
}

/**
 * The body's chunks; `too-large` once it passes `maxBytes` (the rest is drained unread); `closed` if
 * the client left first. Plain `on` listeners: the message is dropped after the request, and a
 * second settle of the promise is a no-op, so `once` wrappers would only cost allocations.
 */
function readWithin(req: IncomingMessage, maxBytes: number): Promise<Buffer[] | "too-large" | "closed"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.resume();
      resolve("too-large");
    };
    req.on("data", onData);
    req.on("end", () => resolve(chunks));
    req.on("error", () => resolve("closed"));
    req.on("close", () => resolve(req.complete ? chunks : "closed"));
  });
}

function tooLarge(maxBytes: number): GatewayFailure {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 100) / 100;
  return failure({ status: 413, message: `request body is larger than ${mb} MB (client.max_request_body_size_mb)`, code: "request_too_large" });
}
