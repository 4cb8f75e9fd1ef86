import { isRecord, type JsonObject } from "../../schema/json.js";
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from "../../providers/gemini/gemini-types.js";
import { functionCallParts, genaiFinishReason, genaiUsage, reasoningParts, textParts } from "./convert-canonical-to-genai-response.js";

interface BufferedToolCall {
  id?: string;
  name: string;
  arguments: string;
  extra_content?: unknown;
}

interface ChoiceState {
  toolCalls: Map<number, BufferedToolCall>;
  finishReason?: unknown;
}

export interface GenaiStreamEncoder {
  /** One canonical chunk in, zero or one Gemini stream chunks out. */
  encode(chunk: JsonObject): GeminiGenerateContentResponse[];
  /** The closing chunk: complete function calls, finishReason, usageMetadata. */
  finish(): GeminiGenerateContentResponse[];
}

/**
 * Canonical chat chunks → Gemini `streamGenerateContent` chunks. Text and thoughts go out as they
 * arrive. Gemini streams a function call whole, so tool-call argument fragments are collected and
 * sent, complete, in the last chunk together with the finish reason and usage.
 */
export function createGenaiStreamEncoder(): GenaiStreamEncoder {
  const choices = new Map<number, ChoiceState>();
  let usage: unknown;
  let responseId: string | undefined;
  let model: string | undefined;
  let extraFields: unknown;

  const stateOf = (index: number): ChoiceState => {
    let state = choices.get(index);
    if (!state) {
      state = { toolCalls: new Map() };
      choices.set(index, state);
    }
    return state;
  };
  const envelope = (candidates: GeminiCandidate[]): GeminiGenerateContentResponse => ({
    candidates,
    ...(model ? { modelVersion: model } : {}),
    ...(responseId ? { responseId } : {}),
    ...(extraFields ? { extra_fields: extraFields } : {}),
  });

  return {
    encode(chunk) {
      responseId ??= typeof chunk["id"] === "string" ? chunk["id"] : undefined;
      model ??= typeof chunk["model"] === "string" ? chunk["model"] : undefined;
      extraFields = chunk["extra_fields"] ?? extraFields;
      if (isRecord(chunk["usage"])) usage = chunk["usage"];
      const candidates: GeminiCandidate[] = [];
      for (const choice of Array.isArray(chunk["choices"]) ? chunk["choices"].filter(isRecord) : []) {
        const index = typeof choice["index"] === "number" ? choice["index"] : 0;
        const state = stateOf(index);
        if (choice["finish_reason"]) state.finishReason = choice["finish_reason"];
        const delta = isRecord(choice["delta"]) ? choice["delta"] : {};
        collectToolCalls(state, delta["tool_calls"]);
        const parts = [...reasoningParts(delta), ...textParts(delta["content"])];
        if (parts.length) candidates.push({ content: { role: "model", parts }, index });
      }
      return candidates.length ? [envelope(candidates)] : [];
    },
    finish() {
      if (choices.size === 0 && usage === undefined) return [];
      if (choices.size === 0) stateOf(0);
      const candidates: GeminiCandidate[] = [...choices].map(([index, state]) => {
        const calls = [...state.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
        const parts: GeminiPart[] = functionCallParts(calls.map((c) => ({ ...c, function: { name: c.name, arguments: c.arguments } })));
        const reason = genaiFinishReason(state.finishReason);
        return { content: { role: "model", parts: parts.length ? parts : [{ text: "" }] }, index, ...(reason ? { finishReason: reason } : {}) };
      });
      const last = envelope(candidates);
      const usageMetadata = genaiUsage(usage);
      if (usageMetadata) last.usageMetadata = usageMetadata;
      return [last];
    },
  };
}

function collectToolCalls(state: ChoiceState, toolCalls: unknown): void {
  if (!Array.isArray(toolCalls)) return;
  toolCalls.filter(isRecord).forEach((delta, position) => {
    const index = typeof delta["index"] === "number" ? delta["index"] : position;
    const call = state.toolCalls.get(index) ?? { name: "", arguments: "" };
    state.toolCalls.set(index, call);
    const fn = isRecord(delta["function"]) ? delta["function"] : {};
    if (typeof delta["id"] === "string" && delta["id"] && !call.id) call.id = delta["id"];
    if (typeof fn["name"] === "string" && fn["name"] && !call.name) call.name = fn["name"];
    if (typeof fn["arguments"] === "string") call.arguments += fn["arguments"];
    if (delta["extra_content"] !== undefined) call.extra_content = delta["extra_content"];
  });
}
