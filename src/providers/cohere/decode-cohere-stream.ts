import { isRecord, type JsonObject } from "../../schema/json.js";
import type { ChunkDecoder, DecodedEvent } from "../types.js";
import type { CohereStreamEvent, CohereToolCall, CohereUsage } from "./cohere-types.js";
import { decodeCohereUsage } from "./decode-cohere-usage.js";
import { mapCohereFinishReason } from "./map-cohere-finish-reason.js";

/** What the decoder remembers between events of one stream. */
export interface CohereStreamState {
  id: string;
  model: string;
  created: number;
  /** Cohere's tool-call index → the canonical one, and the argument text seen so far. */
  toolCalls: Map<number, { index: number; arguments: string }>;
  /** `message-end` arrived: the answer is complete. */
  ended: boolean;
}

/**
 * Cohere `/v2/chat` SSE (named events) → canonical chat chunks. Text deltas become `content`, thinking
 * deltas and `tool-plan-delta` become `reasoning`, tool calls stream by index with their argument text,
 * and `message-end` gives the final chunk with the finish reason and usage.
 */
export function decodeCohereStream(model: string): ChunkDecoder {
  const state: CohereStreamState = { id: "", model, created: Math.floor(Date.now() / 1000), toolCalls: new Map(), ended: false };
  return {
    decode: ({ event, data }) => decodeEvent(state, event, data),
    // A body that stops before `message-end` is a cut-off answer, not a finished one.
    finish: () => (state.ended ? [] : [{ kind: "error", error: { status: 502, message: "cohere stream ended before message-end" } }]),
  };
}

function decodeEvent(state: CohereStreamState, eventName: string | undefined, data: string): DecodedEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [{ kind: "error", error: { status: 502, message: `cohere sent a stream event that is not JSON: ${data.slice(0, 200)}` } }];
  }
  if (!isRecord(parsed)) return [];
  const type = typeof parsed["type"] === "string" ? parsed["type"] : eventName;
  if (type === undefined && typeof parsed["message"] === "string") return [{ kind: "error", error: { status: 500, message: parsed["message"] } }];
  const ev = parsed as CohereStreamEvent;
  const emit = (delta: JsonObject): DecodedEvent[] => [{ kind: "chunk", chunk: chunkOf(state, delta, null), rawText: data }];
  switch (type) {
    case "message-start":
      if (ev.type === "message-start" && typeof ev.id === "string") state.id = ev.id;
      return emit({ role: "assistant", content: "" });
    case "content-start": {
      const content = ev.type === "content-start" ? ev.delta?.message?.content : undefined;
      if (content?.type === "text" && content.text) return emit({ content: content.text });
      if (content?.type === "thinking" && content.thinking) return emit({ reasoning: content.thinking });
      return [];
    }
    case "content-delta": {
      const content = ev.type === "content-delta" ? ev.delta?.message?.content : undefined;
      if (typeof content?.text === "string" && content.text) return emit({ content: content.text });
      if (typeof content?.thinking === "string" && content.thinking) return emit({ reasoning: content.thinking });
      return [];
    }
    case "tool-plan-delta": {
      const plan = ev.type === "tool-plan-delta" ? ev.delta?.message?.tool_plan : "";
      return plan ? emit({ reasoning: plan }) : [];
    }
    case "tool-call-start": {
      const call = ev.type === "tool-call-start" ? ev.delta?.message?.tool_calls : undefined;
      return call && ev.type === "tool-call-start" ? emit({ tool_calls: [startToolCall(state, ev.index, call)] }) : [];
    }
    case "tool-call-delta": {
      if (ev.type !== "tool-call-delta") return [];
      const call = state.toolCalls.get(ev.index);
      const args = ev.delta?.message?.tool_calls?.function?.arguments;
      if (!call || !args) return [];
      call.arguments += args;
      return emit({ tool_calls: [{ index: call.index, function: { arguments: args } }] });
    }
    case "tool-call-end": {
      // A call without arguments streams none; clients JSON.parse the arguments, so give them `{}`.
      const call = ev.type === "tool-call-end" ? state.toolCalls.get(ev.index) : undefined;
      if (!call || call.arguments !== "") return [];
      call.arguments = "{}";
      return emit({ tool_calls: [{ index: call.index, function: { arguments: "{}" } }] });
    }
    case "citation-start":
      return ev.type === "citation-start" && ev.delta?.message?.citations ? emit({ citations: [ev.delta.message.citations] }) : [];
    case "message-end":
      return ev.type === "message-end" ? endOfMessage(state, ev.delta ?? {}, data) : [];
    default:
      return [];
  }
}

function startToolCall(state: CohereStreamState, cohereIndex: number, call: CohereToolCall): JsonObject {
  const index = state.toolCalls.size;
  const args = call.function?.arguments ?? "";
  state.toolCalls.set(cohereIndex, { index, arguments: args });
  return { index, id: call.id, type: "function", function: { name: call.function?.name ?? "", arguments: args } };
}

function endOfMessage(state: CohereStreamState, delta: { finish_reason?: string; usage?: CohereUsage; error?: string }, data: string): DecodedEvent[] {
  state.ended = true;
  if (typeof delta.error === "string" && delta.error) return [{ kind: "error", error: { status: 500, message: delta.error } }];
  const chunk = chunkOf(state, {}, mapCohereFinishReason(delta.finish_reason) ?? "stop");
  const usage = decodeCohereUsage(delta.usage);
  if (usage) chunk["usage"] = usage;
  return [{ kind: "chunk", chunk, rawText: data }, { kind: "done" }];
}

/** A canonical `chat.completion.chunk` (typed loosely: stream deltas carry partial tool calls). */
function chunkOf(state: CohereStreamState, delta: JsonObject, finishReason: string | null): JsonObject {
  return {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}
