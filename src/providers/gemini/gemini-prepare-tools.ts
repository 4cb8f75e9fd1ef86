import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { isEmptyObjectSchema, toGeminiSchema } from "./convert-json-schema-to-gemini.js";
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from "./gemini-types.js";

export interface GeminiToolsSetup {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

/** OpenAI function tools and tool_choice → Gemini `tools[].functionDeclarations` and `toolConfig`. */
export function prepareGeminiTools(tools: unknown, toolChoice: unknown): GeminiToolsSetup {
  const declarations = Array.isArray(tools) ? tools.map((tool, i) => functionDeclaration(tool, `tools[${i}]`)) : [];
  const setup: GeminiToolsSetup = {};
  if (declarations.length) setup.tools = [{ functionDeclarations: declarations }];
  if (toolChoice !== undefined && toolChoice !== null) setup.toolConfig = toolConfigOf(toolChoice);
  return setup;
}

function functionDeclaration(tool: unknown, param: string): GeminiFunctionDeclaration {
  const fn = isRecord(tool) && tool["type"] === "function" ? tool["function"] : undefined;
  if (!isRecord(fn) || typeof fn["name"] !== "string") {
    const type = isRecord(tool) ? String(tool["type"]) : typeof tool;
    throw failure({ status: 400, message: `gemini supports function tools only (got '${type}')`, param: `${param}.type` });
  }
  const declaration: GeminiFunctionDeclaration = { name: fn["name"] };
  if (typeof fn["description"] === "string" && fn["description"]) declaration.description = fn["description"];
  if (fn["parameters"] !== undefined) {
    const parameters = toGeminiSchema(fn["parameters"]);
    if (!isEmptyObjectSchema(parameters)) declaration.parameters = parameters;
  }
  return declaration;
}

function toolConfigOf(choice: unknown): GeminiToolConfig {
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  if (isRecord(choice) && choice["type"] === "function" && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string") {
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice["function"]["name"]] } };
  }
  if (isRecord(choice) && choice["type"] === "allowed_tools" && isRecord(choice["allowed_tools"])) {
    const allowed = choice["allowed_tools"];
    const names = (Array.isArray(allowed["tools"]) ? allowed["tools"] : [])
      .map((t) => (isRecord(t) && isRecord(t["function"]) ? t["function"]["name"] : undefined))
      .filter((n): n is string => typeof n === "string");
    // Gemini takes allowedFunctionNames only with ANY or VALIDATED (AUTO constrained to the names).
    return { functionCallingConfig: { mode: allowed["mode"] === "required" ? "ANY" : "VALIDATED", allowedFunctionNames: names } };
  }
  throw failure({ status: 400, message: "tool_choice must be auto, none, required, or {type: function, function: {name}}", param: "tool_choice" });
}
