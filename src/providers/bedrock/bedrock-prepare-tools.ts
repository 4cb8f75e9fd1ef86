import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { cachePointFor } from "./bedrock-cache-point.js";
import type { BedrockTool, BedrockToolChoice, BedrockToolConfig } from "./types.js";

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };

/**
 * OpenAI `tools` + `tool_choice` → Converse `toolConfig`. `tool_choice: "none"` has no Converse
 * equivalent: the tools are left out, which only works while the conversation holds no tool
 * calls (Converse requires a toolConfig then), so that case is a 400.
 */
export function prepareBedrockTools(tools: unknown, toolChoice: unknown, hasToolHistory: boolean): BedrockToolConfig | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  if (toolChoice === "none") {
    if (!hasToolHistory) return undefined;
    throw failure({
      status: 400,
      message: "bedrock has no tool_choice 'none', and Converse needs the tools declared once the conversation holds tool calls",
      param: "tool_choice",
    });
  }
  const specs: BedrockTool[] = [];
  tools.forEach((tool, i) => {
    if (!isRecord(tool) || tool["type"] !== "function" || !isRecord(tool["function"])) {
      throw failure({ status: 400, message: "bedrock supports function tools only", param: `tools[${i}]` });
    }
    const fn = tool["function"];
    if (typeof fn["name"] !== "string" || !fn["name"])
      throw failure({ status: 400, message: "tool function.name is required", param: `tools[${i}].function.name` });
    specs.push({
      toolSpec: {
        name: fn["name"],
        ...(typeof fn["description"] === "string" && fn["description"] ? { description: fn["description"] } : {}),
        inputSchema: { json: fn["parameters"] ?? EMPTY_OBJECT_SCHEMA },
        ...(typeof fn["strict"] === "boolean" ? { strict: fn["strict"] } : {}),
      },
    });
    const cachePoint = cachePointFor(tool["cache_control"]);
    if (cachePoint) specs.push(cachePoint);
  });
  const choice = bedrockToolChoice(toolChoice);
  return { tools: specs, ...(choice ? { toolChoice: choice } : {}) };
}

function bedrockToolChoice(choice: unknown): BedrockToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  if (isRecord(choice) && choice["type"] === "function" && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string") {
    return { tool: { name: choice["function"]["name"] } };
  }
  throw failure({ status: 400, message: `bedrock does not support tool_choice ${JSON.stringify(choice)}`, param: "tool_choice" });
}
