import type { ChatContentPart, ChatMessage, ChatToolCall } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import type {
  CohereAssistantContent,
  CohereAssistantMessage,
  CohereMessage,
  CohereTextContent,
  CohereToolCall,
  CohereToolContent,
  CohereUserContent,
} from "./cohere-types.js";

/**
 * Canonical messages → Cohere v2 messages. Assistant reasoning goes back as Cohere's `tool_plan` when the
 * turn called tools (that is where Cohere put it) and as a `thinking` block otherwise. Content Cohere
 * cannot take (files, audio) fails with a 400 naming the part, never dropped.
 */
export function convertToCohereMessages(messages: readonly ChatMessage[]): CohereMessage[] {
  return messages.map((message, i) => convertMessage(message, `messages[${i}]`));
}

function convertMessage(message: ChatMessage, where: string): CohereMessage {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: textOnlyContent(message.content, where) };
    case "user":
      return { role: "user", content: userContent(message.content, where) };
    case "assistant":
      return assistantMessage(message, where);
    case "tool":
      if (typeof message.tool_call_id !== "string" || !message.tool_call_id) {
        throw failure({ status: 400, message: `${where}: a tool message needs tool_call_id`, param: `${where}.tool_call_id` });
      }
      return { role: "tool", tool_call_id: message.tool_call_id, content: toolContent(message.content, where) };
    default:
      throw failure({
        status: 400,
        message: `cohere does not support ${message.role}-role messages; send tool results as role tool with tool_call_id`,
        param: `${where}.role`,
      });
  }
}

function textOnlyContent(content: ChatMessage["content"], where: string): string | CohereTextContent[] {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part, j) => {
    if (part.type === "text" && typeof part["text"] === "string") return { type: "text", text: part["text"] };
    throw unsupportedPart(part, `${where}.content[${j}]`);
  });
}

/** Tool results: text, or Cohere `document` blocks (kept so Cohere can cite them). */
function toolContent(content: ChatMessage["content"], where: string): string | CohereToolContent[] {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part, j): CohereToolContent => {
    if (part.type === "text" && typeof part["text"] === "string") return { type: "text", text: part["text"] };
    const document = part["document"];
    if (part.type === "document" && isRecord(document) && isRecord(document["data"])) {
      return { type: "document", document: { data: document["data"], ...(typeof document["id"] === "string" ? { id: document["id"] } : {}) } };
    }
    throw unsupportedPart(part, `${where}.content[${j}]`);
  });
}

function userContent(content: ChatMessage["content"], where: string): string | CohereUserContent[] {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part, j): CohereUserContent => {
    if (part.type === "text" && typeof part["text"] === "string") return { type: "text", text: part["text"] };
    const image = part["image_url"];
    if (part.type === "image_url" && isRecord(image) && typeof image["url"] === "string") {
      const detail = image["detail"];
      return {
        type: "image_url",
        image_url: { url: image["url"], ...(detail === "auto" || detail === "low" || detail === "high" ? { detail } : {}) },
      };
    }
    throw unsupportedPart(part, `${where}.content[${j}]`);
  });
}

function assistantMessage(message: ChatMessage, where: string): CohereAssistantMessage {
  const text = assistantText(message.content, where);
  const reasoning = reasoningText(message);
  const calls = message.tool_calls ?? [];
  if (calls.length > 0) {
    return {
      role: "assistant",
      tool_calls: calls.map(toCohereToolCall),
      ...(reasoning ? { tool_plan: reasoning } : {}),
      ...(text ? { content: [{ type: "text", text }] } : {}),
    };
  }
  if (!reasoning) return { role: "assistant", content: text };
  const content: CohereAssistantContent[] = [{ type: "thinking", thinking: reasoning }];
  if (text) content.push({ type: "text", text });
  return { role: "assistant", content };
}

function assistantText(content: ChatMessage["content"], where: string): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((part, j) => {
      if (part.type === "text" && typeof part["text"] === "string") return part["text"];
      if (part.type === "refusal" && typeof part["refusal"] === "string") return part["refusal"];
      throw unsupportedPart(part, `${where}.content[${j}]`);
    })
    .join("");
}

/** Reasoning blocks in order when present (they are the full text), else the readable `reasoning`. */
function reasoningText(message: ChatMessage): string {
  const details = message.reasoning_details ?? [];
  const texts = details.flatMap((d) => (d.type === "reasoning.text" ? [d.text] : d.type === "reasoning.summary" ? [d.summary] : []));
  if (texts.length > 0) return texts.join("");
  return typeof message.reasoning === "string" ? message.reasoning : "";
}

function toCohereToolCall(call: ChatToolCall): CohereToolCall {
  return { id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments || "{}" } };
}

function unsupportedPart(part: ChatContentPart, param: string) {
  return failure({ status: 400, message: `cohere does not support ${part.type} content in this message`, param });
}
