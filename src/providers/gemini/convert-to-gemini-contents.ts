import type { ChatContentPart, ChatMessage, ChatToolCall } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, textOf } from "../../schema/json.js";
import { guessMimeType, mediaPart } from "./gemini-media.js";
import type { GeminiContent, GeminiPart, GeminiRole } from "./gemini-types.js";

export interface GeminiConversation {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

const AUDIO_FORMATS: Readonly<Record<string, string>> = { wav: "audio/wav", mp3: "audio/mp3" };

/**
 * Canonical messages → Gemini contents. System and developer messages become the system
 * instruction; assistant turns become `model` contents with function calls (thought signatures
 * restored on their parts); tool results become `functionResponse` parts named after the call
 * they answer. Adjacent turns of the same role are merged, as Gemini expects alternation.
 */
export function toGeminiConversation(messages: readonly ChatMessage[]): GeminiConversation {
  const callNames = toolCallNames(messages);
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textParts(message.content, `${param}.content`));
        return;
      case "user":
        return append(contents, "user", userParts(message.content, `${param}.content`));
      case "assistant":
        return append(contents, "model", assistantParts(message, param));
      case "tool":
      case "function":
        return append(contents, "user", [functionResponsePart(message, callNames, param)]);
    }
  });
  return { ...(system.length ? { systemInstruction: { role: "user", parts: system } } : {}), contents };
}

function append(contents: GeminiContent[], role: GeminiRole, parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/** Tool call id → function name, over every assistant turn (Gemini answers calls by name). */
function toolCallNames(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return names;
}

function textParts(content: ChatMessage["content"], param: string): GeminiPart[] {
  if (content === null || content === undefined || content === "") return [];
  if (typeof content === "string") return [{ text: content }];
  return content.map((part, i) => {
    if (part.type !== "text") {
      throw failure({ status: 400, message: `gemini system instructions take text only, not '${part.type}'`, param: `${param}[${i}].type` });
    }
    return { text: textOf(part["text"]) };
  });
}

function userParts(content: ChatMessage["content"], param: string): GeminiPart[] {
  if (content === null || content === undefined || content === "") return [];
  if (typeof content === "string") return [{ text: content }];
  return content.map((part, i) => userPart(part, `${param}[${i}]`));
}

function userPart(part: ChatContentPart, param: string): GeminiPart {
  switch (part.type) {
    case "text":
      return { text: textOf(part["text"]) };
    case "image_url": {
      const image = part["image_url"];
      const url = isRecord(image) ? image["url"] : undefined;
      if (typeof url !== "string" || url === "") {
        throw failure({ status: 400, message: "image_url.url must be a URL or a base64 data URL", param: `${param}.image_url.url` });
      }
      return mediaPart(url, `${param}.image_url.url`);
    }
    case "file":
      return filePart(part["file"], param);
    case "input_audio":
      return audioPart(part["input_audio"], param);
    default:
      throw failure({ status: 400, message: `gemini does not support content parts of type '${part.type}'`, param: `${param}.type` });
  }
}

/**
 * `file_data` (a data URL) is sent inline; `file_id` names a Gemini Files API file or a URL. The
 * media type comes from `mime_type` (set by the /genai surface), else the file name or URL.
 */
function filePart(file: unknown, param: string): GeminiPart {
  const spec = isRecord(file) ? file : {};
  const filename = typeof spec["filename"] === "string" ? spec["filename"] : undefined;
  const known = typeof spec["mime_type"] === "string" ? spec["mime_type"] : filename ? guessMimeType(filename) : undefined;
  if (typeof spec["file_data"] === "string") return mediaPart(spec["file_data"], `${param}.file.file_data`, known);
  if (typeof spec["file_id"] === "string") {
    return { fileData: { fileUri: spec["file_id"], mimeType: known ?? guessMimeType(spec["file_id"]) ?? "application/pdf" } };
  }
  throw failure({ status: 400, message: "file parts need file_data (a base64 data URL) or file_id", param: `${param}.file` });
}

function audioPart(audio: unknown, param: string): GeminiPart {
  const spec = isRecord(audio) ? audio : {};
  const format = typeof spec["format"] === "string" ? spec["format"] : "";
  const mimeType = AUDIO_FORMATS[format];
  if (typeof spec["data"] !== "string" || !mimeType) {
    throw failure({ status: 400, message: "input_audio needs base64 data and a format of wav or mp3", param: `${param}.input_audio` });
  }
  return { inlineData: { mimeType, data: spec["data"] } };
}

function assistantParts(message: ChatMessage, param: string): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const content = message.content;
  if (typeof content === "string" && content !== "") parts.push({ text: content });
  else if (Array.isArray(content)) {
    content.forEach((part, i) => {
      if (part.type === "text") parts.push({ text: textOf(part["text"]) });
      else if (part.type !== "refusal") {
        throw failure({ status: 400, message: `gemini assistant turns take text and tool calls, not '${part.type}'`, param: `${param}.content[${i}].type` });
      }
    });
  }
  (message.tool_calls ?? []).forEach((call, i) => parts.push(functionCallPart(call, `${param}.tool_calls[${i}]`)));
  return parts;
}

function functionCallPart(call: ChatToolCall, param: string): GeminiPart {
  const args = parseArguments(call.function.arguments, `${param}.function.arguments`);
  const signature = call.extra_content?.google?.thought_signature;
  return { functionCall: { name: call.function.name, args }, ...(signature ? { thoughtSignature: signature } : {}) };
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw failure({ status: 400, message: "tool call arguments must be a JSON object for gemini", param });
  }
  if (!isRecord(parsed)) throw failure({ status: 400, message: "tool call arguments must be a JSON object for gemini", param });
  return parsed;
}

function functionResponsePart(message: ChatMessage, callNames: Map<string, string>, param: string): GeminiPart {
  const id = message.tool_call_id;
  const name = (id ? callNames.get(id) : undefined) ?? message.name;
  if (!name) {
    throw failure({
      status: 400,
      message: `tool message answers tool_call_id '${id ?? ""}', which no assistant tool call in the conversation has; gemini needs the function name`,
      param: `${param}.tool_call_id`,
    });
  }
  return { functionResponse: { name, response: toolResponseObject(message.content) } };
}

/** Gemini wants an object: a JSON object result is sent as is, anything else under `content`. */
function toolResponseObject(content: ChatMessage["content"]): Record<string, unknown> {
  const text =
    typeof content === "string" ? content : Array.isArray(content) ? content.map((part) => (part.type === "text" ? textOf(part["text"]) : "")).join("") : "";
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
  } catch {
    // plain text result
  }
  return { content: text };
}
