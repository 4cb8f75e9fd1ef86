import { randomUUID } from "node:crypto";
import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { AnthropicStopReason } from "../../providers/anthropic/anthropic-types.js";
import { mapFinishReasonToAnthropic, mapUsageToAnthropic } from "./map-chat-result-to-anthropic.js";

/** One SSE event of an Anthropic message stream. */
export interface AnthropicSseEvent {
  event: string;
  data: JsonObject;
}

/** The encoder's whole state, in one plain object. */
interface EncoderState {
  requestedModel: string;
  started: boolean;
  /** Next content block index (blocks are numbered in the order they start). */
  nextBlock: number;
  /** The block receiving deltas now, by its canonical key (`text`, `reasoning:<i>`, `tool:<i>`). */
  open: { key: string; index: number } | undefined;
  /** Content block index of each canonical tool call index (argument fragments may come late). */
  toolBlocks: Map<number, number>;
  stopReason: AnthropicStopReason;
  usage: unknown;
}

export interface AnthropicStreamEncoder {
  /** One canonical chunk in, the Anthropic events it amounts to out. */
  encode(chunk: JsonObject): AnthropicSseEvent[];
  /** After the last chunk: close the open block, then `message_delta` (stop reason, usage) and `message_stop`. */
  finish(): AnthropicSseEvent[];
}

/**
 * Canonical chat chunks → Anthropic's event sequence: `message_start`, then for each content block
 * `content_block_start`, its deltas and `content_block_stop`, then `message_delta` with the stop
 * reason and usage, and `message_stop`. Usage arrives at the end of canonical streams, so the
 * closing events wait for the stream to end.
 */
export function createAnthropicStreamEncoder(requestedModel: string): AnthropicStreamEncoder {
  const state: EncoderState = {
    requestedModel,
    started: false,
    nextBlock: 0,
    open: undefined,
    toolBlocks: new Map(),
    stopReason: "end_turn",
    usage: undefined,
  };
  return {
    encode: (chunk) => encodeChunk(state, chunk),
    finish() {
      const events = start(state, {});
      close(state, events);
      const usage = mapUsageToAnthropic(state.usage);
      events.push({ event: "message_delta", data: { type: "message_delta", delta: { stop_reason: state.stopReason, stop_sequence: null }, usage } });
      events.push({ event: "message_stop", data: { type: "message_stop" } });
      return events;
    },
  };
}

function encodeChunk(state: EncoderState, chunk: JsonObject): AnthropicSseEvent[] {
  const events = start(state, chunk);
  if (isRecord(chunk["usage"])) state.usage = chunk["usage"];
  const choices = Array.isArray(chunk["choices"]) ? chunk["choices"].filter(isRecord) : [];
  const choice = choices.find((c) => (c["index"] ?? 0) === 0);
  if (!choice) return events;
  const delta = isRecord(choice["delta"]) ? choice["delta"] : {};
  encodeReasoning(state, delta, events);
  if (typeof delta["content"] === "string" && delta["content"] !== "") {
    const index = openBlock(state, "text", { type: "text", text: "" }, events);
    events.push(blockDelta(index, { type: "text_delta", text: delta["content"] }));
  }
  if (Array.isArray(delta["tool_calls"])) for (const call of delta["tool_calls"].filter(isRecord)) encodeToolCall(state, call, events);
  if (typeof choice["finish_reason"] === "string") {
    close(state, events);
    state.stopReason = mapFinishReasonToAnthropic(choice["finish_reason"]);
  }
  return events;
}

function start(state: EncoderState, chunk: JsonObject): AnthropicSseEvent[] {
  if (state.started) return [];
  state.started = true;
  const id = typeof chunk["id"] === "string" && chunk["id"] ? chunk["id"] : `msg_${randomUUID().replace(/-/g, "")}`;
  const model = typeof chunk["model"] === "string" && chunk["model"] ? chunk["model"] : state.requestedModel;
  const message = {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0 },
  };
  return [{ event: "message_start", data: { type: "message_start", message } }];
}

/** `reasoning_details` carry block identity and signatures; bare `reasoning` text is one thinking block. */
function encodeReasoning(state: EncoderState, delta: JsonObject, events: AnthropicSseEvent[]): void {
  const details = Array.isArray(delta["reasoning_details"]) ? delta["reasoning_details"].filter(isRecord) : [];
  if (details.length === 0) {
    const text = delta["reasoning"];
    if (typeof text !== "string" || text === "") return;
    const index = openBlock(state, "reasoning", { type: "thinking", thinking: "", signature: "" }, events);
    events.push(blockDelta(index, { type: "thinking_delta", thinking: text }));
    return;
  }
  for (const detail of details) {
    const key = `reasoning:${typeof detail["index"] === "number" ? detail["index"] : 0}`;
    if (detail["type"] === "reasoning.encrypted") {
      openBlock(state, key, { type: "redacted_thinking", data: textOf(detail["data"]) }, events);
      close(state, events);
      continue;
    }
    const text = detail["type"] === "reasoning.summary" ? detail["summary"] : detail["text"];
    const index = openBlock(state, key, { type: "thinking", thinking: "", signature: "" }, events);
    if (typeof text === "string" && text !== "") events.push(blockDelta(index, { type: "thinking_delta", thinking: text }));
    if (typeof detail["signature"] === "string" && detail["signature"] !== "") {
      events.push(blockDelta(index, { type: "signature_delta", signature: detail["signature"] }));
    }
  }
}

/** The first fragment of a call (id, name) starts a `tool_use` block; argument text becomes `input_json_delta`. */
function encodeToolCall(state: EncoderState, call: JsonObject, events: AnthropicSseEvent[]): void {
  const toolIndex = typeof call["index"] === "number" ? call["index"] : 0;
  const fn = isRecord(call["function"]) ? call["function"] : {};
  let index = state.toolBlocks.get(toolIndex);
  if (index === undefined) {
    const id = typeof call["id"] === "string" && call["id"] ? call["id"] : `toolu_${randomUUID().replace(/-/g, "")}`;
    index = openBlock(state, `tool:${toolIndex}`, { type: "tool_use", id, name: textOf(fn["name"]), input: {} }, events);
    state.toolBlocks.set(toolIndex, index);
  }
  const args = fn["arguments"];
  if (typeof args === "string" && args !== "") events.push(blockDelta(index, { type: "input_json_delta", partial_json: args }));
}

/** The index of the block for `key`, starting it (and closing the previous one) when it is not the open one. */
function openBlock(state: EncoderState, key: string, contentBlock: JsonObject, events: AnthropicSseEvent[]): number {
  if (state.open?.key === key) return state.open.index;
  close(state, events);
  const index = state.nextBlock++;
  state.open = { key, index };
  events.push({ event: "content_block_start", data: { type: "content_block_start", index, content_block: contentBlock } });
  return index;
}

function close(state: EncoderState, events: AnthropicSseEvent[]): void {
  if (!state.open) return;
  events.push({ event: "content_block_stop", data: { type: "content_block_stop", index: state.open.index } });
  state.open = undefined;
}

function blockDelta(index: number, delta: JsonObject): AnthropicSseEvent {
  return { event: "content_block_delta", data: { type: "content_block_delta", index, delta } };
}
