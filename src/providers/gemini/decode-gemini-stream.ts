import type { ChatChunk, ChatChunkChoice, ChatMessage, ChatToolCall } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";
import type { ChunkDecoder, DecodedEvent } from "../types.js";
import { createdSeconds, responseIdFor } from "./decode-gemini-response.js";
import { decodeGeminiError } from "./gemini-error.js";
import { fallbackResponseId, geminiToolCallId } from "./gemini-tool-call-id.js";
import type { GeminiCandidate, GeminiFunctionCall, GeminiGenerateContentResponse, GeminiPart, GeminiUsageMetadata } from "./gemini-types.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";
import { mapGeminiLogprobs } from "./map-gemini-logprobs.js";
import { mapGeminiUsage } from "./map-gemini-usage.js";
import { createStreamedArgumentsWriter, type StreamedArgumentsWriter } from "./streamed-arguments-writer.js";

/** A tool call as it streams: later deltas of the same index carry argument fragments only. */
interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
  extra_content?: ChatToolCall["extra_content"];
}

interface CandidateState {
  announced: boolean;
  toolCalls: number;
  /** A call whose arguments Vertex is still streaming as partialArgs. */
  streaming?: { index: number; writer: StreamedArgumentsWriter };
  finishReason?: string;
}

interface StreamState {
  responseId?: string;
  model?: string;
  created?: number;
  usage?: GeminiUsageMetadata;
  promptBlocked: boolean;
  candidates: Map<number, CandidateState>;
  lastRawText: string;
}

/**
 * Gemini `alt=sse` stream → canonical chunks. Every event is a full GenerateContentResponse
 * holding only the new parts: text becomes `delta.content`, thought parts `delta.reasoning`,
 * function calls tool-call deltas (Vertex's streamed `partialArgs` written out as argument
 * fragments). Gemini repeats usage on each event and puts finishReason on the last one, so the
 * finish reason and usage go out once, in a final chunk, when the stream ends.
 */
export function geminiStreamDecoder(requestedModel: string): ChunkDecoder {
  const state: StreamState = { promptBlocked: false, candidates: new Map(), lastRawText: "{}" };
  return {
    decode({ data }): DecodedEvent[] {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return [{ kind: "error", error: { status: 502, message: `provider sent a stream event that is not JSON: ${data.slice(0, 200)}` } }];
      }
      const event: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!isRecord(event)) return [];
      if (isRecord(event["error"])) return [{ kind: "error", error: decodeGeminiError(500, data) }];
      state.lastRawText = data;
      return decodeEvent(state, event, requestedModel, data);
    },
    finish(): DecodedEvent[] {
      return finishStream(state, requestedModel);
    },
  };
}

function decodeEvent(state: StreamState, event: GeminiGenerateContentResponse, requestedModel: string, rawText: string): DecodedEvent[] {
  state.responseId ??= event.responseId ?? fallbackResponseId();
  state.model ??= event.modelVersion;
  state.created ??= createdSeconds(event.createTime);
  if (event.usageMetadata) state.usage = event.usageMetadata;
  const candidates = event.candidates ?? [];
  if (candidates.length === 0 && event.promptFeedback?.blockReason) state.promptBlocked = true;
  const choices: ChatChunkChoice[] = [];
  candidates.forEach((candidate, position) => {
    const choice = candidateDelta(state, candidate, candidate.index ?? position);
    if (choice) choices.push(choice);
  });
  return choices.length ? [{ kind: "chunk", chunk: chunkOf(state, requestedModel, choices), rawText }] : [];
}

