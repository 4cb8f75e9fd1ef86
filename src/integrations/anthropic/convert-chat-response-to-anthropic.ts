import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { AnthropicMessage, AnthropicResponseBlock } from "../../providers/anthropic/anthropic-types.js";
import { mapFinishReasonToAnthropic, mapUsageToAnthropic } from "./map-chat-result-to-anthropic.js";

/**
 * Canonical chat completion → Anthropic Message: reasoning first (thinking with its signature,
 * redacted thinking), then text, then tool calls as `tool_use` blocks with parsed input.
 */
export function convertChatResponseToAnthropic(response: JsonObject, requestedModel: string): AnthropicMessage {
  const choices = Array.isArray(response["choices"]) ? response["choices"] : [];
  const choice = choices.find(isRecord) ?? {};
  const message = isRecord(choice["message"]) ? choice["message"] : {};
  return {
    id: typeof response["id"] === "string" ? response["id"] : "",
    type: "message",
    role: "assistant",
    model: typeof response["model"] === "string" ? response["model"] : requestedModel,
    content: [...reasoningBlocks(message), ...textBlocks(message["content"]), ...toolUseBlocks(message["tool_calls"])],
    stop_reason: mapFinishReasonToAnthropic(choice["finish_reason"]),
    stop_sequence: null,
    usage: mapUsageToAnthropic(response["usage"]),
  };
}

/** `reasoning_details` when the provider gave them; plain `reasoning` text otherwise (unsigned). */
function reasoningBlocks(message: JsonObject): AnthropicResponseBlock[] {
  const details = Array.isArray(message["reasoning_details"]) ? message["reasoning_details"].filter(isRecord) : [];
  if (details.length === 0) {
    const text = message["reasoning"];
    return typeof text === "string" && text !== "" ? [{ type: "thinking", thinking: text, signature: "" }] : [];
  }
  return details.flatMap((detail): AnthropicResponseBlock[] => {
    if (detail["type"] === "reasoning.encrypted") return [{ type: "redacted_thinking", data: textOf(detail["data"]) }];
    const text = detail["type"] === "reasoning.summary" ? detail["summary"] : detail["text"];
    return [{ type: "thinking", thinking: textOf(text), signature: textOf(detail["signature"]) }];
  });
}

function textBlocks(content: unknown): AnthropicResponseBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const text = content
    .filter(isRecord)
    .map((part) => (typeof part["text"] === "string" ? part["text"] : ""))
    .join("");
  return text === "" ? [] : [{ type: "text", text }];
}

function toolUseBlocks(toolCalls: unknown): AnthropicResponseBlock[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isRecord).map((call) => {
    const fn = isRecord(call["function"]) ? call["function"] : {};
    return { type: "tool_use", id: textOf(call["id"]), name: textOf(fn["name"]), input: parseToolInput(fn["arguments"]) };
  });
}

/** Tool arguments are JSON text on the canonical side and an object on Anthropic's. */
function parseToolInput(args: unknown): unknown {
  if (typeof args !== "string" || args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    return {};
  }
}
