import type { ChatContentPart, ChatMessage, ChatRequest, ChatToolCall } from "./chat.js";
import { failure, type GatewayFailure } from "./error.js";
import { isRecord, type JsonObject, quoted } from "./json.js";

/** Responses fields that point at state only OpenAI holds; no other counter can see what they add. */
const OPENAI_STATE_FIELDS = ["previous_response_id", "conversation"] as const;

/**
 * A Responses request's input → the canonical chat request, for counting by anything but OpenAI
 * (another provider's counting endpoint, or the bundled tokenizer). `instructions` become the
 * system message; messages, function calls and their outputs map one to one; reasoning items are
 * left out (another vendor's reasoning cannot be replayed). Anything only OpenAI can resolve —
 * stored-state references, file ids for images, built-in tools — is a 400 naming it, never a
 * silent undercount.
 */
export function convertResponsesToChat(body: JsonObject): ChatRequest {
  for (const field of OPENAI_STATE_FIELDS) {
    if (body[field] !== undefined && body[field] !== null) throw openAIOnly(`${field} refers to state stored at OpenAI`, field);
  }
  const messages: ChatMessage[] = [];
  const instructions = body["instructions"];
  if (typeof instructions === "string" && instructions !== "") messages.push({ role: "system", content: instructions });
  const input = body["input"];
  if (typeof input === "string") messages.push({ role: "user", content: input });
  else if (Array.isArray(input)) input.forEach((item, i) => addInputItem(messages, item, `input[${i}]`));
  const request: ChatRequest = { model: typeof body["model"] === "string" ? body["model"] : "", messages };
  if (Array.isArray(body["tools"]) && body["tools"].length > 0) request.tools = body["tools"].map(toChatTool);
  const choice = toChatToolChoice(body["tool_choice"]);
  if (choice !== undefined) request.tool_choice = choice;
  return request;
}

function addInputItem(messages: ChatMessage[], item: unknown, param: string): void {
  if (!isRecord(item)) throw invalid(`${param}: must be an input item object`, param);
  const type = item["type"] ?? "message";
  switch (type) {
    case "message":
      messages.push(toChatMessage(item, param));
      return;
    case "function_call":
      addFunctionCall(messages, item, param);
      return;
    case "function_call_output":
      messages.push({ role: "tool", tool_call_id: stringField(item, "call_id", param), content: toolOutput(item["output"], `${param}.output`) });
      return;
    case "reasoning":
      return;
    default:
      throw openAIOnly(`${quoted(type)} input items are understood by OpenAI only`, `${param}.type`);
  }
}

function toChatMessage(item: JsonObject, param: string): ChatMessage {
  const role = item["role"];
  if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") {
    throw invalid(`${param}.role: must be user, assistant, system or developer`, `${param}.role`);
  }
  const content = item["content"];
  if (typeof content === "string") return { role, content };
  if (!Array.isArray(content)) throw invalid(`${param}.content: must be a string or an array of content parts`, `${param}.content`);
  const parts = content.map((part, i) => toChatPart(part, `${param}.content[${i}]`));
  if (role !== "user" && parts.every((p) => p.type === "text")) return { role, content: parts.map((p) => String(p["text"])).join("") };
  return { role, content: parts };
}

function toChatPart(part: unknown, param: string): ChatContentPart {
  if (!isRecord(part)) throw invalid(`${param}: must be a content part object`, param);
  switch (part["type"]) {
    case "input_text":
    case "output_text":
    case "text":
      return { type: "text", text: stringField(part, "text", param) };
    case "refusal":
      return { type: "text", text: stringField(part, "refusal", param) };
    case "input_image": {
      const url = part["image_url"];
      if (typeof url !== "string") throw openAIOnly("images given by file_id are stored at OpenAI", `${param}.file_id`);
      const detail = part["detail"];
      return { type: "image_url", image_url: { url, ...(detail === "low" || detail === "high" || detail === "auto" ? { detail } : {}) } };
    }
    case "input_file": {
      if (typeof part["file_data"] !== "string" && typeof part["file_id"] !== "string")
        throw openAIOnly("files given by file_url are fetched by OpenAI", `${param}.file_url`);
      const file: JsonObject = {};
      for (const field of ["file_data", "file_id", "filename"]) if (typeof part[field] === "string") file[field] = part[field];
      return { type: "file", file };
    }
    case "input_audio":
      return { type: "input_audio", input_audio: part["input_audio"] };
    default:
      throw invalid(`${param}.type: content parts of type '${String(part["type"])}' are not supported`, `${param}.type`);
  }
}

/** Consecutive function calls belong to the assistant turn before them. */
function addFunctionCall(messages: ChatMessage[], item: JsonObject, param: string): void {
  const call: ChatToolCall = {
    id: stringField(item, "call_id", param),
    type: "function",
    function: { name: stringField(item, "name", param), arguments: typeof item["arguments"] === "string" ? item["arguments"] : "{}" },
  };
  const last = messages.at(-1);
  if (last?.role === "assistant") (last.tool_calls ??= []).push(call);
  else messages.push({ role: "assistant", content: null, tool_calls: [call] });
}

function toolOutput(output: unknown, param: string): string | ChatContentPart[] {
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) throw invalid(`${param}: must be a string or an array of content parts`, param);
  return output.map((part, i) => toChatPart(part, `${param}[${i}]`));
}

function toChatTool(tool: unknown, i: number): JsonObject {
  const param = `tools[${i}]`;
  if (!isRecord(tool)) throw invalid(`${param}: must be a tool object`, param);
  if (tool["type"] !== "function") throw openAIOnly(`'${String(tool["type"])}' tools are built into OpenAI`, `${param}.type`);
  const fn: JsonObject = { name: stringField(tool, "name", param) };
  for (const field of ["description", "parameters", "strict"]) if (tool[field] !== undefined && tool[field] !== null) fn[field] = tool[field];
  return { type: "function", function: fn };
}

function toChatToolChoice(choice: unknown): unknown {
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (isRecord(choice) && choice["type"] === "function" && typeof choice["name"] === "string") return { type: "function", function: { name: choice["name"] } };
  return undefined;
}

function stringField(item: JsonObject, field: string, param: string): string {
  const value = item[field];
  if (typeof value !== "string") throw invalid(`${param}.${field}: field required (a string)`, `${param}.${field}`);
  return value;
}

function invalid(message: string, param: string): GatewayFailure {
  return failure({ status: 400, message, param });
}

function openAIOnly(what: string, param: string): GatewayFailure {
  return failure({ status: 400, message: `${param}: ${what}; only an openai model can count this input`, param });
}
