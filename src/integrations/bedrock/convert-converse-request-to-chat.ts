import { failure, type GatewayFailure } from "../../schema/error.js";
import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import { cacheControlFor } from "../../providers/bedrock/bedrock-cache-point.js";
import { mimeOfDocumentFormat, mimeOfImageFormat, toDataUrl } from "../../providers/bedrock/bedrock-media.js";

/** Converse request fields that steer Bedrock-only machinery the gateway cannot carry to another provider. */
const UNSUPPORTED_FIELDS = ["guardrailConfig", "promptVariables", "additionalModelResponseFieldPaths"] as const;

/**
 * A Converse / ConverseStream request body → canonical chat request for `model`. Tool results in a
 * user turn become `tool` messages, cache points become `cache_control` on the part or tool before
 * them, Claude's `thinking` budget becomes `reasoning.max_tokens`, and `outputConfig.textFormat`
 * becomes `response_format: json_schema`. Blocks with no canonical form are refused with a 400
 * naming where they are.
 */
export function convertConverseRequestToChat(raw: unknown, model: string, stream: boolean): JsonObject {
  if (!isRecord(raw)) throw failure({ status: 400, message: "request body must be a JSON object" });
  for (const field of UNSUPPORTED_FIELDS) {
    if (raw[field] !== undefined && raw[field] !== null) throw failure({ status: 400, message: `${field} is not supported by the gateway`, param: field });
  }
  if (!Array.isArray(raw["messages"]) || raw["messages"].length === 0) throw failure({ status: 400, message: "messages is required", param: "messages" });
  const messages: JsonObject[] = [...systemMessages(raw["system"])];
  raw["messages"].forEach((message, i) => messages.push(...chatMessagesOf(message, `messages.${i}`)));
  const body: JsonObject = { model, messages, ...inferenceParamsOf(raw["inferenceConfig"]), ...toolParamsOf(raw["toolConfig"]) };
  Object.assign(body, additionalParamsOf(raw["additionalModelRequestFields"]));
  const responseFormat = responseFormatOf(raw["outputConfig"]);
  if (responseFormat) body["response_format"] = responseFormat;
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = { include_usage: true };
  }
  return body;
}

function blocksOf(content: unknown, where: string): JsonObject[] {
  if (!Array.isArray(content)) throw failure({ status: 400, message: "content must be an array of content blocks", param: where });
  return content.map((block, j) => {
    if (!isRecord(block)) throw failure({ status: 400, message: "content block must be an object", param: `${where}.${j}` });
    return block;
  });
}

/** Marks the last part (or tool) with the cache point that follows it. */
function markCached(parts: JsonObject[], cachePoint: unknown): void {
  const last = parts[parts.length - 1];
  if (last) last["cache_control"] = cacheControlFor(cachePoint);
}

function systemMessages(system: unknown): JsonObject[] {
  if (system === undefined || system === null) return [];
  const parts: JsonObject[] = [];
  blocksOf(system, "system").forEach((block, j) => {
    if (typeof block["text"] === "string") parts.push({ type: "text", text: block["text"] });
    else if (block["cachePoint"] !== undefined) markCached(parts, block["cachePoint"]);
    else throw unsupportedBlock(block, `system.${j}`);
  });
  return parts.length > 0 ? [{ role: "system", content: compactContent(parts) }] : [];
}

function chatMessagesOf(message: unknown, where: string): JsonObject[] {
  if (!isRecord(message)) throw failure({ status: 400, message: "message must be an object", param: where });
  const blocks = blocksOf(message["content"], `${where}.content`);
  if (message["role"] === "user") return userMessagesOf(blocks, `${where}.content`);
  if (message["role"] === "assistant") return [assistantMessageOf(blocks, `${where}.content`)];
  throw failure({ status: 400, message: "role must be user or assistant", param: `${where}.role` });
}

/** A user turn: tool results become `tool` messages, in order; the other blocks form user messages between them. */
function userMessagesOf(blocks: JsonObject[], where: string): JsonObject[] {
  const out: JsonObject[] = [];
  let parts: JsonObject[] = [];
  const flush = (): void => {
    if (parts.length > 0) out.push({ role: "user", content: compactContent(parts) });
    parts = [];
  };
  blocks.forEach((block, j) => {
    const blockWhere = `${where}.${j}`;
    if (isRecord(block["toolResult"])) {
      flush();
      out.push(toolMessageOf(block["toolResult"], blockWhere));
    } else if (block["cachePoint"] !== undefined) {
      const last = out[out.length - 1];
      if (parts.length === 0 && last?.["role"] === "tool") last["cache_control"] = cacheControlFor(block["cachePoint"]);
      else markCached(parts, block["cachePoint"]);
    } else {
      parts.push(mediaOrTextPart(block, blockWhere));
    }
  });
  flush();
  return out;
}

