import type { ChatMessage, ChatResponse, ChatToolCall, ReasoningDetail } from "../../schema/chat.js";
import type { AnthropicMessage } from "./anthropic-types.js";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";
import { mapAnthropicUsage } from "./map-anthropic-usage.js";

/**
 * Anthropic Message → canonical chat completion: text blocks joined into `content`, `tool_use`
 * blocks as tool calls (input as JSON text), thinking as `reasoning` plus `reasoning_details`
 * (with signatures; redacted thinking as encrypted data) so they can be sent back next turn.
 */
export function fromAnthropicMessage(message: AnthropicMessage, created: number): ChatResponse {
  let text: string | null = null;
  let reasoning: string | undefined;
  const details: ReasoningDetail[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text" && typeof block["text"] === "string") {
      text = (text ?? "") + block["text"];
    } else if (block.type === "tool_use") {
      const input = block["input"] ?? {};
      toolCalls.push({ id: String(block["id"]), type: "function", function: { name: String(block["name"]), arguments: JSON.stringify(input) } });
    } else if (block.type === "thinking" && typeof block["thinking"] === "string") {
      reasoning = (reasoning ?? "") + block["thinking"];
      const signature = typeof block["signature"] === "string" && block["signature"] !== "" ? { signature: block["signature"] } : {};
      details.push({ type: "reasoning.text", text: block["thinking"], ...signature, index: details.length });
    } else if (block.type === "redacted_thinking" && typeof block["data"] === "string") {
      details.push({ type: "reasoning.encrypted", data: block["data"], index: details.length });
    }
  }
  const assistant: ChatMessage & { role: "assistant" } = { role: "assistant", content: text };
  if (reasoning !== undefined) assistant.reasoning = reasoning;
  if (details.length) assistant.reasoning_details = details;
  if (toolCalls.length) assistant.tool_calls = toolCalls;
  return {
    id: message.id,
    object: "chat.completion",
    created,
    model: message.model,
    choices: [{ index: 0, message: assistant, finish_reason: mapAnthropicStopReason(message.stop_reason) ?? "stop" }],
    usage: mapAnthropicUsage(message.usage),
  };
}
