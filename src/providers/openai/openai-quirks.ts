import { isRecord, type JsonObject } from "../../core/schema/json.js";
import type { Operation } from "../../core/schema/request-type.js";
import type { OpenAIQuirks } from "./compatible-providers.js";

/** Reasoning models refuse `max_tokens` and ask for `max_completion_tokens`. */
const REASONING_MODEL = /^(o\d|gpt-5)/;

/**
 * OpenAI (and Azure OpenAI) validate message fields strictly, so canonical fields that only other
 * providers understand are taken off before sending: assistant `reasoning` / `reasoning_details`
 * (Anthropic thinking, Bedrock reasoning) and tool calls' `extra_content` (Gemini thought signatures).
 * They come back into history when a conversation moves between providers.
 */
export const openAIQuirks: OpenAIQuirks = {
  adaptRequest(op: Operation, body: JsonObject): void {
    if (op !== "chat") return;
    if (Array.isArray(body["messages"])) body["messages"] = body["messages"].map(withoutCanonicalOnlyFields);
    mapCanonicalReasoning(body);
    const model = body["model"];
    if (typeof model === "string" && REASONING_MODEL.test(model) && body["max_tokens"] !== undefined && body["max_completion_tokens"] === undefined) {
      body["max_completion_tokens"] = body["max_tokens"];
      delete body["max_tokens"];
    }
  },
};

/** Canonical `reasoning: {effort}` is OpenAI's `reasoning_effort`; token budgets have no OpenAI equivalent. */
function mapCanonicalReasoning(body: JsonObject): void {
  const reasoning = body["reasoning"];
  if (!isRecord(reasoning)) return;
  if (typeof reasoning["effort"] === "string" && body["reasoning_effort"] === undefined) body["reasoning_effort"] = reasoning["effort"];
  delete body["reasoning"];
}

function withoutCanonicalOnlyFields(message: unknown): unknown {
  if (!isRecord(message) || message["role"] !== "assistant") return message;
  const hasToolExtras = Array.isArray(message["tool_calls"]) && message["tool_calls"].some((c) => isRecord(c) && "extra_content" in c);
  if (!("reasoning" in message) && !("reasoning_details" in message) && !hasToolExtras) return message;
  const { reasoning: _reasoning, reasoning_details: _details, ...rest } = message;
  if (hasToolExtras) {
    rest["tool_calls"] = (message["tool_calls"] as unknown[]).map((call) => {
      if (!isRecord(call)) return call;
      const { extra_content: _extra, ...plain } = call;
      return plain;
    });
  }
  return rest;
}
