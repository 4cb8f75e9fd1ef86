import { isRecord, type JsonObject } from "../../schema/json.js";
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart, GeminiUsageMetadata } from "../../providers/gemini/gemini-types.js";

const FINISH_REASONS: Readonly<Record<string, string>> = {
  stop: "STOP",
  tool_calls: "STOP",
  function_call: "STOP",
  length: "MAX_TOKENS",
  content_filter: "SAFETY",
};

/** A canonical chat completion → Gemini GenerateContentResponse (one candidate per choice). */
export function canonicalToGenaiResponse(response: JsonObject): GeminiGenerateContentResponse {
  const choices = Array.isArray(response["choices"]) ? response["choices"].filter(isRecord) : [];
  const out: GeminiGenerateContentResponse = {
    candidates: choices.map((choice, position) => candidateOf(choice, position)),
  };
  const usage = genaiUsage(response["usage"]);
  if (usage) out.usageMetadata = usage;
  if (typeof response["model"] === "string") out.modelVersion = response["model"];
  if (typeof response["id"] === "string") out.responseId = response["id"];
  if (isRecord(response["extra_fields"])) out["extra_fields"] = response["extra_fields"];
  return out;
}

function candidateOf(choice: JsonObject, position: number): GeminiCandidate {
  const message = isRecord(choice["message"]) ? choice["message"] : {};
  const parts = [...reasoningParts(message), ...textParts(message["content"]), ...functionCallParts(message["tool_calls"])];
  const candidate: GeminiCandidate = {
    content: { role: "model", parts: parts.length ? parts : [{ text: "" }] },
    index: typeof choice["index"] === "number" ? choice["index"] : position,
  };
  const reason = genaiFinishReason(choice["finish_reason"]);
  if (reason) candidate.finishReason = reason;
  return candidate;
}

/** Reasoning blocks → thought parts, each with the signature it came with. */
export function reasoningParts(message: JsonObject): GeminiPart[] {
  const details = Array.isArray(message["reasoning_details"]) ? message["reasoning_details"].filter(isRecord) : [];
  const texts = details.filter((d) => d["type"] === "reasoning.text" || d["type"] === "reasoning.summary");
  if (texts.length) {
    return texts.map((d) => {
      const text = typeof d["text"] === "string" ? d["text"] : typeof d["summary"] === "string" ? d["summary"] : "";
      return { text, thought: true, ...(typeof d["signature"] === "string" ? { thoughtSignature: d["signature"] } : {}) };
    });
  }
  return typeof message["reasoning"] === "string" && message["reasoning"] !== "" ? [{ text: message["reasoning"], thought: true }] : [];
}

export function textParts(content: unknown): GeminiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((p) => isRecord(p) && typeof p["text"] === "string").map((p) => ({ text: (p as JsonObject)["text"] as string }));
}

export function functionCallParts(toolCalls: unknown): GeminiPart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isRecord).map((call) => {
    const fn = isRecord(call["function"]) ? call["function"] : {};
    const part: GeminiPart = {
      functionCall: {
        ...(typeof call["id"] === "string" ? { id: call["id"] } : {}),
        name: typeof fn["name"] === "string" ? fn["name"] : "",
        args: parseArgs(fn["arguments"]),
      },
    };
    const signature = thoughtSignatureOf(call);
    if (signature) part.thoughtSignature = signature;
    return part;
  });
}

function thoughtSignatureOf(call: JsonObject): string | undefined {
  const extra = call["extra_content"];
  const google = isRecord(extra) ? extra["google"] : undefined;
  const signature = isRecord(google) ? google["thought_signature"] : undefined;
  return typeof signature === "string" ? signature : undefined;
}

/** Arguments text → object; text that is not a JSON object is kept under `_raw` rather than lost. */
function parseArgs(text: unknown): Record<string, unknown> {
  if (typeof text !== "string" || text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : { _raw: text };
  } catch {
    return { _raw: text };
  }
}

export function genaiFinishReason(reason: unknown): string | undefined {
  return typeof reason === "string" ? (FINISH_REASONS[reason] ?? "OTHER") : undefined;
}

/** Canonical usage → usageMetadata: Gemini counts thinking tokens apart from candidate tokens. */
export function genaiUsage(usage: unknown): GeminiUsageMetadata | undefined {
  if (!isRecord(usage)) return undefined;
  const number = (v: unknown): number => (typeof v === "number" ? v : 0);
  const completionDetails = isRecord(usage["completion_tokens_details"]) ? usage["completion_tokens_details"] : {};
  const promptDetails = isRecord(usage["prompt_tokens_details"]) ? usage["prompt_tokens_details"] : {};
  const thoughts = completionDetails["reasoning_tokens"];
  const out: GeminiUsageMetadata = {
    promptTokenCount: number(usage["prompt_tokens"]),
    candidatesTokenCount: number(usage["completion_tokens"]) - number(thoughts),
    totalTokenCount: number(usage["total_tokens"]),
  };
  if (typeof thoughts === "number" && thoughts > 0) out.thoughtsTokenCount = thoughts;
  if (typeof promptDetails["cached_tokens"] === "number" && promptDetails["cached_tokens"] > 0) {
    out.cachedContentTokenCount = promptDetails["cached_tokens"];
  }
  return out;
}