function candidateDelta(state: StreamState, candidate: GeminiCandidate, index: number): ChatChunkChoice | undefined {
  const cs = candidateState(state, index);
  const delta: Partial<ChatMessage> = {};
  const toolCalls: ToolCallDelta[] = [];
  let text: string | undefined;
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) toolCalls.push(...functionCallDeltas(state, cs, index, part, part.functionCall));
    else if (typeof part.text === "string" && part.text !== "" && part.thought === true) {
      delta.reasoning = (delta.reasoning ?? "") + part.text;
      const signature = part.thoughtSignature ? { signature: part.thoughtSignature } : {};
      delta.reasoning_details = [...(delta.reasoning_details ?? []), { type: "reasoning.text", text: part.text, index: 0, ...signature }];
    } else if (typeof part.text === "string" && part.text !== "") {
      text = (text ?? "") + part.text;
    }
  }
  if (text !== undefined) delta.content = text;
  if (candidate.finishReason) {
    cs.finishReason = candidate.finishReason;
    toolCalls.push(...closeStreamingCall(cs));
  }
  if (toolCalls.length) delta.tool_calls = toolCalls as unknown as ChatToolCall[];
  const logprobs = candidate.logprobsResult ? { logprobs: mapGeminiLogprobs(candidate.logprobsResult) } : {};
  if (Object.keys(delta).length === 0 && !candidate.logprobsResult) return undefined;
  return { index, delta: announce(cs, delta), finish_reason: null, ...logprobs };
}

function functionCallDeltas(state: StreamState, cs: CandidateState, candidateIndex: number, part: GeminiPart, call: GeminiFunctionCall): ToolCallDelta[] {
  const signature = part.thoughtSignature ? { extra_content: { google: { thought_signature: part.thoughtSignature } } } : {};
  if (call.name) {
    const deltas = closeStreamingCall(cs);
    const index = cs.toolCalls++;
    const id = geminiToolCallId(call.id, responseIdFor(state.responseId!, candidateIndex), index);
    const streamsArguments = call.willContinue === true || call.partialArgs !== undefined;
    let args: string;
    if (streamsArguments) {
      const writer = createStreamedArgumentsWriter();
      cs.streaming = { index, writer };
      args = (call.partialArgs ?? []).map((arg) => writer.write(arg)).join("");
    } else {
      args = JSON.stringify(call.args ?? {});
    }
    deltas.push({ index, id, type: "function", function: { name: call.name, arguments: args }, ...signature });
    return deltas;
  }
  const streaming = cs.streaming;
  if (!streaming) return [];
  if (call.partialArgs?.length) {
    const fragment = call.partialArgs.map((arg) => streaming.writer.write(arg)).join("");
    return [{ index: streaming.index, function: { arguments: fragment }, ...signature }];
  }
  if (call.willContinue) return Object.keys(signature).length ? [{ index: streaming.index, ...signature }] : [];
  return closeStreamingCall(cs);
}

function closeStreamingCall(cs: CandidateState): ToolCallDelta[] {
  const streaming = cs.streaming;
  if (!streaming) return [];
  cs.streaming = undefined;
  return [{ index: streaming.index, function: { arguments: streaming.writer.close() } }];
}

function finishStream(state: StreamState, requestedModel: string): DecodedEvent[] {
  if (state.responseId === undefined) return [];
  if (state.candidates.size === 0) candidateState(state, 0);
  const choices: ChatChunkChoice[] = [];
  for (const [index, cs] of state.candidates) {
    const closing = closeStreamingCall(cs);
    const delta: Partial<ChatMessage> = closing.length ? { tool_calls: closing as unknown as ChatToolCall[] } : {};
    const reason = state.promptBlocked ? "content_filter" : mapGeminiFinishReason(cs.finishReason, cs.toolCalls > 0);
    choices.push({ index, delta: announce(cs, delta), finish_reason: reason });
  }
  const chunk = chunkOf(state, requestedModel, choices);
  if (state.usage) chunk.usage = mapGeminiUsage(state.usage);
  return [{ kind: "chunk", chunk, rawText: state.lastRawText }];
}

function candidateState(state: StreamState, index: number): CandidateState {
  let cs = state.candidates.get(index);
  if (!cs) {
    cs = { announced: false, toolCalls: 0 };
    state.candidates.set(index, cs);
  }
  return cs;
}

/** The first delta of each choice carries the assistant role, as OpenAI streams do. */
function announce(cs: CandidateState, delta: Partial<ChatMessage>): Partial<ChatMessage> {
  if (cs.announced) return delta;
  cs.announced = true;
  return { role: "assistant", ...delta };
}

function chunkOf(state: StreamState, requestedModel: string, choices: ChatChunkChoice[]): ChatChunk {
  return {
    id: state.responseId!,
    object: "chat.completion.chunk",
    created: state.created!,
    model: state.model ?? requestedModel,
    choices,
  };
}
