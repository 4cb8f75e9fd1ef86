import { randomUUID } from "node:crypto";
import type { ChatMessage, ChatResponse, ChatToolCall, ReasoningDetail } from "../../schema/chat.js";
import { isRecord, textOf } from "../../schema/json.js";
import { canonicalUsageOf } from "./bedrock-usage.js";
import { mapBedrockStopReason } from "./map-bedrock-stop-reason.js";

/** Converse has no response id; canonical responses get one so clients can tell them apart. */
export function newBedrockCompletionId(): string {
  return `chatcmpl-${randomUUID()}`;
}

/**
 * Converse response → canonical chat completion: text blocks joined into `content`, `toolUse` blocks
 * into `tool_calls` (input re-serialised as the arguments text), reasoning blocks into `reasoning`
 * and `reasoning_details` (signatures and redacted bytes kept). Citation metadata has no canonical slot.
 */
export function decodeBedrockResponse(native: unknown, model: string): ChatResponse {
  const response = isRecord(native) ? native : {};
  const output = isRecord(response["output"]) ? response["output"] : {};
  const message = isRecord(output["message"]) ? output["message"] : {};
  const blocks = Array.isArray(message["content"]) ? message["content"] : [];
  const assistant = assistantMessageOf(blocks);
  const usage = canonicalUsageOf(response["usage"]);
  return {
    id: newBedrockCompletionId(),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: assistant, finish_reason: mapBedrockStopReason(response["stopReason"]) }],
    ...(usage ? { usage } : {}),
  };
}

function assistantMessageOf(blocks: readonly unknown[]): ChatMessage & { role: "assistant" } {
  let text: string | null = null;
  let reasoning: string | undefined;
  const details: ReasoningDetail[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (typeof block["text"] === "string") text = (text ?? "") + block["text"];
    const toolUse = block["toolUse"];
    if (isRecord(toolUse)) {
      toolCalls.push({
        id: textOf(toolUse["toolUseId"]),
        type: "function",
        function: { name: textOf(toolUse["name"]), arguments: JSON.stringify(toolUse["input"] ?? {}) },
      });
    }
    const reasoningContent = block["reasoningContent"];
    if (isRecord(reasoningContent)) {
      const detail = reasoningDetailOf(reasoningContent, details.length);
      if (detail) details.push(detail);
      if (detail?.type === "reasoning.text") reasoning = (reasoning ?? "") + detail.text;
    }
  }
  return {
    role: "assistant",
    content: text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning !== undefined ? { reasoning } : {}),
    ...(details.length > 0 ? { reasoning_details: details } : {}),
  };
}

function reasoningDetailOf(content: Record<string, unknown>, index: number): ReasoningDetail | undefined {
  const reasoningText = content["reasoningText"];
  if (isRecord(reasoningText) && typeof reasoningText["text"] === "string") {
    const signature = reasoningText["signature"];
    return { type: "reasoning.text", text: reasoningText["text"], ...(typeof signature === "string" ? { signature } : {}), index };
  }
  if (typeof content["redactedContent"] === "string") return { type: "reasoning.encrypted", data: content["redactedContent"], index };
  return undefined;
}
