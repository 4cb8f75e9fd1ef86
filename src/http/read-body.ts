import type { IncomingMessage } from "node:http";
import { failure, GatewayFailure } from "../schema/error.js";
import { jsonLimitProblem } from "../schema/json-limits.js";

/** What a request body may be: how large, how deeply nested, and how long it may stall. */
export interface BodyLimits {
  maxBytes: number;
  /** Deepest JSON nesting accepted (`client.max_json_depth`). */
  maxDepth: number;
  /** Longest silence while the body arrives before the request is ended with a 408. */
  idleMs: number;
}

/**
 * Reads a JSON request body within the limits. Rejects (as values) a wrong content type, an
 * oversized, stalled, too deeply nested or malformed body, and numbers JSON cannot carry, each with
 * a message that says what is wrong.
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const read = await readJsonBodyText(req, limits);
  return read instanceof GatewayFailure ? read : read.value;
}

/** `readJsonBody`, keeping the body's text too (the request log stores it as it came). */
export async function readJsonBodyText(req: IncomingMessage, limits: BodyLimits): Promise<{ value: unknown; text: string } | GatewayFailure> {
  const type = req.headers["content-type"];
  const plainJson = type === "application/json" || type?.startsWith("application/json;") === true;
  if (!type || (!plainJson && !/^application\/([\w.+-]+\+)?json\b/i.test(type))) {
    req.resume();
    return failure({ status: 415, message: `content-type must be application/json (got ${type ? `'${type}'` : "none"})`, code: "unsupported_media_type" });
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    req.resume();
    return tooLarge(limits.maxBytes);
  }
  const chunks = await readWithin(req, limits);
  if (chunks === "too-large") return tooLarge(limits.maxBytes);
  if (chunks === "stalled") return bodyStalled(limits.idleMs);
  if (chunks === "closed") return failure({ status: 499, message: "client closed the request before sending its whole body" });
  const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return failure({ status: 400, message: "request body is empty; expected a JSON object", code: "invalid_json" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (err) {
    return failure({ status: 400, message: `request body is not valid JSON: ${(err as Error).message}`, code: "invalid_json" });
  }
  const problem = jsonLimitProblem(parsed, limits.maxDepth);
  if (problem?.kind === "too-deep") {
    return failure({ status: 400, message: `request body is nested deeper than ${problem.maxDepth} levels (client.max_json_depth)`, code: "json_too_deep" });
  }
  if (problem?.kind === "non-finite") {
    const where = problem.path || "body";
    return failure({ status: 400, message: `${where}: number is out of range (not finite)`, param: problem.path || null, code: "invalid_number" });
  }
  return { value: parsed, text };
}

/**
 * The body's chunks; `too-large` once it passes the size limit (the rest is drained unread);
 * `stalled` when nothing arrives for `idleMs`; `closed` if the client left first. Plain `on`
 * listeners: the message is dropped after the request, and a second settle of the promise is a
 * no-op, so `once` wrappers would only cost allocations.
 */
function readWithin(req: IncomingMessage, limits: BodyLimits): Promise<Buffer[] | "too-large" | "stalled" | "closed"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const idle = setTimeout(() => {
      req.off("data", onData);
      resolve("stalled");
    }, limits.idleMs);
    const onData = (chunk: Buffer): void => {
      idle.refresh();
      size += chunk.length;
      if (size <= limits.maxBytes) {
        chunks.push(chunk);
        return;
      }
      clearTimeout(idle);
      req.off("data", onData);
      req.resume();
      resolve("too-large");
    };
    req.on("data", onData);
    req.on("end", () => {
      clearTimeout(idle);
      resolve(chunks);
    });
    req.on("error", () => {
      clearTimeout(idle);
      resolve("closed");
    });
    req.on("close", () => {
      clearTimeout(idle);
      resolve(req.complete ? chunks : "closed");
    });
  });
}

function tooLarge(maxBytes: number): GatewayFailure {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 100) / 100;
  return failure({ status: 413, message: `request body is larger than ${mb} MB (client.max_request_body_size_mb)`, code: "request_too_large" });
}

/** A body that stopped arriving: 408, and the connection is closed after the answer (its framing is lost). */
export function bodyStalled(idleMs: number): GatewayFailure {
  return failure({
    status: 408,
    message: `request body stalled: nothing arrived for ${Math.round(idleMs / 1000)} s (client.request_body_idle_timeout_in_seconds)`,
    code: "request_timeout",
  });
}
