import { z } from "zod";
import type { ChatContentPart, ChatMessage, ChatRequest, ChatToolCall } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { CohereChatRequest, CohereMessage } from "../../providers/cohere/cohere-types.js";
import { parseCohereBody } from "./parse-cohere-body.js";

/** Cohere request fields no other provider has an equivalent for: refused unless Cohere serves the model. */
const COHERE_ONLY = ["documents", "citation_options", "safety_mode"] as const;

const cohereChatSchema = z.looseObject({
  model: z.string({ message: "model is required and must be a string" }).min(1, "model must not be empty"),
  messages: z
    .array(z.looseObject({ role: z.enum(["system", "user", "assistant", "tool"], { message: "role must be one of system, user, assistant, tool" }) }), {
      message: "messages is required and must be an array",
    })
    .min(1, "messages must not be empty"),
  stream: z.boolean({ message: "stream must be true or false" }).optional(),
});

/**
 * A Cohere v2 `/v2/chat` body → canonical chat request for the model's provider (`targetProvider`).
 * `p`/`k`/`stop_sequences`/`thinking` become their canonical names; Cohere-only features
 * (`documents`, `citation_options`, `safety_mode`) pass through for Cohere and are refused with a 400
 * for any other provider; `strict_tools` becomes `strict` on each tool elsewhere.
 */
export function convertCohereChatRequest(raw: unknown, targetProvider: string): ChatRequest {
  const native = parseCohereBody(cohereChatSchema, raw) as unknown as CohereChatRequest & JsonObject;
  const toCohere = targetProvider === "cohere";
  const out: ChatRequest = {
    model: native.model,
    messages: native.messages.map((m, i) => toCanonicalMessage(m, `messages[${i}]`, toCohere)),
  };
  if (native.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  copyNumber(native, "max_tokens", out, "max_tokens");
  copyNumber(native, "temperature", out, "temperature");
  copyNumber(native, "p", out, "top_p");
  copyNumber(native, "k", out, "top_k");
  copyNumber(native, "seed", out, "seed");
  copyNumber(native, "frequency_penalty", out, "frequency_penalty");
  copyNumber(native, "presence_penalty", out, "presence_penalty");
  if (Array.isArray(native.stop_sequences) && native.stop_sequences.length > 0) out.stop = native.stop_sequences;
  if (native.logprobs === true) out["logprobs"] = true;
  applyTools(native, out, toCohere);
  const format = native.response_format;
  if (isRecord(format)) out.response_format = toCanonicalResponseFormat(format);
  const thinking = native.thinking;
  if (isRecord(thinking)) {
    const budget = thinking["token_budget"];
    out.reasoning = thinking["type"] === "disabled" ? { effort: "none" } : typeof budget === "number" ? { max_tokens: budget } : { effort: "medium" };
  }
  for (const name of COHERE_ONLY) {
    if (native[name] === undefined || native[name] === null) continue;
    if (!toCohere) throw failure({ status: 400, message: `${name} is a Cohere feature; ${targetProvider} models cannot serve it`, param: name });
    out[name] = native[name];
  }
  if (toCohere && typeof native.priority === "number") out["priority"] = native.priority;
  return out;
}

function copyNumber(from: JsonObject, name: string, to: JsonObject, as: string): void {
  if (typeof from[name] === "number") to[as] = from[name];
}

function applyTools(native: CohereChatRequest, out: ChatRequest, toCohere: boolean): void {
  if (Array.isArray(native.tools) && native.tools.length > 0) {
    const strictElsewhere = native.strict_tools === true && !toCohere;
    out.tools = native.tools.map((tool) => ({
      type: "function",
      function: { ...tool.function, ...(strictElsewhere ? { strict: true } : {}) },
    }));
    if (toCohere && native.strict_tools === true) out["strict_tools"] = true;
  }
  const choice: string | undefined = native.tool_choice;
  if (choice === "REQUIRED") out.tool_choice = "required";
  else if (choice === "NONE") out.tool_choice = "none";
}

function toCanonicalResponseFormat(format: JsonObject): unknown {
  if (format["type"] !== "json_object") return { type: "text" };
  const schema = format["json_schema"];
  return isRecord(schema) ? { type: "json_schema", json_schema: { name: "response", schema } } : { type: "json_object" };
}

function toCanonicalMessage(message: CohereMessage, where: string, toCohere: boolean): ChatMessage {
  switch (message.role) {
    case "system":
      return { role: "system", content: canonicalContent(message.content, where) };
    case "user":
      return { role: "user", content: canonicalContent(message.content, where) };
    case "tool":
      if (typeof message.tool_call_id !== "string" || !message.tool_call_id) {
        throw failure({ status: 400, message: `${where}: a tool message needs tool_call_id`, param: `${where}.tool_call_id` });
      }
      return { role: "tool", tool_call_id: message.tool_call_id, content: toolContent(message.content, where, toCohere) };
    case "assistant": {
      const blocks: JsonObject[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : recordsOf(message.content);
      const text = blocks.flatMap((b) => (b["type"] === "text" && typeof b["text"] === "string" ? [b["text"]] : [])).join("");
      const thinking = blocks.flatMap((b) => (b["type"] === "thinking" && typeof b["thinking"] === "string" ? [b["thinking"]] : []));
      const reasoning = [...thinking, typeof message.tool_plan === "string" ? message.tool_plan : ""].join("");
      const calls = recordsOf(message.tool_calls).map(toCanonicalCall);
      const out: ChatMessage = { role: "assistant", content: text || (calls.length > 0 ? null : "") };
      if (reasoning) out.reasoning = reasoning;
      if (calls.length > 0) out.tool_calls = calls;
      return out;
    }
  }
}

function recordsOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function toCanonicalCall(call: JsonObject): ChatToolCall {
  const fn = isRecord(call["function"]) ? call["function"] : {};
  return {
    id: typeof call["id"] === "string" ? call["id"] : "",
    type: "function",
    function: { name: typeof fn["name"] === "string" ? fn["name"] : "", arguments: typeof fn["arguments"] === "string" ? fn["arguments"] : "{}" },
  };
}

function canonicalContent(content: unknown, where: string): string | ChatContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: unknown, j): ChatContentPart => {
    if (isRecord(part) && part["type"] === "text" && typeof part["text"] === "string") return { type: "text", text: part["text"] };
    if (isRecord(part) && part["type"] === "image_url" && isRecord(part["image_url"]))
      return { type: "image_url", image_url: part["image_url"] as { url: string } };
    throw failure({ status: 400, message: `${where}.content[${j}]: content must be text or image_url blocks`, param: `${where}.content[${j}]` });
  });
}

/** Tool results may hold documents; Cohere cites them, other providers read them as JSON text. */
function toolContent(content: unknown, where: string, toCohere: boolean): string | ChatContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: unknown, j): ChatContentPart => {
    if (isRecord(part) && part["type"] === "text" && typeof part["text"] === "string") return { type: "text", text: part["text"] };
    if (isRecord(part) && part["type"] === "document" && isRecord(part["document"])) {
      return toCohere ? { type: "document", document: part["document"] } : { type: "text", text: JSON.stringify(part["document"]["data"] ?? {}) };
    }
    throw failure({ status: 400, message: `${where}.content[${j}]: tool content must be text or document blocks`, param: `${where}.content[${j}]` });
  });
}
