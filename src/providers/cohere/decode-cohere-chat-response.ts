import type { ChatMessage, ChatResponse, ChatToolCall } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";
import type { CohereChatResponse, CohereToolCall } from "./cohere-types.js";
import { decodeCohereUsage } from "./decode-cohere-usage.js";
import { mapCohereFinishReason } from "./map-cohere-finish-reason.js";

/**
 * Cohere `/v2/chat` response → canonical chat completion. Text blocks become `content`; `thinking`
 * blocks and the `tool_plan` (Cohere's chain-of-thought before tool calls) become `reasoning`;
 * citations stay on the message as Cohere wrote them.
 */
export function decodeCohereChatResponse(native: CohereChatResponse, model: string): ChatResponse {
  const message = isRecord(native.message) ? native.message : { role: "assistant" as const };
  const blocks = Array.isArray(message.content) ? message.content.filter(isRecord) : [];
  const text = blocks.flatMap((b) => (b.type === "text" && typeof b.text === "string" ? [b.text] : [])).join("");
  const thinking = blocks.flatMap((b) => (b.type === "thinking" && typeof b.thinking === "string" ? [b.thinking] : []));
  const reasoning = [...thinking, typeof message.tool_plan === "string" ? message.tool_plan : ""].join("");
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord).map(toCanonicalToolCall) : [];
  const out: ChatMessage & { role: "assistant" } = { role: "assistant", content: text || (calls.length > 0 ? null : text) };
  if (reasoning) out.reasoning = reasoning;
  if (calls.length > 0) out.tool_calls = calls;
  if (Array.isArray(message.citations) && message.citations.length > 0) out["citations"] = message.citations;
  const response: ChatResponse = {
    id: native.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: out, finish_reason: mapCohereFinishReason(native.finish_reason) }],
  };
  const usage = decodeCohereUsage(native.usage);
  if (usage) response.usage = usage;
  return response;
}

function toCanonicalToolCall(call: CohereToolCall): ChatToolCall {
  return { id: call.id, type: "function", function: { name: call.function?.name ?? "", arguments: normalizeArguments(call.function?.arguments) } };
}

/** Cohere sends `"null"` or `""` for a call without arguments; OpenAI clients JSON.parse an object. */
function normalizeArguments(args: string | undefined): string {
  return args === undefined || args === "" || args === "null" ? "{}" : args;
}
