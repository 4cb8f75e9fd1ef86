import type { ChatMessage, ReasoningDetail, Usage } from "../../schema/chat.js";
import type { ErrorDetails } from "../../schema/error.js";
import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { ChunkDecoder, DecodedEvent } from "../types.js";
import { ANTHROPIC_ERROR_STATUS } from "./anthropic-error-types.js";
import type { AnthropicBlockDelta, AnthropicErrorObject, AnthropicResponseBlock, AnthropicStreamEvent, AnthropicUsage } from "./anthropic-types.js";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-anthropic-usage.js";

/** What one Anthropic content block became on the canonical side. */
type BlockState =
  { kind: "text" } | { kind: "tool"; toolIndex: number; sentArguments: boolean } | { kind: "reasoning"; reasoningIndex: number } | { kind: "ignored" };

/** The decoder's whole state, in one plain object. */
interface AnthropicStreamState {
  id: string;
  model: string;
  created: number;
  usage: AnthropicUsage;
  stopReason: string | null;
  blocks: Map<number, BlockState>;
  toolCount: number;
  reasoningCount: number;
  finished: boolean;
}

/** A tool call fragment: the first one names the call, later ones carry argument text only. */
interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

type ChunkDelta = Partial<Omit<ChatMessage, "tool_calls">> & { tool_calls?: ToolCallDelta[] };

/**
 * Anthropic stream events → canonical chat chunks. Text, tool-call argument fragments, thinking
 * text and signatures flow through as they arrive; `message_stop` becomes the final chunk with the
 * mapped finish reason and the usage gathered from `message_start` and `message_delta`.
 */
export function decodeAnthropicStream(): ChunkDecoder {
  const state: AnthropicStreamState = {
    id: "",
    model: "",
    created: Math.floor(Date.now() / 1000),
    usage: {},
    stopReason: null,
    blocks: new Map(),
    toolCount: 0,
    reasoningCount: 0,
    finished: false,
  };
  return {
    decode({ data }) {
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        return [{ kind: "error", error: { status: 502, message: `anthropic sent a stream event that is not JSON: ${data.slice(0, 200)}` } }];
      }
      if (!isRecord(event)) return [];
      return decodeEvent(state, event as unknown as AnthropicStreamEvent, data);
    },
    finish() {
      if (state.finished || state.stopReason === null) return [];
      // The body ended after message_delta without message_stop: there is no native event to show raw.
      return [finalChunk(state, "null")];
    },
  };
}

function decodeEvent(state: AnthropicStreamState, event: AnthropicStreamEvent, rawText: string): DecodedEvent[] {
  switch (event.type) {
    case "message_start":
      state.id = event.message.id;
      state.model = event.message.model;
      state.usage = mergeAnthropicUsage(state.usage, event.message.usage ?? {});
      return [chunkEvent(state, { role: "assistant" }, rawText)];
    case "content_block_start":
      return blockStart(state, event.index, event.content_block, rawText);
    case "content_block_delta":
      return blockDelta(state, event.index, event.delta, rawText);
    case "content_block_stop":
      return blockStop(state, event.index, rawText);
    case "message_delta":
      state.stopReason = event.delta.stop_reason ?? state.stopReason;
      state.usage = mergeAnthropicUsage(state.usage, event.usage ?? {});
      return [];
    case "message_stop":
      return [finalChunk(state, rawText), { kind: "done" }];
    case "error":
      return [{ kind: "error", error: streamError(event.error) }];
    default:
      return [];
  }
}

