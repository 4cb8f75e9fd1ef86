import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-types.js";
import { cacheControlOf, withCache } from "./convert-to-anthropic-content.js";

export interface AnthropicToolSettings {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

const EMPTY_SCHEMA = { type: "object", properties: {} } as const;

/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` → Anthropic `tools` (with `input_schema`)
 * and `tool_choice` (`parallel_tool_calls: false` is `disable_parallel_tool_use: true`).
 * Tools of another type than `function` (Anthropic server tools) are passed as written.
 */
export function prepareAnthropicTools(request: ChatRequest): AnthropicToolSettings {
  const out: AnthropicToolSettings = {};
  if (Array.isArray(request.tools) && request.tools.length > 0) out.tools = request.tools.map((tool, i) => toAnthropicTool(tool, i));
  const choice = toAnthropicToolChoice(request.tool_choice);
  const serial = request.parallel_tool_calls === false;
  if (choice) out.tool_choice = serial && choice.type !== "none" ? { ...choice, disable_parallel_tool_use: true } : choice;
  else if (serial && out.tools) out.tool_choice = { type: "auto", disable_parallel_tool_use: true };
  return out;
}

function toAnthropicTool(tool: unknown, i: number): AnthropicTool {
  if (!isRecord(tool)) throw failure({ status: 400, message: "each tool must be an object", param: `tools[${i}]` });
  if (tool["type"] !== "function") return tool as AnthropicTool;
  const fn = tool["function"];
  if (!isRecord(fn) || typeof fn["name"] !== "string") {
    throw failure({ status: 400, message: "function tools need function.name", param: `tools[${i}].function.name` });
  }
  const parameters = isRecord(fn["parameters"]) ? fn["parameters"] : EMPTY_SCHEMA;
  const out: AnthropicTool = { name: fn["name"], input_schema: { ...parameters } };
  if (typeof fn["description"] === "string" && fn["description"] !== "") out.description = fn["description"];
  if (typeof fn["strict"] === "boolean") out.strict = fn["strict"];
  return withCache(out, cacheControlOf(tool) ?? cacheControlOf(fn));
}

function toAnthropicToolChoice(choice: unknown): AnthropicToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  if (isRecord(choice) && choice["type"] === "function" && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string") {
    return { type: "tool", name: choice["function"]["name"] };
  }
  throw failure({
    status: 400,
    message: "tool_choice must be auto, none, required, or {type:'function', function:{name}}",
    param: "tool_choice",
  });
}
