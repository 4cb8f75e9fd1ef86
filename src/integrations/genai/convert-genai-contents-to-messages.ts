import type { ChatContentPart, ChatMessage, ChatToolCall, ReasoningDetail } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { GeminiFunctionResponse, GeminiPart } from "../../providers/gemini/gemini-types.js";

const AUDIO_FORMATS: Readonly<Record<string, string>> = { "audio/wav": "wav", "audio/x-wav": "wav", "audio/mp3": "mp3", "audio/mpeg": "mp3" };

interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

/**
 * Gemini `systemInstruction` + `contents` → canonical messages. Model turns become assistant
 * messages (thought parts as reasoning, function calls as tool calls keeping their thought
 * signature); `functionResponse` parts become tool messages answering the call they name.
 * Gemini calls rarely carry ids: missing ids are made up per turn and matched by name.
 */
export function genaiContentsToMessages(systemInstruction: unknown, contents: unknown): ChatMessage[] {
  if (!Array.isArray(contents) || contents.length === 0) {
    throw failure({ status: 400, message: "contents is required and must be a non-empty array", param: "contents" });
  }
  const messages: ChatMessage[] = [];
  const system = systemMessage(systemInstruction);
  if (system) messages.push(system);
  const pending: PendingCall[] = [];
  contents.forEach((content, turn) => {
    const param = `contents[${turn}]`;
    if (!isRecord(content) || !Array.isArray(content["parts"])) {
      throw failure({ status: 400, message: "each content needs a parts array", param: `${param}.parts` });
    }
    const parts = content["parts"].map((part, i) => partOf(part, `${param}.parts[${i}]`));
    if (content["role"] === "model") messages.push(assistantMessage(parts, turn, pending, param));
    else messages.push(...userMessages(parts, pending, param));
  });
  return messages;
}

function systemMessage(instruction: unknown): ChatMessage | undefined {
  if (instruction === undefined || instruction === null) return undefined;
  if (typeof instruction === "string") return { role: "system", content: instruction };
  const parts = isRecord(instruction) && Array.isArray(instruction["parts"]) ? instruction["parts"] : [];
  const texts = parts.map((part, i) => {
    if (!isRecord(part) || typeof part["text"] !== "string") {
      throw failure({ status: 400, message: "systemInstruction parts must be text", param: `systemInstruction.parts[${i}]` });
    }
    return part["text"];
  });
  if (texts.length === 0) return undefined;
  return { role: "system", content: texts.length === 1 ? texts[0]! : texts.map((text) => ({ type: "text", text })) };
}

function partOf(part: unknown, param: string): GeminiPart {
  if (!isRecord(part)) throw failure({ status: 400, message: "a part must be an object", param });
  return part;
}

function assistantMessage(parts: GeminiPart[], turn: number, pending: PendingCall[], param: string): ChatMessage {
  let text: string | null = null;
  let reasoning: string | undefined;
  const details: ReasoningDetail[] = [];
  const toolCalls: ChatToolCall[] = [];
  parts.forEach((part, i) => {
    if (part.functionCall) {
      const name = part.functionCall.name ?? "";
      const id = part.functionCall.id || `call_${turn}_${toolCalls.length}`;
      pending.push({ id, name, answered: false });
      const call: ChatToolCall = { id, type: "function", function: { name, arguments: JSON.stringify(part.functionCall.args ?? {}) } };
      if (part.thoughtSignature) call.extra_content = { google: { thought_signature: part.thoughtSignature } };
      toolCalls.push(call);
    } else if (typeof part.text === "string" && part.thought === true) {
      reasoning = (reasoning ?? "") + part.text;
      details.push({ type: "reasoning.text", text: part.text, ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}) });
    } else if (typeof part.text === "string") {
      text = (text ?? "") + part.text;
    } else {
      throw failure({ status: 400, message: "model turns may hold text, thoughts and function calls only", param: `${param}.parts[${i}]` });
    }
  });
  const message: ChatMessage = { role: "assistant", content: text };
  if (reasoning !== undefined) {
    message.reasoning = reasoning;
    message.reasoning_details = details;
  }
  if (toolCalls.length) message.tool_calls = toolCalls;
  return message;
}

/** A user turn: function responses become tool messages, other parts one user message, in order. */
function userMessages(parts: GeminiPart[], pending: PendingCall[], param: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let userParts: ChatContentPart[] = [];
  const flushUser = (): void => {
    if (userParts.length === 0) return;
    const only = userParts[0]!;
    messages.push({ role: "user", content: userParts.length === 1 && only.type === "text" ? String(only["text"]) : userParts });
    userParts = [];
  };
  parts.forEach((part, i) => {
    if (part.functionResponse) {
      flushUser();
      messages.push(toolMessage(part.functionResponse, pending, `${param}.parts[${i}].functionResponse`));
    } else {
      userParts.push(userPart(part, `${param}.parts[${i}]`));
    }
  });
  flushUser();
  return messages;
}

function toolMessage(response: GeminiFunctionResponse, pending: PendingCall[], param: string): ChatMessage {
  const name = typeof response.name === "string" ? response.name : "";
  const call = pending.find((c) => !c.answered && response.id !== undefined && c.id === response.id) ?? pending.find((c) => !c.answered && c.name === name);
  if (!call) {
    throw failure({ status: 400, message: `functionResponse '${name}' answers no earlier functionCall of that name`, param });
  }
  call.answered = true;
  return { role: "tool", tool_call_id: call.id, content: toolResultText(response.response) };
}

/** `{content: "text"}` is how Iris wraps a plain-text result for Gemini; anything else stays JSON. */
function toolResultText(response: unknown): string {
  if (isRecord(response)) {
    const keys = Object.keys(response);
    if (keys.length === 1 && typeof response["content"] === "string") return response["content"];
  }
  return JSON.stringify(response ?? {});
}

function userPart(part: GeminiPart, param: string): ChatContentPart {
  if (typeof part.text === "string") return { type: "text", text: part.text };
  if (part.inlineData) {
    const { mimeType, data } = part.inlineData as { mimeType?: unknown; data?: unknown };
    if (typeof mimeType !== "string" || typeof data !== "string")
      throw failure({ status: 400, message: "inlineData needs mimeType and data strings", param: `${param}.inlineData` });
    return inlinePart(mimeType, data);
  }
  if (part.fileData) {
    if (typeof part.fileData.fileUri !== "string") throw failure({ status: 400, message: "fileData needs a fileUri string", param: `${param}.fileData` });
    const mimeType = typeof part.fileData.mimeType === "string" ? part.fileData.mimeType : "";
    if (mimeType.startsWith("image/")) return { type: "image_url", image_url: { url: part.fileData.fileUri } };
    return { type: "file", file: { file_id: part.fileData.fileUri, ...(mimeType ? { mime_type: mimeType } : {}) } };
  }
  throw failure({ status: 400, message: `unsupported part (${Object.keys(part).join(", ") || "empty"})`, param });
}

function inlinePart(mimeType: string, data: string): ChatContentPart {
  if (mimeType.startsWith("image/")) return { type: "image_url", image_url: { url: `data:${mimeType};base64,${data}` } };
  const format = AUDIO_FORMATS[mimeType];
  if (format) return { type: "input_audio", input_audio: { data, format } };
  const file: JsonObject = { file_data: `data:${mimeType};base64,${data}` };
  return { type: "file", file };
}
