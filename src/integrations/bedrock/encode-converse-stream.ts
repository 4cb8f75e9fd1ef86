import { randomUUID } from "node:crypto";
import type { BifrostError } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import { bedrockStreamExceptionForStatus } from "../../providers/bedrock/bedrock-exceptions.js";
import { encodeEventStreamMessage } from "../../providers/bedrock/event-stream.js";
import type { BedrockStreamEvent } from "../../providers/bedrock/types.js";
import { latencyOf, mapFinishReasonToBedrock, mapUsageToBedrock } from "./map-chat-result-to-bedrock.js";

/** One ConverseStream event before framing: the `:event-type` and its JSON payload. */
export type ConverseStreamEvent = BedrockStreamEvent;

/** The encoder's whole state, in one plain object. */
interface EncoderState {
  started: boolean;
  /** Next content block index (blocks are numbered in the order they open). */
  nextBlock: number;
  /** The block receiving deltas now, by its canonical key (`text`, `reasoning:<i>`, `tool:<i>`). */
  open: { key: string; index: number } | undefined;
  /** Content block index of each canonical tool call index (argument fragments may come late). */
  toolBlocks: Map<number, number>;
  /** Set once `messageStop` is out. */
  stopped: boolean;
  usage: unknown;
  latencyMs: number;
}

export interface ConverseStreamEncoder {
  /** One canonical chunk in, the ConverseStream events it amounts to out. */
  encode(chunk: JsonObject): ConverseStreamEvent[];
  /** After the last chunk: close what is open, `messageStop` if not sent yet, then `metadata` with the usage. */
  finish(): ConverseStreamEvent[];
}

/**
 * Canonical chat chunks → ConverseStream events: `messageStart`, content blocks (text and reasoning
 * blocks start with their first delta, as Bedrock's do; tool blocks with a `contentBlockStart`
 * naming the tool), `contentBlockStop`, `messageStop` when the finish reason arrives, and
 * `metadata` (usage, latency) once the stream has ended, since canonical usage comes last.
 */
export function createConverseStreamEncoder(): ConverseStreamEncoder {
  const state: EncoderState = { started: false, nextBlock: 0, open: undefined, toolBlocks: new Map(), stopped: false, usage: undefined, latencyMs: 0 };
  return {
    encode: (chunk) => encodeChunk(state, chunk),
    finish() {
      const events = start(state);
      if (!state.stopped) stop(state, "end_turn", events);
      const usage = mapUsageToBedrock(state.usage);
      events.push({ type: "metadata", payload: { usage, metrics: { latencyMs: state.latencyMs } } });
      return events;
    },
  };
}

function start(state: EncoderState): ConverseStreamEvent[] {
  if (state.started) return [];
  state.started = true;
  return [{ type: "messageStart", payload: { role: "assistant" } }];
}

function encodeChunk(state: EncoderState, chunk: JsonObject): ConverseStreamEvent[] {
  const events = start(state);
  if (isRecord(chunk["usage"])) state.usage = chunk["usage"];
  state.latencyMs = latencyOf(chunk) || state.latencyMs;
  const choices = Array.isArray(chunk["choices"]) ? chunk["choices"].filter(isRecord) : [];
  const choice = choices.find((c) => (c["index"] ?? 0) === 0);
  if (!choice || state.stopped) return events;
  const delta = isRecord(choice["delta"]) ? choice["delta"] : {};
  encodeReasoning(state, delta, events);
  if (typeof delta["content"] === "string" && delta["content"] !== "") {
    const index = openBlock(state, "text", events);
    events.push(blockDelta(index, { text: delta["content"] }));
  }
  if (Array.isArray(delta["tool_calls"])) {
    delta["tool_calls"].filter(isRecord).forEach((call, position) => encodeToolCall(state, call, position, events));
  }
  if (typeof choice["finish_reason"] === "string") stop(state, mapFinishReasonToBedrock(choice["finish_reason"]), events);
  return events;
}

