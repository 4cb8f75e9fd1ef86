import { createHash } from "node:crypto";
import { isRecord } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import type { OpenAIQuirks } from "./openai-quirks.js";

/**
 * Mistral's chat API is OpenAI-like with known differences:
 * - `max_tokens` instead of `max_completion_tokens`, `random_seed` instead of `seed`;
 * - `tool_choice: "any"` where OpenAI says `"required"`;
 * - no `stream_options` (it always reports usage on the last chunk);
 * - tool call ids must be exactly 9 characters of [a-zA-Z0-9];
 * - reasoning models answer with `content` as an array of `thinking` and `text` chunks;
 * - tool calls in a response carry no `type` (OpenAI's is always `"function"` here);
 * - `finish_reason: "model_length"` means the context window, i.e. OpenAI's `length`;
 * - embeddings come back as floats only.
 */
export const mistralQuirks: OpenAIQuirks = {
  embeddingBase64: false,
  adaptRequest(op: Operation, body: Record<string, unknown>): void {
    if (op !== "chat") return;
    renameField(body, "max_completion_tokens", "max_tokens");
    renameField(body, "seed", "random_seed");
    if (body["tool_choice"] === "required") body["tool_choice"] = "any";
    delete body["stream_options"];
    if (Array.isArray(body["messages"])) body["messages"] = body["messages"].map(shortenToolCallIds);
  },
  adaptResponse(op: Operation, native: Record<string, unknown>): void {
    if (op !== "chat") return;
    const choices = native["choices"];
    if (!Array.isArray(choices)) return;
    for (const choice of choices) {
      if (!isRecord(choice)) continue;
      if (choice["finish_reason"] === "model_length") choice["finish_reason"] = "length";
      for (const field of ["message", "delta"]) {
        const message = choice[field];
        if (isRecord(message)) splitThinkingContent(message);
      }
      if (isRecord(choice["message"])) typeToolCalls(choice["message"]);
    }
  },
};

/** Mistral omits `type` on a response's tool calls; OpenAI clients narrow tool calls on `type: "function"`. */
function typeToolCalls(message: Record<string, unknown>): void {
  const calls = message["tool_calls"];
  if (!Array.isArray(calls)) return;
  for (const call of calls) if (isRecord(call) && call["type"] === undefined) call["type"] = "function";
}

function renameField(body: Record<string, unknown>, from: string, to: string): void {
  if (body[from] === undefined) return;
  if (body[to] === undefined) body[to] = body[from];
  delete body[from];
}

const MISTRAL_TOOL_ID = /^[a-zA-Z0-9]{9}$/;
const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Maps any tool call id to a stable 9-character id Mistral accepts; the same id always maps the same. */
export function mistralToolCallId(id: string): string {
  if (MISTRAL_TOOL_ID.test(id)) return id;
  const digest = createHash("sha256").update(id).digest();
  let out = "";
  for (let i = 0; i < 9; i++) out += ALPHANUMERIC[digest[i]! % ALPHANUMERIC.length];
  return out;
}

function shortenToolCallIds(message: unknown): unknown {
  if (!isRecord(message)) return message;
  const copy: Record<string, unknown> = { ...message };
  if (typeof copy["tool_call_id"] === "string") copy["tool_call_id"] = mistralToolCallId(copy["tool_call_id"]);
  if (Array.isArray(copy["tool_calls"])) {
    copy["tool_calls"] = copy["tool_calls"].map((call: unknown) =>
      isRecord(call) && typeof call["id"] === "string" ? { ...call, id: mistralToolCallId(call["id"]) } : call,
    );
  }
  return copy;
}

/** `content: [{type:"thinking", thinking:[{type:"text",text}]}, {type:"text",text}]` → `reasoning` + `content`. */
function splitThinkingContent(message: Record<string, unknown>): void {
  const content = message["content"];
  if (!Array.isArray(content)) return;
  let text = "";
  let reasoning = "";
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part["type"] === "text" && typeof part["text"] === "string") text += part["text"];
    if (part["type"] === "thinking" && Array.isArray(part["thinking"])) {
      for (const t of part["thinking"]) if (isRecord(t) && typeof t["text"] === "string") reasoning += t["text"];
    }
  }
  message["content"] = text;
  if (reasoning) message["reasoning"] = reasoning;
}
