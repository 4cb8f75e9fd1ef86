import type { ChatContentPart, ChatMessage, ChatRequest, ChatToolCall, ReasoningDetail } from "../../schema/chat.js";
import { failure, type GatewayFailure } from "../../schema/error.js";
import { isRecord, type JsonObject, textOf } from "../../schema/json.js";

/** An Anthropic Messages request read into the canonical schema. */
export interface AnthropicSurfaceRequest {
  /** As the caller wrote it: `claude-...` (Anthropic) or `provider/model`. */
  model: string;
  stream: boolean;
  fallbacks: string[];
  body: ChatRequest;
}

/**
 * Anthropic Messages body → canonical chat request. Tool results in a user turn become tool
 * messages (before the rest of that turn), thinking blocks become `reasoning_details`, and
 * `cache_control` stays on the parts and tools that carried it. Fields with no canonical meaning
 * are ignored.
 */
export function convertAnthropicRequestToChat(raw: unknown): AnthropicSurfaceRequest {
  if (!isRecord(raw)) throw invalid("request body must be a JSON object", "");
  const model = raw["model"];
  if (typeof model !== "string" || model === "") throw invalid("model: field required (e.g. claude-sonnet-4-5)", "model");
  const maxTokens = raw["max_tokens"];
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens)) throw invalid("max_tokens: field required (an integer)", "max_tokens");
  if (!Array.isArray(raw["messages"])) throw invalid("messages: field required (an array)", "messages");
  const stream = raw["stream"] === true;
  const messages = [...systemMessages(raw["system"]), ...raw["messages"].flatMap((m, i) => toChatMessages(m, `messages.${i}`))];
  const body: ChatRequest = { model, messages, max_tokens: maxTokens };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  copyNumber(raw, "temperature", body);
  copyNumber(raw, "top_p", body);
  copyNumber(raw, "top_k", body);
  if (Array.isArray(raw["stop_sequences"]) && raw["stop_sequences"].length > 0) body.stop = raw["stop_sequences"].map(String);
  if (Array.isArray(raw["tools"]) && raw["tools"].length > 0) body.tools = raw["tools"].map(toChatTool);
  applyToolChoice(raw["tool_choice"], body);
  applyThinking(raw["thinking"], body);
  applyOutputFormat(raw, body);
  const metadata = raw["metadata"];
  if (isRecord(metadata) && typeof metadata["user_id"] === "string") body.user = metadata["user_id"];
  if (raw["service_tier"] === "auto" || raw["service_tier"] === "standard_only") body["service_tier"] = raw["service_tier"] === "auto" ? "auto" : "default";
  const fallbacks = Array.isArray(raw["fallbacks"]) ? raw["fallbacks"].filter((f): f is string => typeof f === "string") : [];
  return { model, stream, fallbacks, body };
}

function invalid(message: string, param: string): GatewayFailure {
  return failure({ status: 400, message, ...(param ? { param } : {}) });
}

function copyNumber(raw: JsonObject, field: string, body: ChatRequest): void {
  if (typeof raw[field] === "number") body[field] = raw[field];
}

function systemMessages(system: unknown): ChatMessage[] {
  if (typeof system === "string") return system === "" ? [] : [{ role: "system", content: system }];
  if (!Array.isArray(system) || system.length === 0) return [];
  return [{ role: "system", content: system.map((block, i) => textPart(block, `system.${i}`)) }];
}

function toChatMessages(message: unknown, param: string): ChatMessage[] {
  if (!isRecord(message)) throw invalid(`${param}: must be an object`, param);
  const role = message["role"];
  const content = message["content"];
  if (role === "system")
    return [{ role: "system", content: typeof content === "string" ? content : blocksOf(content, param).map((b, i) => textPart(b, `${param}.content.${i}`)) }];
  if (role === "assistant") return [assistantMessage(content, param)];
  if (role !== "user") throw invalid(`${param}.role: must be user or assistant`, `${param}.role`);
  if (typeof content === "string") return [{ role: "user", content }];
  const toolMessages: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  blocksOf(content, param).forEach((block, i) => {
    if (block["type"] === "tool_result") toolMessages.push(toolMessage(block, `${param}.content.${i}`));
    else parts.push(userPart(block, `${param}.content.${i}`));
  });
  return parts.length ? [...toolMessages, { role: "user", content: parts }] : toolMessages;
}

