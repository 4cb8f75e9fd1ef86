import type { ChatContentPart, ChatMessage, ChatRequest } from "../../schema/chat.js";
import { failure, type GatewayFailure } from "../../schema/error.js";
import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import { isChatShapedCountBody } from "../../schema/count-tokens-body.js";

/**
 * The body of OpenAI's `POST /v1/responses/input_tokens`: a Responses request. One that came in as
 * a Responses request passes as written; a canonical chat request (Anthropic and GenAI surfaces)
 * becomes Responses input items.
 */
export function toOpenAIInputTokensBody(body: JsonObject): JsonObject {
  if (!isChatShapedCountBody(body)) return { ...body };
  const chat = body as ChatRequest;
  const out: JsonObject = { input: chat.messages.flatMap((m, i) => toInputItems(m, `messages[${i}]`)) };
  if (Array.isArray(chat.tools) && chat.tools.length > 0) out["tools"] = chat.tools.map(toResponsesTool);
  const choice = toResponsesToolChoice(chat.tool_choice);
  if (choice !== undefined) out["tool_choice"] = choice;
  return out;
}

function toInputItems(message: ChatMessage, param: string): JsonObject[] {
  switch (message.role) {
    case "tool":
      return [{ type: "function_call_output", call_id: message.tool_call_id ?? "", output: toolOutput(message.content, param) }];
    case "assistant": {
      const items: JsonObject[] = [];
      const text = inputTextOf(message.content, param);
      if (text) items.push({ role: "assistant", content: text });
      for (const call of message.tool_calls ?? []) {
        items.push({ type: "function_call", call_id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
      return items;
    }
    case "user":
      return [{ role: "user", content: typeof message.content === "string" ? message.content : partsOf(message.content, param) }];
    default:
      return [{ role: message.role === "developer" ? "developer" : "system", content: inputTextOf(message.content, param) }];
  }
}

function partsOf(content: ChatContentPart[] | null | undefined, param: string): JsonObject[] {
  return (content ?? []).map((part, i) => toInputPart(part, `${param}.content[${i}]`));
}

function toInputPart(part: ChatContentPart, param: string): JsonObject {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: textOf(part["text"]) };
    case "image_url": {
      const image = isRecord(part["image_url"]) ? part["image_url"] : {};
      return { type: "input_image", image_url: textOf(image["url"]), detail: typeof image["detail"] === "string" ? image["detail"] : "auto" };
    }
    case "file": {
      const file = isRecord(part["file"]) ? part["file"] : {};
      const out: JsonObject = { type: "input_file" };
      for (const field of ["file_data", "file_id", "filename"]) if (typeof file[field] === "string") out[field] = file[field];
      return out;
    }
    default:
      throw unsupported(`${param}.type: '${part.type}' content cannot be counted by OpenAI`, `${param}.type`);
  }
}

function toolOutput(content: ChatMessage["content"], param: string): string | JsonObject[] {
  if (typeof content === "string") return content;
  const parts = partsOf(content, param);
  return parts.every((p) => p["type"] === "input_text") ? parts.map((p) => String(p["text"])).join("") : parts;
}

function inputTextOf(content: ChatMessage["content"], param: string): string {
  if (typeof content === "string") return content;
  return partsOf(content, param)
    .map((p) => (p["type"] === "input_text" ? String(p["text"]) : ""))
    .join("");
}

function toResponsesTool(tool: unknown, i: number): JsonObject {
  const fn = isRecord(tool) && tool["type"] === "function" && isRecord(tool["function"]) ? tool["function"] : undefined;
  if (!fn) throw unsupported(`tools[${i}]: only function tools can be counted by OpenAI`, `tools[${i}]`);
  const out: JsonObject = { type: "function", name: fn["name"] };
  for (const field of ["description", "parameters", "strict"]) if (fn[field] !== undefined && fn[field] !== null) out[field] = fn[field];
  return out;
}

function toResponsesToolChoice(choice: unknown): unknown {
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (isRecord(choice) && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string")
    return { type: "function", name: choice["function"]["name"] };
  return undefined;
}

function unsupported(message: string, param: string): GatewayFailure {
  return failure({ status: 400, message, param });
}
