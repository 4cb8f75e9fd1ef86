import { isRecord, type JsonObject } from "./json.js";
import { accumulateChatChunks, finalResponseOf } from "./stream-accumulator.js";

/**
 * What a request log shows of an attempt's content, derived from the JSON texts the gateway held
 * (the canonical request body; the answer's body, or a stream's chunks as a JSON array). The log
 * keeps the texts as they were and reads them through these functions, so logging a request never
 * parses or serialises its content on the way in.
 */

export interface LogContent {
  /** The conversation sent: chat `messages`, Responses `input` (with `instructions`), a prompt, a rerank query. */
  input_history: unknown;
  /** What came back: the message (text, reasoning, whole tool calls), Responses output, an embedding count, a resource. */
  output_message: unknown;
  /** Request parameters other than the content (temperature, tools, max_tokens, …). */
  params: JsonObject | null;
}

/** Body fields that are the content itself (logged as input), not parameters. */
const CONTENT_FIELDS = new Set(["model", "messages", "input", "prompt", "instructions", "fallbacks", "stream", "documents", "query", "texts"]);

/** How much of the input and output the content search sees. */
const SUMMARY_CHARS = 2_000;

export function logContentOf(requestText: string | null, responseText: string | null, responseKind: "body" | "chunks" | null, requestType: string): LogContent {
  const body = parseObject(requestText);
  return { input_history: inputOf(body), output_message: outputOf(responseText, responseKind, requestType), params: body ? paramsOf(body) : null };
}

/** Plain text of the input and the output, for content search. */
export function contentSummaryOf(content: LogContent): string {
  const parts: string[] = [];
  collectText(content.input_history, parts);
  collectText(content.output_message, parts);
  const text = parts.join("\n");
  return text.length > SUMMARY_CHARS ? text.slice(0, SUMMARY_CHARS) : text;
}

function parseObject(text: string | null): JsonObject | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function inputOf(body: JsonObject | undefined): unknown {
  if (!body) return null;
  if (Array.isArray(body["messages"])) return body["messages"];
  if (body["input"] !== undefined) return body["instructions"] !== undefined ? { instructions: body["instructions"], input: body["input"] } : body["input"];
  if (body["prompt"] !== undefined) return body["prompt"];
  if (body["query"] !== undefined) return { query: body["query"], documents: body["documents"] };
  return null;
}

function outputOf(text: string | null, kind: "body" | "chunks" | null, requestType: string): unknown {
  if (text === null || kind === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (kind === "chunks") {
    const chunks = Array.isArray(value) ? value.filter(isRecord) : [];
    return requestType === "responses_stream" ? (finalResponseOf(chunks)?.["output"] ?? null) : accumulateChatChunks(chunks);
  }
  if (!isRecord(value)) return null;
  const choices = value["choices"];
  if (Array.isArray(choices)) {
    const first: unknown = choices[0];
    if (isRecord(first)) return first["message"] ?? first["text"] ?? null;
  }
  if (Array.isArray(value["output"])) return value["output"];
  if (Array.isArray(value["data"]) && requestType === "embedding") return { embeddings: value["data"].length };
  const { extra_fields: _extra, ...rest } = value;
  return rest;
}

function paramsOf(body: JsonObject): JsonObject | null {
  const params: JsonObject = {};
  let any = false;
  for (const key in body) {
    if (CONTENT_FIELDS.has(key)) continue;
    params[key] = body[key];
    any = true;
  }
  return any ? params : null;
}

/** Every string under `content`, `text`, `reasoning`, `arguments`, `input`, `query`, `instructions` (or the value itself when it is text), depth-first. */
function collectText(value: unknown, parts: string[], depth = 0): void {
  if (depth > 8 || parts.length > 64) return;
  if (typeof value === "string") {
    parts.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectText(item, parts, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  for (const key of ["content", "text", "reasoning", "arguments", "input", "query", "instructions"]) {
    if (value[key] !== undefined) collectText(value[key], parts, depth + 1);
  }
  if (Array.isArray(value["tool_calls"])) collectText(value["tool_calls"], parts, depth + 1);
  if (isRecord(value["function"])) collectText(value["function"], parts, depth + 1);
}
