import type { ChatContentPart, ChatMessage, ChatToolCall } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { cachePointFor } from "./bedrock-cache-point.js";
import { bedrockDocumentName, documentFormatOfMime, imageFormatOfMime, parseBase64DataUrl } from "./bedrock-media.js";
import type {
  BedrockContentBlock,
  BedrockDocumentBlock,
  BedrockImageBlock,
  BedrockMessage,
  BedrockRole,
  BedrockSystemBlock,
  BedrockToolResultContent,
} from "./types.js";

export interface BedrockPrompt {
  system: BedrockSystemBlock[];
  messages: BedrockMessage[];
}

/**
 * Canonical messages → Converse `system` + `messages`. System/developer messages become system
 * blocks; tool messages become `toolResult` blocks of a user message; consecutive messages of one
 * role are merged (Converse wants user and assistant turns to alternate). A part with
 * `cache_control` is followed by a `cachePoint`.
 */
export function convertToBedrockMessages(messages: readonly ChatMessage[]): BedrockPrompt {
  const system: BedrockSystemBlock[] = [];
  const out: BedrockMessage[] = [];
  messages.forEach((message, i) => {
    const where = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...systemBlocks(message.content, where));
        break;
      case "user":
        append(out, "user", contentBlocks(message.content, where));
        break;
      case "assistant":
        append(out, "assistant", assistantBlocks(message, where));
        break;
      case "tool":
        append(out, "user", toolResultBlocks(message, where));
        break;
      default:
        throw failure({ status: 400, message: `bedrock does not support '${message.role}' messages`, param: `${where}.role` });
    }
  });
  return { system, messages: out };
}

function append(out: BedrockMessage[], role: BedrockRole, blocks: BedrockContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = out[out.length - 1];
  if (last?.role === role) last.content.push(...blocks);
  else out.push({ role, content: blocks });
}

function partsOf(content: ChatMessage["content"]): ChatContentPart[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return Array.isArray(content) ? content : [];
}

/** Appends the cache point a part's `cache_control` asks for, if any. */
function pushCachePoint(blocks: BedrockContentBlock[] | BedrockSystemBlock[], part: ChatContentPart): void {
  const cachePoint = cachePointFor(part["cache_control"]);
  if (cachePoint) blocks.push(cachePoint);
}

function systemBlocks(content: ChatMessage["content"], where: string): BedrockSystemBlock[] {
  const blocks: BedrockSystemBlock[] = [];
  partsOf(content).forEach((part, j) => {
    if (part.type !== "text" || typeof part["text"] !== "string") {
      throw failure({ status: 400, message: `bedrock system prompts take text only (got a '${part.type}' part)`, param: `${where}.content[${j}]` });
    }
    if (part["text"]) blocks.push({ text: part["text"] });
    pushCachePoint(blocks, part);
  });
  return blocks;
}

function contentBlocks(content: ChatMessage["content"], where: string): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = [];
  partsOf(content).forEach((part, j) => {
    const block = partBlock(part, `${where}.content[${j}]`);
    if (block) blocks.push(block);
    pushCachePoint(blocks, part);
  });
  return blocks;
}

function partBlock(part: ChatContentPart, where: string): BedrockImageBlock | BedrockDocumentBlock | { text: string } | undefined {
  switch (part.type) {
    case "text":
      return typeof part["text"] === "string" && part["text"] ? { text: part["text"] } : undefined;
    case "image_url":
      return imageBlock(part["image_url"], where);
    case "file":
      return documentBlock(part["file"], where);
    default:
      throw failure({ status: 400, message: `bedrock does not support '${part.type}' content parts`, param: where });
  }
}

function imageBlock(imageUrl: unknown, where: string): BedrockImageBlock {
  const url = isRecord(imageUrl) ? imageUrl["url"] : imageUrl;
  const data = typeof url === "string" ? parseBase64DataUrl(url) : undefined;
  if (!data) {
    throw failure({
      status: 400,
      message: "bedrock needs image bytes: image_url.url must be a base64 data: URL (remote image URLs are not fetched)",
      param: `${where}.image_url`,
    });
  }
  const format = imageFormatOfMime(data.mimeType);
  if (!format) throw failure({ status: 400, message: `bedrock does not support ${data.mimeType} images (png, jpeg, gif, webp)`, param: `${where}.image_url` });
  return { image: { format, source: { bytes: data.base64 } } };
}

