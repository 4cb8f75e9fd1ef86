import type { Usage } from "../../schema/chat.js";
import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { ChunkDecoder, DecodedEvent } from "../types.js";
import { canonicalUsageOf } from "./bedrock-usage.js";
import { newBedrockCompletionId } from "./decode-bedrock-response.js";
import { mapBedrockStopReason } from "./map-bedrock-stop-reason.js";

/** What one ConverseStream decoder remembers between events. */
interface BedrockStreamState {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** Converse content block index → canonical tool call index. */
  readonly toolIndexByBlock: Map<number, number>;
  /** Converse content block index → canonical reasoning_details index. */
  readonly reasoningIndexByBlock: Map<number, number>;
  stopReason: string | undefined;
  stopPayload: string;
  finished: boolean;
}

/**
 * ConverseStream events (`messageStart`, `contentBlockStart`, `contentBlockDelta`, `contentBlockStop`,
 * `messageStop`, `metadata`) → canonical chat chunks. The finish reason (from `messageStop`) is sent
 * together with the usage (from `metadata`, which follows it) in one final chunk. Bedrock's `p`
 * padding field and citation deltas have no canonical meaning and are not passed on.
 */
export function bedrockStreamDecoder(model: string): ChunkDecoder {
  const state: BedrockStreamState = {
    id: newBedrockCompletionId(),
    created: Math.floor(Date.now() / 1000),
    model,
    toolIndexByBlock: new Map(),
    reasoningIndexByBlock: new Map(),
    stopReason: undefined,
    stopPayload: "{}",
    finished: false,
  };
  return {
    decode({ event, data }): DecodedEvent[] {
      let payload: unknown;
      try {
        payload = JSON.parse(data);
      } catch {
        return [
          {
            kind: "error",
            error: { status: 502, type: "stream_error", message: `bedrock sent a ${event ?? "stream"} event that is not JSON: ${data.slice(0, 200)}` },
          },
        ];
      }
      if (!isRecord(payload)) return [];
      switch (event) {
        case "messageStart":
          return [chunkOf(state, { role: "assistant" }, data)];
        case "contentBlockStart":
          return toolStart(state, payload, data);
        case "contentBlockDelta":
          return blockDelta(state, payload, data);
        case "messageStop":
          state.stopReason = typeof payload["stopReason"] === "string" ? payload["stopReason"] : "end_turn";
          state.stopPayload = data;
          return [];
        case "metadata":
          state.finished = true;
          return [finalChunk(state, canonicalUsageOf(payload["usage"]), data)];
        default:
          return [];
      }
    },
    finish(): DecodedEvent[] {
      if (state.finished || state.stopReason === undefined) return [];
      state.finished = true;
      return [finalChunk(state, undefined, state.stopPayload)];
    },
  };
}

function toolStart(state: BedrockStreamState, payload: JsonObject, rawText: string): DecodedEvent[] {
  const start = isRecord(payload["start"]) ? payload["start"] : {};
  const toolUse = start["toolUse"];
  if (!isRecord(toolUse)) return [];
  const index = toolIndexOf(state, payload["contentBlockIndex"]);
  const call = {
    index,
    id: textOf(toolUse["toolUseId"]),
    type: "function",
    function: { name: textOf(toolUse["name"]), arguments: "" },
  };
  return [chunkOf(state, { tool_calls: [call] }, rawText)];
}

function blockDelta(state: BedrockStreamState, payload: JsonObject, rawText: string): DecodedEvent[] {
  const delta = isRecord(payload["delta"]) ? payload["delta"] : {};
  const blockIndex = payload["contentBlockIndex"];
  const out: JsonObject = {};
  if (typeof delta["text"] === "string" && delta["text"]) out["content"] = delta["text"];
  const toolUse = delta["toolUse"];
  if (isRecord(toolUse) && typeof toolUse["input"] === "string" && toolUse["input"]) {
    out["tool_calls"] = [{ index: toolIndexOf(state, blockIndex), function: { arguments: toolUse["input"] } }];
  }
  const reasoning = delta["reasoningContent"];
  if (isRecord(reasoning)) Object.assign(out, reasoningDelta(state, reasoning, blockIndex));
  return Object.keys(out).length > 0 ? [chunkOf(state, out, rawText)] : [];
}

/** Reasoning text, its signature and redacted bytes, as canonical `reasoning` / `reasoning_details` deltas. */
function reasoningDelta(state: BedrockStreamState, reasoning: JsonObject, blockIndex: unknown): JsonObject {
  const index = indexFor(state.reasoningIndexByBlock, blockIndex);
  const text = reasoning["text"];
  const signature = reasoning["signature"];
  const redacted = reasoning["redactedContent"];
  if (typeof text === "string" && text) return { reasoning: text, reasoning_details: [{ type: "reasoning.text", text, index }] };
  if (typeof signature === "string") return { reasoning_details: [{ type: "reasoning.text", text: "", signature, index }] };
  if (typeof redacted === "string") return { reasoning_details: [{ type: "reasoning.encrypted", data: redacted, index }] };
  return {};
}

function toolIndexOf(state: BedrockStreamState, blockIndex: unknown): number {
  return indexFor(state.toolIndexByBlock, blockIndex);
}

/** The canonical index for a content block, allocated in order of first appearance. */
function indexFor(indexes: Map<number, number>, blockIndex: unknown): number {
  const key = typeof blockIndex === "number" ? blockIndex : -1;
  let index = indexes.get(key);
  if (index === undefined) {
    index = indexes.size;
    indexes.set(key, index);
  }
  return index;
}

function finalChunk(state: BedrockStreamState, usage: Usage | undefined, rawText: string): DecodedEvent {
  const finishReason = state.stopReason === undefined ? null : mapBedrockStopReason(state.stopReason);
  return chunkOf(state, {}, rawText, finishReason, usage);
}

function chunkOf(state: BedrockStreamState, delta: JsonObject, rawText: string, finishReason: string | null = null, usage?: Usage): DecodedEvent {
  const chunk: JsonObject = {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  };
  return { kind: "chunk", chunk, rawText };
}
