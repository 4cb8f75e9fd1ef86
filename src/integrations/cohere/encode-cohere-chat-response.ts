import { isRecord, type JsonObject } from "../../schema/json.js";
import type { CohereAssistantContent, CohereChatResponse, CohereCitation, CohereToolCall } from "../../providers/cohere/cohere-types.js";
import { toCohereFinishReason } from "../../providers/cohere/map-cohere-finish-reason.js";
import { encodeCohereUsage } from "./encode-cohere-usage.js";

/**
 * Canonical chat completion → Cohere v2 chat response: reasoning as a leading `thinking` block, text as
 * a `text` block, tool calls as they are; the gateway's `extra_fields` ride along.
 */
export function encodeCohereChatResponse(body: JsonObject): CohereChatResponse & { extra_fields?: unknown } {
  const choices = Array.isArray(body["choices"]) ? body["choices"] : [];
  const choice = isRecord(choices[0]) ? choices[0] : {};
  const message = isRecord(choice["message"]) ? choice["message"] : {};
  const content: CohereAssistantContent[] = [];
  const reasoning = message["reasoning"];
  if (typeof reasoning === "string" && reasoning) content.push({ type: "thinking", thinking: reasoning });
  const text = textOf(message["content"]);
  if (text) content.push({ type: "text", text });
  const calls = Array.isArray(message["tool_calls"]) ? message["tool_calls"].filter(isRecord).map(toCohereCall) : [];
  const out: CohereChatResponse & { extra_fields?: unknown } = {
    id: typeof body["id"] === "string" ? body["id"] : "",
    message: {
      role: "assistant",
      ...(content.length > 0 ? { content } : {}),
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
      ...(Array.isArray(message["citations"]) ? { citations: message["citations"] as CohereCitation[] } : {}),
    },
    finish_reason: toCohereFinishReason(typeof choice["finish_reason"] === "string" ? choice["finish_reason"] : null),
  };
  const usage = encodeCohereUsage(body["usage"]);
  if (usage) out.usage = usage;
  if (body["extra_fields"] !== undefined) out.extra_fields = body["extra_fields"];
  return out;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.flatMap((part: unknown) => (isRecord(part) && typeof part["text"] === "string" ? [part["text"]] : [])).join("");
}

function toCohereCall(call: JsonObject): CohereToolCall {
  const fn = isRecord(call["function"]) ? call["function"] : {};
  return {
    id: typeof call["id"] === "string" ? call["id"] : "",
    type: "function",
    function: {
      name: typeof fn["name"] === "string" ? fn["name"] : "",
      arguments: typeof fn["arguments"] === "string" && fn["arguments"] ? fn["arguments"] : "{}",
    },
  };
}
