import { textOf } from "../../schema/json.js";
import type { ChatMessage, ChatToolCall, ReasoningDetail } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import type {
  AnthropicMessageParam,
  AnthropicRedactedThinkingBlock,
  AnthropicRequestBlock,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from "./anthropic-types.js";
import { cacheControlOf, toAnthropicContentBlocks, withCache } from "./convert-to-anthropic-content.js";

export interface AnthropicConversation {
  system?: AnthropicTextBlock[];
  messages: AnthropicMessageParam[];
}

/**
 * Canonical messages → Anthropic's `system` + `messages`. System and developer messages become
 * system text blocks; tool results become `tool_result` blocks of a user turn; consecutive turns of
 * the same role are merged into one, as Anthropic expects alternating roles.
 */
export function toAnthropicConversation(messages: readonly ChatMessage[]): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessageParam[] = [];
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer":
        for (const block of toAnthropicContentBlocks(message.content, `${param}.content`)) {
          if (block.type !== "text") throw failure({ status: 400, message: "system messages may only hold text", param: `${param}.content` });
          system.push(block);
        }
        return;
      case "user":
        return appendTurn(turns, "user", toAnthropicContentBlocks(message.content, `${param}.content`));
      case "assistant":
        return appendTurn(turns, "assistant", assistantBlocks(message, param));
      case "tool":
        return appendTurn(turns, "user", [toolResultBlock(message, param)]);
      default:
        throw failure({ status: 400, message: `anthropic does not support messages with role '${message.role}'; use tool messages`, param: `${param}.role` });
    }
  });
  return system.length ? { system, messages: turns } : { messages: turns };
}

function appendTurn(turns: AnthropicMessageParam[], role: "user" | "assistant", blocks: AnthropicRequestBlock[]): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/** Signed thinking and redacted thinking first (Anthropic requires them before text and tool use), then text, then tool calls. */
function assistantBlocks(message: ChatMessage, param: string): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  for (const detail of message.reasoning_details ?? []) {
    const block = reasoningBlock(detail);
    if (block) blocks.push(block);
  }
  if (Array.isArray(message.content)) {
    message.content.forEach((part, j) => {
      if (part.type === "text") blocks.push(withCache({ type: "text", text: textOf(part["text"]) }, cacheControlOf(part)));
      else if (part.type !== "refusal") {
        throw failure({ status: 400, message: `assistant messages may only hold text parts, not '${part.type}'`, param: `${param}.content[${j}].type` });
      }
    });
  } else if (typeof message.content === "string" && message.content !== "") {
    blocks.push({ type: "text", text: message.content });
  }
  (message.tool_calls ?? []).forEach((call, j) => blocks.push(toolUseBlock(call, `${param}.tool_calls[${j}]`)));
  return blocks;
}

/** Only Anthropic's own reasoning state can be replayed: signed thinking and redacted thinking. */
function reasoningBlock(detail: ReasoningDetail): AnthropicThinkingBlock | AnthropicRedactedThinkingBlock | undefined {
  if (detail.type === "reasoning.text" && detail.signature) return { type: "thinking", thinking: detail.text, signature: detail.signature };
  if (detail.type === "reasoning.encrypted") return { type: "redacted_thinking", data: detail.data };
  return undefined;
}

function toolUseBlock(call: ChatToolCall, param: string): AnthropicToolUseBlock {
  const args = call.function.arguments;
  let input: unknown;
  try {
    input = args.trim() === "" ? {} : JSON.parse(args);
  } catch {
    throw failure({ status: 400, message: "tool call arguments must be a JSON object", param: `${param}.function.arguments` });
  }
  return { type: "tool_use", id: call.id, name: call.function.name, input };
}

function toolResultBlock(message: ChatMessage, param: string): AnthropicToolResultBlock {
  if (!message.tool_call_id) throw failure({ status: 400, message: "tool messages need tool_call_id", param: `${param}.tool_call_id` });
  const content = typeof message.content === "string" ? message.content : toAnthropicContentBlocks(message.content, `${param}.content`);
  return { type: "tool_result", tool_use_id: message.tool_call_id, content };
}