/** `reasoning_details` deltas when present (they carry signatures and redacted bytes), else plain `reasoning` text. */
function encodeReasoning(state: EncoderState, delta: JsonObject, events: ConverseStreamEvent[]): void {
  const details = Array.isArray(delta["reasoning_details"]) ? delta["reasoning_details"].filter(isRecord) : [];
  for (const detail of details) {
    const index = openBlock(state, `reasoning:${typeof detail["index"] === "number" ? detail["index"] : 0}`, events);
    const reasoning = reasoningDeltaOf(detail);
    for (const part of reasoning) events.push(blockDelta(index, { reasoningContent: part }));
  }
  if (details.length === 0 && typeof delta["reasoning"] === "string" && delta["reasoning"] !== "") {
    const index = openBlock(state, "reasoning:0", events);
    events.push(blockDelta(index, { reasoningContent: { text: delta["reasoning"] } }));
  }
}

function reasoningDeltaOf(detail: JsonObject): JsonObject[] {
  const parts: JsonObject[] = [];
  if (detail["type"] === "reasoning.encrypted" && typeof detail["data"] === "string") return [{ redactedContent: detail["data"] }];
  const text = detail["type"] === "reasoning.summary" ? detail["summary"] : detail["text"];
  if (typeof text === "string" && text !== "") parts.push({ text });
  if (typeof detail["signature"] === "string") parts.push({ signature: detail["signature"] });
  return parts;
}

function encodeToolCall(state: EncoderState, call: JsonObject, position: number, events: ConverseStreamEvent[]): void {
  const toolIndex = typeof call["index"] === "number" ? call["index"] : position;
  const fn = isRecord(call["function"]) ? call["function"] : {};
  let blockIndex = state.toolBlocks.get(toolIndex);
  if (blockIndex === undefined) {
    close(state, events);
    blockIndex = state.nextBlock++;
    state.toolBlocks.set(toolIndex, blockIndex);
    state.open = { key: `tool:${toolIndex}`, index: blockIndex };
    const toolUseId = typeof call["id"] === "string" && call["id"] ? call["id"] : `tooluse_${randomUUID().replace(/-/g, "")}`;
    events.push({
      type: "contentBlockStart",
      payload: { contentBlockIndex: blockIndex, start: { toolUse: { toolUseId, name: typeof fn["name"] === "string" ? fn["name"] : "" } } },
    });
  }
  if (typeof fn["arguments"] === "string" && fn["arguments"] !== "") events.push(blockDelta(blockIndex, { toolUse: { input: fn["arguments"] } }));
}

/** The index of the block for `key`, closing the open block and opening a new one when the key changes. */
function openBlock(state: EncoderState, key: string, events: ConverseStreamEvent[]): number {
  if (state.open?.key === key) return state.open.index;
  close(state, events);
  state.open = { key, index: state.nextBlock++ };
  return state.open.index;
}

function close(state: EncoderState, events: ConverseStreamEvent[]): void {
  if (!state.open) return;
  events.push({ type: "contentBlockStop", payload: { contentBlockIndex: state.open.index } });
  state.open = undefined;
}

function stop(state: EncoderState, stopReason: string, events: ConverseStreamEvent[]): void {
  close(state, events);
  state.stopped = true;
  events.push({ type: "messageStop", payload: { stopReason } });
}

function blockDelta(index: number, delta: JsonObject): ConverseStreamEvent {
  return { type: "contentBlockDelta", payload: { contentBlockIndex: index, delta } };
}

/** One event as an event-stream message, with the headers Bedrock sends. */
export function converseEventMessage(event: ConverseStreamEvent): Buffer {
  return encodeEventStreamMessage({ ":event-type": event.type, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(event.payload));
}

/** A failure after the stream started, as the exception message the Bedrock SDKs raise. */
export function converseExceptionMessage(err: BifrostError): Buffer {
  return encodeEventStreamMessage(
    { ":exception-type": bedrockStreamExceptionForStatus(err.status_code), ":content-type": "application/json", ":message-type": "exception" },
    JSON.stringify({ message: err.error.message }),
  );
}