function blocksOf(content: unknown, param: string): JsonObject[] {
  if (!Array.isArray(content)) throw invalid(`${param}.content: must be a string or an array of content blocks`, `${param}.content`);
  return content.map((block, i) => {
    if (!isRecord(block)) throw invalid(`${param}.content.${i}: must be a content block object`, `${param}.content.${i}`);
    return block;
  });
}

function textPart(block: unknown, param: string): ChatContentPart {
  if (!isRecord(block) || block["type"] !== "text" || typeof block["text"] !== "string") throw invalid(`${param}: must be a text block`, param);
  return withCacheControl({ type: "text", text: block["text"] }, block);
}

function userPart(block: JsonObject, param: string): ChatContentPart {
  switch (block["type"]) {
    case "text":
      return textPart(block, param);
    case "image":
      return withCacheControl({ type: "image_url", image_url: { url: sourceUrl(block["source"], `${param}.source`) } }, block);
    case "document":
      return withCacheControl(documentPart(block, param), block);
    default:
      throw invalid(`${param}.type: content blocks of type '${String(block["type"])}' are not supported here`, `${param}.type`);
  }
}

/** URL sources stay URLs; base64 sources become data URLs (the canonical form). */
function sourceUrl(source: unknown, param: string): string {
  if (isRecord(source) && source["type"] === "url" && typeof source["url"] === "string") return source["url"];
  if (isRecord(source) && source["type"] === "base64" && typeof source["data"] === "string" && typeof source["media_type"] === "string") {
    return `data:${source["media_type"]};base64,${source["data"]}`;
  }
  throw invalid(`${param}: must be a url or base64 source`, param);
}

function documentPart(block: JsonObject, param: string): ChatContentPart {
  const source = block["source"];
  const filename = typeof block["title"] === "string" ? { filename: block["title"] } : {};
  if (isRecord(source) && source["type"] === "file" && typeof source["file_id"] === "string") {
    return { type: "file", file: { file_id: source["file_id"], ...filename } };
  }
  if (isRecord(source) && source["type"] === "text" && typeof source["data"] === "string") {
    return { type: "file", file: { file_data: `data:text/plain;base64,${Buffer.from(source["data"], "utf8").toString("base64")}`, ...filename } };
  }
  if (isRecord(source) && source["type"] === "base64") return { type: "file", file: { file_data: sourceUrl(source, `${param}.source`), ...filename } };
  throw invalid(`${param}.source: documents must have a base64, text or file source`, `${param}.source`);
}

function toolMessage(block: JsonObject, param: string): ChatMessage {
  const id = block["tool_use_id"];
  if (typeof id !== "string") throw invalid(`${param}.tool_use_id: field required`, `${param}.tool_use_id`);
  const content = block["content"];
  if (content === undefined || typeof content === "string") return { role: "tool", tool_call_id: id, content: content ?? "" };
  const parts = blocksOf(content, param).map((b, i) => userPart(b, `${param}.content.${i}`));
  const textOnly = parts.every((p) => p.type === "text" && p["cache_control"] === undefined);
  return { role: "tool", tool_call_id: id, content: textOnly ? parts.map((p) => String(p["text"])).join("") : parts };
}