function blockStart(state: AnthropicStreamState, index: number, block: AnthropicResponseBlock, rawText: string): DecodedEvent[] {
  switch (block.type) {
    case "text": {
      state.blocks.set(index, { kind: "text" });
      const text = typeof block["text"] === "string" ? block["text"] : "";
      return text ? [chunkEvent(state, { content: text }, rawText)] : [];
    }
    case "tool_use": {
      const toolIndex = state.toolCount++;
      const input = block["input"];
      const initial = isRecord(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : "";
      state.blocks.set(index, { kind: "tool", toolIndex, sentArguments: initial !== "" });
      const call: ToolCallDelta = {
        index: toolIndex,
        id: String(block["id"]),
        type: "function",
        function: { name: String(block["name"]), arguments: initial },
      };
      return [chunkEvent(state, { tool_calls: [call] }, rawText)];
    }
    case "thinking": {
      const reasoningIndex = state.reasoningCount++;
      state.blocks.set(index, { kind: "reasoning", reasoningIndex });
      const text = typeof block["thinking"] === "string" ? block["thinking"] : "";
      return text ? [chunkEvent(state, reasoningDelta(text, { type: "reasoning.text", text, index: reasoningIndex }), rawText)] : [];
    }
    case "redacted_thinking": {
      const reasoningIndex = state.reasoningCount++;
      state.blocks.set(index, { kind: "reasoning", reasoningIndex });
      const detail: ReasoningDetail = { type: "reasoning.encrypted", data: textOf(block["data"]), index: reasoningIndex };
      return [chunkEvent(state, { reasoning_details: [detail] }, rawText)];
    }
    default:
      state.blocks.set(index, { kind: "ignored" });
      return [];
  }
}

function blockDelta(state: AnthropicStreamState, index: number, delta: AnthropicBlockDelta, rawText: string): DecodedEvent[] {
  const block = state.blocks.get(index);
  switch (delta.type) {
    case "text_delta":
      return block?.kind === "text" && delta.text ? [chunkEvent(state, { content: delta.text }, rawText)] : [];
    case "input_json_delta": {
      if (block?.kind !== "tool" || !delta.partial_json) return [];
      block.sentArguments = true;
      return [chunkEvent(state, { tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] }, rawText)];
    }
    case "thinking_delta": {
      if (block?.kind !== "reasoning" || !delta.thinking) return [];
      const detail: ReasoningDetail = { type: "reasoning.text", text: delta.thinking, index: block.reasoningIndex };
      return [chunkEvent(state, reasoningDelta(delta.thinking, detail), rawText)];
    }
    case "signature_delta": {
      if (block?.kind !== "reasoning") return [];
      const detail: ReasoningDetail = { type: "reasoning.text", text: "", signature: delta.signature, index: block.reasoningIndex };
      return [chunkEvent(state, { reasoning_details: [detail] }, rawText)];
    }
    default:
      return [];
  }
}

/** A tool call whose input never arrived (no-argument tools) still ends with valid JSON arguments. */
function blockStop(state: AnthropicStreamState, index: number, rawText: string): DecodedEvent[] {
  const block = state.blocks.get(index);
  if (block?.kind !== "tool" || block.sentArguments) return [];
  block.sentArguments = true;
  return [chunkEvent(state, { tool_calls: [{ index: block.toolIndex, function: { arguments: "{}" } }] }, rawText)];
}

function reasoningDelta(text: string, detail: ReasoningDetail): ChunkDelta {
  return { reasoning: text, reasoning_details: [detail] };
}

function finalChunk(state: AnthropicStreamState, rawText: string): DecodedEvent {
  state.finished = true;
  const usage: Usage = mapAnthropicUsage(state.usage);
  const finish = mapAnthropicStopReason(state.stopReason) ?? "stop";
  return { kind: "chunk", chunk: chatChunk(state, {}, finish, usage), rawText };
}

function chunkEvent(state: AnthropicStreamState, delta: ChunkDelta, rawText: string): DecodedEvent {
  return { kind: "chunk", chunk: chatChunk(state, delta, null), rawText };
}

function chatChunk(state: AnthropicStreamState, delta: ChunkDelta, finishReason: string | null, usage?: Usage): JsonObject {
  const chunk: JsonObject = {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  if (usage) chunk["usage"] = usage;
  return chunk;
}

function streamError(error: Partial<AnthropicErrorObject> | undefined): ErrorDetails {
  const type = typeof error?.type === "string" ? error.type : undefined;
  const message = typeof error?.message === "string" && error.message ? error.message : "anthropic reported an error mid-stream";
  return { status: (type && ANTHROPIC_ERROR_STATUS[type]) || 500, message, ...(type ? { type } : {}) };
}