function documentBlock(file: unknown, where: string): BedrockDocumentBlock {
  const fileData = isRecord(file) ? file["file_data"] : undefined;
  const data = typeof fileData === "string" ? parseBase64DataUrl(fileData) : undefined;
  if (!data) {
    throw failure({
      status: 400,
      message: "bedrock needs document bytes: file.file_data must be a base64 data: URL (file_id is not supported)",
      param: `${where}.file`,
    });
  }
  const format = documentFormatOfMime(data.mimeType);
  if (!format) throw failure({ status: 400, message: `bedrock does not support ${data.mimeType} documents`, param: `${where}.file` });
  const filename = isRecord(file) && typeof file["filename"] === "string" ? file["filename"] : undefined;
  const fallback = `document ${where.replace(/\D+/g, " ").trim().replace(/ /g, "-")}`;
  return { document: { format, name: bedrockDocumentName(filename, fallback), source: { bytes: data.base64 } } };
}

function assistantBlocks(message: ChatMessage, where: string): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = [];
  for (const detail of message.reasoning_details ?? []) {
    // Summaries (OpenAI) carry no signature Bedrock could verify; only Bedrock/Anthropic-shaped reasoning goes back.
    if (detail.type === "reasoning.text") {
      blocks.push({ reasoningContent: { reasoningText: { text: detail.text, ...(detail.signature ? { signature: detail.signature } : {}) } } });
    } else if (detail.type === "reasoning.encrypted") {
      blocks.push({ reasoningContent: { redactedContent: detail.data } });
    }
  }
  partsOf(message.content).forEach((part, j) => {
    const partWhere = `${where}.content[${j}]`;
    if (part.type === "refusal") return;
    if (part.type !== "text")
      throw failure({ status: 400, message: `bedrock assistant messages take text only (got a '${part.type}' part)`, param: partWhere });
    if (typeof part["text"] === "string" && part["text"]) blocks.push({ text: part["text"] });
    pushCachePoint(blocks, part);
  });
  (message.tool_calls ?? []).forEach((call, j) => blocks.push(toolUseBlock(call, `${where}.tool_calls[${j}]`)));
  return blocks;
}

function toolUseBlock(call: ChatToolCall, where: string): BedrockContentBlock {
  const name = call.function?.name;
  if (typeof call.id !== "string" || !call.id) throw failure({ status: 400, message: "tool call id is required", param: `${where}.id` });
  if (typeof name !== "string" || !name) throw failure({ status: 400, message: "tool call function.name is required", param: `${where}.function.name` });
  return { toolUse: { toolUseId: call.id, name, input: parseArguments(call.function.arguments, `${where}.function.arguments`) } };
}

/** Converse wants the tool input as a JSON value, not text. */
function parseArguments(text: unknown, where: string): unknown {
  if (text === undefined || text === null || text === "") return {};
  if (typeof text !== "string") return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed ?? {};
  } catch {
    throw failure({ status: 400, message: "tool call arguments must be valid JSON for bedrock", param: where });
  }
}

function toolResultBlocks(message: ChatMessage, where: string): BedrockContentBlock[] {
  if (typeof message.tool_call_id !== "string" || !message.tool_call_id) {
    throw failure({ status: 400, message: "tool messages need a tool_call_id", param: `${where}.tool_call_id` });
  }
  const parts = partsOf(message.content);
  const content: BedrockToolResultContent[] = [];
  parts.forEach((part, j) => {
    const block = partBlock(part, `${where}.content[${j}]`);
    if (block) content.push(block);
  });
  const result: BedrockContentBlock = {
    toolResult: { toolUseId: message.tool_call_id, content, ...(message["is_error"] === true ? { status: "error" } : {}) },
  };
  // A cache point cannot sit inside a tool result; it follows the result block instead.
  const blocks: BedrockContentBlock[] = [result];
  const marked = parts.find((part) => isRecord(part["cache_control"]));
  if (marked) pushCachePoint(blocks, marked);
  return blocks;
}

/** Whether the conversation holds tool calls or results (Converse then requires a toolConfig). */
export function hasToolHistory(messages: readonly BedrockMessage[]): boolean {
  return messages.some((m) => m.content.some((block) => "toolUse" in block || "toolResult" in block));
}
