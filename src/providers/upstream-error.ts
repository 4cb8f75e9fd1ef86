import { isRecord } from "../schema/json.js";
import type { ErrorDetails } from "../schema/error.js";

const MAX_RAW_MESSAGE = 500;

/**
 * Reads an upstream error body in the shapes providers use: OpenAI's `{error:{message,type,code,param}}`,
 * `{error:"..."}`, `{message, type, code}` (Mistral and others), `{detail}` (FastAPI-style servers), or text.
 * The provider's own message, type, code and status are kept.
 */
export function decodeUpstreamErrorBody(status: number, bodyText: string): ErrorDetails {
  const parsed = parseJson(bodyText);
  const details: ErrorDetails = { status, message: "" };
  if (isRecord(parsed)) {
    const inner = parsed["error"];
    const source = isRecord(inner) ? inner : parsed;
    details.message = firstString(source["message"], typeof inner === "string" ? inner : undefined, parsed["detail"], parsed["message"]) ?? "";
    const type = firstString(source["type"], source["status"]);
    if (type) details.type = type;
    const code = source["code"];
    if (typeof code === "string" || typeof code === "number") details.code = String(code);
    const param = source["param"];
    if (typeof param === "string") details.param = param;
  }
  if (!details.message) {
    const text = bodyText.trim();
    details.message = text ? text.slice(0, MAX_RAW_MESSAGE) : `upstream provider answered HTTP ${status} with an empty body`;
  }
  return details;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === "string" && v.length > 0) return v;
  return undefined;
}
