import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { BedrockContentBlock, ConverseResponse } from "../../providers/bedrock/types.js";
import { latencyOf, mapFinishReasonToBedrock, mapUsageToBedrock } from "./map-chat-result-to-bedrock.js";

/**
 * Canonical chat completion → Converse response: reasoning blocks first (signatures and redacted
 * bytes kept), then the text, then one `toolUse` block per tool call with its arguments parsed back
 * into a JSON value.
 */
export function convertChatResponseToConverse(body: JsonObject): ConverseResponse {
  const choices = Array.isArray(body["choices"]) ? body["choices"].filter(isRecord) : [];
  const choice = choices.find((c) => (c["index"] ?? 0) === 0) ?? {};
  const message = isRecord(choice["message"]) ? choice["message"] : {};
  return {
    output: { message: { role: "assistant", content: converseContentOf(message) } },
    stopReason: mapFinishReasonToBedrock(choice["finish_reason"]),
    usage: mapUsageToBedrock(body["usage"]),
    metrics: { latencyMs: latencyOf(body) },
  };
}

function converseContentOf(message: JsonObject): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = reasoningBlocksOf(message);
  const text = textOfContent(message["content"]);
  if (text) blocks.push({ text });
  const toolCalls = Array.isArray(message["tool_calls"]) ? message["tool_calls"].filter(isRecord) : [];
  for (const call of toolCalls) {
    const fn = isRecord(call["function"]) ? call["function"] : {};
    blocks.push({ toolUse: { toolUseId: textOf(call["id"]), name: textOf(fn["name"]), input: toolInputOf(fn["arguments"]) } });
  }
  return blocks;
}

function reasoningBlocksOf(message: JsonObject): BedrockContentBlock[] {
  const details = Array.isArray(message["reasoning_details"]) ? message["reasoning_details"].filter(isRecord) : [];
  const blocks: BedrockContentBlock[] = [];
  for (const detail of details) {
    if (detail["type"] === "reasoning.text" && typeof detail["text"] === "string") {
      const signature = detail["signature"];
      blocks.push({ reasoningContent: { reasoningText: { text: detail["text"], ...(typeof signature === "string" ? { signature } : {}) } } });
    } else if (detail["type"] === "reasoning.encrypted" && typeof detail["data"] === "string") {
      blocks.push({ reasoningContent: { redactedContent: detail["data"] } });
    } else if (detail["type"] === "reasoning.summary" && typeof detail["summary"] === "string") {
      blocks.push({ reasoningContent: { reasoningText: { text: detail["summary"] } } });
    }
  }
  if (blocks.length === 0 && typeof message["reasoning"] === "string" && message["reasoning"]) {
    blocks.push({ reasoningContent: { reasoningText: { text: message["reasoning"] } } });
  }
  return blocks;
}

function textOfContent(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(isRecord)
    .map((part) => (part["type"] === "text" && typeof part["text"] === "string" ? part["text"] : ""))
    .join("");
}

/** Tool arguments are JSON text; a model that wrote invalid JSON gets its text passed on as a string. */
function toolInputOf(args: unknown): unknown {
  if (typeof args !== "string" || args.trim() === "") return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}