function assistantMessage(content: unknown, param: string): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  const texts: ChatContentPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  const details: ReasoningDetail[] = [];
  blocksOf(content, param).forEach((block, i) => {
    const where = `${param}.content.${i}`;
    switch (block["type"]) {
      case "text":
        texts.push(textPart(block, where));
        return;
      case "tool_use":
        toolCalls.push({
          id: String(block["id"]),
          type: "function",
          function: { name: String(block["name"]), arguments: JSON.stringify(block["input"] ?? {}) },
        });
        return;
      case "thinking":
        details.push({
          type: "reasoning.text",
          text: textOf(block["thinking"]),
          ...(typeof block["signature"] === "string" && block["signature"] ? { signature: block["signature"] } : {}),
        });
        return;
      case "redacted_thinking":
        details.push({ type: "reasoning.encrypted", data: textOf(block["data"]) });
        return;
      default:
        throw invalid(`${where}.type: assistant blocks of type '${String(block["type"])}' are not supported here`, `${where}.type`);
    }
  });
  const cached = texts.some((p) => p["cache_control"] !== undefined);
  const message: ChatMessage = {
    role: "assistant",
    content: cached ? texts : texts.length ? texts.map((p) => String(p["text"])).join("") : null,
  };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (details.length) {
    message.reasoning_details = details;
    const reasoning = details.flatMap((d) => (d.type === "reasoning.text" ? [d.text] : [])).join("");
    if (reasoning) message.reasoning = reasoning;
  }
  return message;
}

/** Anthropic client tools become function tools; server tools (versioned `type`) pass as written. */
function toChatTool(tool: unknown, i: number): unknown {
  if (!isRecord(tool) || typeof tool["name"] !== "string") throw invalid(`tools.${i}.name: field required`, `tools.${i}.name`);
  if (tool["type"] !== undefined && tool["type"] !== "custom") return tool;
  const fn: JsonObject = { name: tool["name"], parameters: isRecord(tool["input_schema"]) ? tool["input_schema"] : { type: "object", properties: {} } };
  if (typeof tool["description"] === "string") fn["description"] = tool["description"];
  if (typeof tool["strict"] === "boolean") fn["strict"] = tool["strict"];
  return withCacheControl({ type: "function", function: fn }, tool);
}

function applyToolChoice(choice: unknown, body: ChatRequest): void {
  if (!isRecord(choice)) return;
  switch (choice["type"]) {
    case "auto":
      body.tool_choice = "auto";
      break;
    case "any":
      body.tool_choice = "required";
      break;
    case "none":
      body.tool_choice = "none";
      break;
    case "tool":
      body.tool_choice = { type: "function", function: { name: String(choice["name"]) } };
      break;
    default:
      throw invalid("tool_choice.type: must be auto, any, tool or none", "tool_choice.type");
  }
  if (choice["disable_parallel_tool_use"] === true) body["parallel_tool_calls"] = false;
}

/** A fixed budget maps exactly; adaptive thinking asks for the medium effort. */
function applyThinking(thinking: unknown, body: ChatRequest): void {
  if (!isRecord(thinking)) return;
  if (thinking["type"] === "enabled" && typeof thinking["budget_tokens"] === "number") body.reasoning = { max_tokens: thinking["budget_tokens"] };
  else if (thinking["type"] === "adaptive") body.reasoning = { effort: "medium" };
}

/** Structured output: GA `output_config.format` or the beta `output_format`. */
function applyOutputFormat(raw: JsonObject, body: ChatRequest): void {
  const config = raw["output_config"];
  const format = isRecord(config) && isRecord(config["format"]) ? config["format"] : raw["output_format"];
  if (!isRecord(format)) return;
  if (format["type"] !== "json_schema" || !isRecord(format["schema"]))
    throw invalid("output_config.format: must be {type: 'json_schema', schema}", "output_config.format");
  body.response_format = { type: "json_schema", json_schema: { name: "output", schema: format["schema"], strict: true } };
}

function withCacheControl<T extends JsonObject>(part: T, source: JsonObject): T {
  return isRecord(source["cache_control"]) ? { ...part, cache_control: source["cache_control"] } : part;
}
