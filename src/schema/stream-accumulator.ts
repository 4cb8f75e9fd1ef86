import { isRecord, type JsonObject } from "./json.js";

/**
 * A chat stream put back together: the text, the reasoning, and every tool call with its whole
 * arguments, from canonical chunks (OpenAI chat-completion chunks) in the order they came.
 */
export interface AccumulatedMessage {
  role: "assistant";
  content: string | null;
  reasoning?: string;
  tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
}

export function accumulateChatChunks(chunks: readonly JsonObject[]): AccumulatedMessage {
  let content = "";
  let sawContent = false;
  let reasoning = "";
  const calls = new Map<number, { id: string; type: "function"; function: { name: string; arguments: string } }>();
  for (const chunk of chunks) {
    const choices = chunk["choices"];
    if (!Array.isArray(choices)) continue;
    for (const choice of choices) {
      if (!isRecord(choice) || (choice["index"] ?? 0) !== 0 || !isRecord(choice["delta"])) continue;
      const delta = choice["delta"];
      if (typeof delta["content"] === "string") {
        content += delta["content"];
        sawContent = true;
      }
      if (typeof delta["reasoning"] === "string") reasoning += delta["reasoning"];
      else if (typeof delta["reasoning_content"] === "string") reasoning += delta["reasoning_content"];
      if (Array.isArray(delta["tool_calls"])) for (const call of delta["tool_calls"]) addToolCallDelta(calls, call);
    }
  }
  const message: AccumulatedMessage = { role: "assistant", content: sawContent ? content : null };
  if (reasoning) message.reasoning = reasoning;
  if (calls.size > 0) message.tool_calls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return message;
}

/** A tool-call delta: the first one names the call, later ones carry pieces of its arguments. */
function addToolCallDelta(calls: Map<number, { id: string; type: "function"; function: { name: string; arguments: string } }>, delta: unknown): void {
  if (!isRecord(delta)) return;
  const index = typeof delta["index"] === "number" ? delta["index"] : calls.size;
  const fn = isRecord(delta["function"]) ? delta["function"] : {};
  const call = calls.get(index) ?? { id: "", type: "function" as const, function: { name: "", arguments: "" } };
  if (typeof delta["id"] === "string" && delta["id"]) call.id = delta["id"];
  if (typeof fn["name"] === "string" && fn["name"]) call.function.name = fn["name"];
  if (typeof fn["arguments"] === "string") call.function.arguments += fn["arguments"];
  calls.set(index, call);
}

/** A Responses stream's final answer: its `response.completed` (or failed/incomplete) event carries the whole response. */
export function finalResponseOf(chunks: readonly JsonObject[]): JsonObject | undefined {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const response = chunks[i]!["response"];
    if (isRecord(response) && Array.isArray(response["output"])) return response;
  }
  return undefined;
}