function mediaOrTextPart(block: JsonObject, where: string): JsonObject {
  if (typeof block["text"] === "string") return { type: "text", text: block["text"] };
  const image = block["image"];
  if (isRecord(image)) {
    const bytes = bytesOf(image["source"], `${where}.image.source`);
    return { type: "image_url", image_url: { url: toDataUrl(mimeOfImageFormat(textOf(image["format"], "png")), bytes) } };
  }
  const document = block["document"];
  if (isRecord(document)) {
    const bytes = bytesOf(document["source"], `${where}.document.source`);
    const format = textOf(document["format"], "txt");
    const name = typeof document["name"] === "string" ? document["name"] : "document";
    return { type: "file", file: { filename: `${name}.${format}`, file_data: toDataUrl(mimeOfDocumentFormat(format), bytes) } };
  }
  throw unsupportedBlock(block, where);
}

function bytesOf(source: unknown, where: string): string {
  if (isRecord(source) && typeof source["bytes"] === "string") return source["bytes"];
  throw failure({ status: 400, message: "only inline bytes are supported as a media source (not s3Location)", param: where });
}

function toolMessageOf(result: JsonObject, where: string): JsonObject {
  if (typeof result["toolUseId"] !== "string")
    throw failure({ status: 400, message: "toolResult.toolUseId is required", param: `${where}.toolResult.toolUseId` });
  const parts = (Array.isArray(result["content"]) ? result["content"] : []).map((item, k): JsonObject => {
    const itemWhere = `${where}.toolResult.content.${k}`;
    if (!isRecord(item)) throw failure({ status: 400, message: "tool result content must be an object", param: itemWhere });
    if (item["json"] !== undefined) return { type: "text", text: JSON.stringify(item["json"]) };
    return mediaOrTextPart(item, itemWhere);
  });
  const allText = parts.every((part) => part["type"] === "text");
  return {
    role: "tool",
    tool_call_id: result["toolUseId"],
    content: allText ? parts.map((part) => part["text"]).join("") : parts,
    ...(result["status"] === "error" ? { is_error: true } : {}),
  };
}

function assistantMessageOf(blocks: JsonObject[], where: string): JsonObject {
  const parts: JsonObject[] = [];
  const toolCalls: JsonObject[] = [];
  const details: JsonObject[] = [];
  let reasoning: string | undefined;
  let cached = false;
  blocks.forEach((block, j) => {
    if (typeof block["text"] === "string") parts.push({ type: "text", text: block["text"] });
    else if (isRecord(block["toolUse"])) toolCalls.push(toolCallOf(block["toolUse"]));
    else if (isRecord(block["reasoningContent"])) {
      const detail = reasoningDetailOf(block["reasoningContent"], details.length, `${where}.${j}`);
      details.push(detail);
      if (detail["type"] === "reasoning.text") reasoning = (reasoning ?? "") + String(detail["text"]);
    } else if (block["cachePoint"] !== undefined) {
      markCached(parts, block["cachePoint"]);
      cached = true;
    } else throw unsupportedBlock(block, `${where}.${j}`);
  });
  return {
    role: "assistant",
    content: parts.length === 0 ? null : cached ? parts : parts.map((part) => part["text"]).join(""),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning !== undefined ? { reasoning } : {}),
    ...(details.length > 0 ? { reasoning_details: details } : {}),
  };
}

function toolCallOf(toolUse: JsonObject): JsonObject {
  return {
    id: textOf(toolUse["toolUseId"]),
    type: "function",
    function: { name: textOf(toolUse["name"]), arguments: JSON.stringify(toolUse["input"] ?? {}) },
  };
}

function reasoningDetailOf(content: JsonObject, index: number, where: string): JsonObject {
  const text = content["reasoningText"];
  if (isRecord(text) && typeof text["text"] === "string") {
    return { type: "reasoning.text", text: text["text"], ...(typeof text["signature"] === "string" ? { signature: text["signature"] } : {}), index };
  }
  if (typeof content["redactedContent"] === "string") return { type: "reasoning.encrypted", data: content["redactedContent"], index };
  throw failure({ status: 400, message: "reasoningContent needs reasoningText or redactedContent", param: `${where}.reasoningContent` });
}

/** One plain text part stays a string; anything richer stays an array of parts. */
function compactContent(parts: JsonObject[]): string | JsonObject[] {
  const only = parts[0];
  if (parts.length === 1 && only?.["type"] === "text" && only["cache_control"] === undefined) return String(only["text"]);
  return parts;
}

