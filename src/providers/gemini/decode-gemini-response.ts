import type { ChatChoice, ChatResponse, ChatToolCall, ReasoningDetail } from "../../schema/chat.js";
import { fallbackResponseId, geminiToolCallId } from "./gemini-tool-call-id.js";
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from "./gemini-types.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";
import { mapGeminiLogprobs } from "./map-gemini-logprobs.js";
import { mapGeminiUsage } from "./map-gemini-usage.js";

/**
 * Gemini GenerateContentResponse → canonical chat completion: one choice per candidate, text
 * parts as content, thought parts as reasoning, function calls as tool calls (with ids and the
 * thought signature kept in `extra_content.google`). A prompt blocked before any candidate
 * (promptFeedback.blockReason) is one empty choice with finish_reason content_filter.
 */
export function decodeGeminiResponse(native: GeminiGenerateContentResponse, requestedModel: string): ChatResponse {
  const responseId = native.responseId ?? fallbackResponseId();
  const candidates = native.candidates ?? [];
  const choices: ChatChoice[] = candidates.map((candidate, i) => toChoice(candidate, i, responseId));
  if (choices.length === 0 && native.promptFeedback?.blockReason) {
    choices.push({ index: 0, message: { role: "assistant", content: null }, finish_reason: "content_filter" });
  }
  const response: ChatResponse = {
    id: responseId,
    object: "chat.completion",
    created: createdSeconds(native.createTime),
    model: native.modelVersion ?? requestedModel,
    choices,
  };
  if (native.usageMetadata) response.usage = mapGeminiUsage(native.usageMetadata);
  return response;
}

function toChoice(candidate: GeminiCandidate, position: number, responseId: string): ChatChoice {
  const parts: GeminiPart[] = candidate.content?.parts ?? [];
  const index = candidate.index ?? position;
  let text: string | null = null;
  let reasoning: string | null = null;
  let signature: string | undefined;
  const toolCalls: ChatToolCall[] = [];
  for (const part of parts) {
    if (part.functionCall) {
      toolCalls.push(toolCallOf(part, geminiToolCallId(part.functionCall.id, responseIdFor(responseId, index), toolCalls.length)));
    } else if (typeof part.text === "string" && part.thought === true) {
      reasoning = (reasoning ?? "") + part.text;
      signature = part.thoughtSignature ?? signature;
    } else if (typeof part.text === "string") {
      text = (text ?? "") + part.text;
    }
  }
  const message: ChatChoice["message"] = { role: "assistant", content: text };
  if (reasoning !== null) {
    const detail: ReasoningDetail = { type: "reasoning.text", text: reasoning, ...(signature ? { signature } : {}) };
    message.reasoning = reasoning;
    message.reasoning_details = [detail];
  }
  if (toolCalls.length) message.tool_calls = toolCalls;
  const choice: ChatChoice = { index, message, finish_reason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0) };
  if (candidate.logprobsResult) choice.logprobs = mapGeminiLogprobs(candidate.logprobsResult);
  return choice;
}

function toolCallOf(part: GeminiPart, id: string): ChatToolCall {
  const call: ChatToolCall = {
    id,
    type: "function",
    function: { name: part.functionCall?.name ?? "", arguments: JSON.stringify(part.functionCall?.args ?? {}) },
  };
  if (part.thoughtSignature) call.extra_content = { google: { thought_signature: part.thoughtSignature } };
  return call;
}

/** Candidates of one response share its id; their calls must not. */
export function responseIdFor(responseId: string, candidateIndex: number): string {
  return candidateIndex === 0 ? responseId : `${responseId}_${candidateIndex}`;
}

export function createdSeconds(createTime: string | undefined): number {
  const parsed = createTime ? Date.parse(createTime) : Number.NaN;
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}
