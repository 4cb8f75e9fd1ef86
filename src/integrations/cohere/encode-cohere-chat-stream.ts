import { isRecord, type JsonObject } from "../../schema/json.js";
import type { CohereStreamEvent, CohereUsage } from "../../providers/cohere/cohere-types.js";
import { toCohereFinishReason } from "../../providers/cohere/map-cohere-finish-reason.js";
import { encodeCohereUsage } from "./encode-cohere-usage.js";

/** What the encoder remembers between canonical chunks of one stream. */
export interface CohereStreamEncoderState {
  started: boolean;
  /** The content block being streamed (Cohere numbers content blocks and tool calls separately). */
  openBlock: { kind: "text" | "thinking"; index: number } | undefined;
  nextBlockIndex: number;
  /** Canonical tool-call index → Cohere's; the call still open, if any. */
  toolIndexes: Map<number, number>;
  openTool: number | undefined;
  nextCitationIndex: number;
  finishReason: string | null;
  usage: CohereUsage | undefined;
}

export interface CohereStreamEncoder {
  readonly state: CohereStreamEncoderState;
  /** One canonical chunk in, the Cohere events it completes out (in order). */
  push(chunk: JsonObject): CohereStreamEvent[];
  /** The stream ended: close what is open and finish with `message-end` (finish reason + usage). */
  end(): CohereStreamEvent[];
  /** The stream failed after it started: finish with `message-end` carrying the error. */
  fail(message: string): CohereStreamEvent[];
}

/**
 * Canonical chat chunks (from any provider) → Cohere v2 stream events, in Cohere's order:
 * `message-start`, content blocks (`content-start` / `content-delta` / `content-end`, thinking before
 * text), tool calls (`tool-call-start` / `tool-call-delta` / `tool-call-end`), then `message-end`.
 * The finish reason and usage are held until the end because usage may arrive in a later chunk.
 */
export function createCohereStreamEncoder(): CohereStreamEncoder {
  const state: CohereStreamEncoderState = {
    started: false,
    openBlock: undefined,
    nextBlockIndex: 0,
    toolIndexes: new Map(),
    openTool: undefined,
    nextCitationIndex: 0,
    finishReason: null,
    usage: undefined,
  };
  return {
    state,
    push: (chunk) => pushChunk(state, chunk),
    end: () => [...closeOpen(state), messageEnd(state)],
    fail: (message) => [...closeOpen(state), { type: "message-end", delta: { finish_reason: "ERROR", error: message } }],
  };
}

function pushChunk(state: CohereStreamEncoderState, chunk: JsonObject): CohereStreamEvent[] {
  const events: CohereStreamEvent[] = [];
  if (!state.started) {
    state.started = true;
    const id = typeof chunk["id"] === "string" ? chunk["id"] : undefined;
    events.push({
      ...(id !== undefined ? { id } : {}),
      type: "message-start",
      delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } },
    });
  }
  const usage = encodeCohereUsage(chunk["usage"]);
  if (usage) state.usage = usage;
  const choices = Array.isArray(chunk["choices"]) ? chunk["choices"] : [];
  const choice: unknown = choices.find((c: unknown) => isRecord(c) && (c["index"] ?? 0) === 0);
  if (!isRecord(choice)) return events;
  const delta = isRecord(choice["delta"]) ? choice["delta"] : {};
  const reasoning = delta["reasoning"];
  if (typeof reasoning === "string" && reasoning) events.push(...contentDelta(state, "thinking", reasoning));
  const content = delta["content"];
  if (typeof content === "string" && content) events.push(...contentDelta(state, "text", content));
  const calls = Array.isArray(delta["tool_calls"]) ? delta["tool_calls"] : [];
  calls.forEach((call: unknown, position) => {
    if (isRecord(call)) events.push(...toolCallDelta(state, call, position));
  });
  const citations = Array.isArray(delta["citations"]) ? delta["citations"] : [];
  for (const citation of citations) {
    if (!isRecord(citation)) continue;
    const index = state.nextCitationIndex++;
    events.push({ type: "citation-start", index, delta: { message: { citations: citation } } }, { type: "citation-end", index });
  }
  if (typeof choice["finish_reason"] === "string") state.finishReason = choice["finish_reason"];
  return events;
}

function contentDelta(state: CohereStreamEncoderState, kind: "text" | "thinking", text: string): CohereStreamEvent[] {
  const events: CohereStreamEvent[] = [];
  if (state.openBlock?.kind !== kind) {
    events.push(...closeOpen(state));
    const index = state.nextBlockIndex++;
    state.openBlock = { kind, index };
    const empty = kind === "text" ? { type: "text" as const, text: "" } : { type: "thinking" as const, thinking: "" };
    events.push({ type: "content-start", index, delta: { message: { content: empty } } });
  }
  const index = state.openBlock.index;
  const piece = kind === "text" ? { text } : { thinking: text };
  events.push({ type: "content-delta", index, delta: { message: { content: piece } } });
  return events;
}

function toolCallDelta(state: CohereStreamEncoderState, call: JsonObject, position: number): CohereStreamEvent[] {
  const events: CohereStreamEvent[] = [];
  const canonicalIndex = typeof call["index"] === "number" ? call["index"] : position;
  const fn = isRecord(call["function"]) ? call["function"] : {};
  let index = state.toolIndexes.get(canonicalIndex);
  if (index === undefined) {
    events.push(...closeOpen(state));
    index = state.toolIndexes.size;
    state.toolIndexes.set(canonicalIndex, index);
    state.openTool = index;
    const id = typeof call["id"] === "string" ? call["id"] : "";
    const name = typeof fn["name"] === "string" ? fn["name"] : "";
    events.push({ type: "tool-call-start", index, delta: { message: { tool_calls: { id, type: "function", function: { name, arguments: "" } } } } });
  }
  const args = fn["arguments"];
  if (typeof args === "string" && args) events.push({ type: "tool-call-delta", index, delta: { message: { tool_calls: { function: { arguments: args } } } } });
  return events;
}

function closeOpen(state: CohereStreamEncoderState): CohereStreamEvent[] {
  const events: CohereStreamEvent[] = [];
  if (state.openBlock) {
    events.push({ type: "content-end", index: state.openBlock.index });
    state.openBlock = undefined;
  }
  if (state.openTool !== undefined) {
    events.push({ type: "tool-call-end", index: state.openTool });
    state.openTool = undefined;
  }
  return events;
}

function messageEnd(state: CohereStreamEncoderState): CohereStreamEvent {
  return {
    type: "message-end",
    delta: { finish_reason: toCohereFinishReason(state.finishReason), ...(state.usage ? { usage: state.usage } : {}) },
  };
}