function unsupportedBlock(block: JsonObject, where: string): GatewayFailure {
  const kind = Object.keys(block)[0] ?? "empty";
  return failure({ status: 400, message: `${kind} content blocks are not supported by the gateway`, param: where });
}

function inferenceParamsOf(config: unknown): JsonObject {
  if (!isRecord(config)) return {};
  const params: JsonObject = {};
  if (typeof config["maxTokens"] === "number") params["max_tokens"] = config["maxTokens"];
  if (typeof config["temperature"] === "number") params["temperature"] = config["temperature"];
  if (typeof config["topP"] === "number") params["top_p"] = config["topP"];
  if (Array.isArray(config["stopSequences"]) && config["stopSequences"].length > 0) params["stop"] = config["stopSequences"];
  return params;
}

function toolParamsOf(config: unknown): JsonObject {
  if (!isRecord(config)) return {};
  const tools: JsonObject[] = [];
  (Array.isArray(config["tools"]) ? config["tools"] : []).forEach((tool, i) => {
    const where = `toolConfig.tools.${i}`;
    if (!isRecord(tool)) throw failure({ status: 400, message: "tool must be an object", param: where });
    const spec = tool["toolSpec"];
    if (isRecord(spec)) tools.push(toolOf(spec));
    else if (tool["cachePoint"] !== undefined) markCached(tools, tool["cachePoint"]);
    else throw unsupportedBlock(tool, where);
  });
  const params: JsonObject = tools.length > 0 ? { tools } : {};
  const choice = toolChoiceOf(config["toolChoice"]);
  if (choice !== undefined) params["tool_choice"] = choice;
  return params;
}

function toolOf(spec: JsonObject): JsonObject {
  const schema = isRecord(spec["inputSchema"]) ? spec["inputSchema"]["json"] : undefined;
  return {
    type: "function",
    function: {
      name: textOf(spec["name"]),
      ...(typeof spec["description"] === "string" ? { description: spec["description"] } : {}),
      parameters: schema ?? { type: "object", properties: {} },
      ...(typeof spec["strict"] === "boolean" ? { strict: spec["strict"] } : {}),
    },
  };
}

function toolChoiceOf(choice: unknown): unknown {
  if (!isRecord(choice)) return undefined;
  if (choice["auto"] !== undefined) return "auto";
  if (choice["any"] !== undefined) return "required";
  const tool = choice["tool"];
  if (isRecord(tool) && typeof tool["name"] === "string") return { type: "function", function: { name: tool["name"] } };
  throw failure({ status: 400, message: "toolChoice must be auto, any or tool", param: "toolConfig.toolChoice" });
}

/** Claude's `thinking` budget and `top_k`, Nova's `reasoningConfig` effort; other model-specific fields have no canonical form. */
function additionalParamsOf(fields: unknown): JsonObject {
  if (!isRecord(fields)) return {};
  const params: JsonObject = {};
  const thinking = fields["thinking"];
  if (isRecord(thinking) && thinking["type"] === "enabled" && typeof thinking["budget_tokens"] === "number") {
    params["reasoning"] = { max_tokens: thinking["budget_tokens"] };
  }
  const novaReasoning = fields["reasoningConfig"];
  if (isRecord(novaReasoning) && novaReasoning["type"] === "enabled" && typeof novaReasoning["maxReasoningEffort"] === "string") {
    params["reasoning"] = { effort: novaReasoning["maxReasoningEffort"] };
  }
  if (typeof fields["top_k"] === "number") params["top_k"] = fields["top_k"];
  return params;
}

function responseFormatOf(outputConfig: unknown): JsonObject | undefined {
  const format = isRecord(outputConfig) ? outputConfig["textFormat"] : undefined;
  if (!isRecord(format)) return undefined;
  const structure = isRecord(format["structure"]) ? format["structure"] : {};
  const jsonSchema = isRecord(structure["jsonSchema"]) ? structure["jsonSchema"] : undefined;
  const where = "outputConfig.textFormat.structure.jsonSchema.schema";
  if (!jsonSchema || typeof jsonSchema["schema"] !== "string")
    throw failure({ status: 400, message: "textFormat needs structure.jsonSchema.schema", param: where });
  let schema: unknown;
  try {
    schema = JSON.parse(jsonSchema["schema"]);
  } catch {
    throw failure({ status: 400, message: "the JSON schema is not valid JSON", param: where });
  }
  return {
    type: "json_schema",
    json_schema: {
      name: typeof jsonSchema["name"] === "string" ? jsonSchema["name"] : "response",
      schema,
      ...(typeof jsonSchema["description"] === "string" ? { description: jsonSchema["description"] } : {}),
    },
  };
}
