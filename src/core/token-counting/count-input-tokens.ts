import type { ChatContentPart, ChatMessage, ChatRequest } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";
import type { Tokenizer } from "./bundled-tokenizers.js";

/**
 * OpenAI's documented chat framing (openai-cookbook, "How to count tokens with tiktoken"): every
 * message costs 3 tokens plus its role and content, a name 1 more, and every reply is primed
 * with 3 (`<|start|>assistant<|message|>`).
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;

/**
 * Images are priced by size, which is not known without fetching them: OpenAI's figures for a
 * low-detail image, and for a 1024×1024 image at high detail (85 + 4 tiles × 170).
 */
const LOW_DETAIL_IMAGE_TOKENS = 85;
const IMAGE_TOKENS = 765;

const TEXT_DATA_URL = /^data:text\/[\w.+-]+;base64,/;

export interface LocalTokenCount {
  tokens: number;
  /** Content the tokenizer cannot see (images, binary files, audio) was estimated or left out. */
  estimatedContent: boolean;
}

/**
 * Counts a canonical chat request's input with a bundled tokenizer: message texts with OpenAI's
 * per-message framing, tool calls (name and arguments), and tool definitions as their JSON.
 */
export function countChatInputTokens(request: ChatRequest, tokenizer: Tokenizer): LocalTokenCount {
  const count: LocalTokenCount = { tokens: REPLY_PRIMING_TOKENS, estimatedContent: false };
  for (const message of request.messages) countMessage(message, tokenizer, count);
  for (const tool of request.tools ?? []) count.tokens += tokenizer.count(JSON.stringify(toolDefinition(tool)));
  return count;
}

function countMessage(message: ChatMessage, tokenizer: Tokenizer, count: LocalTokenCount): void {
  count.tokens += TOKENS_PER_MESSAGE + tokenizer.count(message.role);
  if (typeof message.content === "string") count.tokens += tokenizer.count(message.content);
  else if (Array.isArray(message.content)) for (const part of message.content) countPart(part, tokenizer, count);
  if (typeof message.name === "string" && message.name) count.tokens += TOKENS_PER_NAME + tokenizer.count(message.name);
  for (const call of message.tool_calls ?? []) count.tokens += tokenizer.count(call.function.name) + tokenizer.count(call.function.arguments);
}

function countPart(part: ChatContentPart, tokenizer: Tokenizer, count: LocalTokenCount): void {
  if (part.type === "text" && typeof part["text"] === "string") {
    count.tokens += tokenizer.count(part["text"]);
    return;
  }
  const text = part.type === "file" ? plainTextOf(part["file"]) : undefined;
  if (text !== undefined) {
    count.tokens += tokenizer.count(text);
    return;
  }
  count.estimatedContent = true;
  if (part.type !== "image_url") return;
  const image = part["image_url"];
  count.tokens += isRecord(image) && image["detail"] === "low" ? LOW_DETAIL_IMAGE_TOKENS : IMAGE_TOKENS;
}

/** A plain-text document's text; binary files (PDFs) cannot be read here. */
function plainTextOf(file: unknown): string | undefined {
  const data = isRecord(file) ? file["file_data"] : undefined;
  if (typeof data !== "string") return undefined;
  const prefix = TEXT_DATA_URL.exec(data);
  return prefix ? Buffer.from(data.slice(prefix[0].length), "base64").toString("utf8") : undefined;
}

/** A function tool counts as its function object; any other tool as written. */
function toolDefinition(tool: unknown): unknown {
  return isRecord(tool) && tool["type"] === "function" && isRecord(tool["function"]) ? tool["function"] : tool;
}
