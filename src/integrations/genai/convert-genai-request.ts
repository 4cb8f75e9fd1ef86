import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject, textOf, quoted } from "../../schema/json.js";
import { genaiContentsToMessages } from "./convert-genai-contents-to-messages.js";
import { geminiSchemaToJsonSchema } from "./convert-gemini-schema-to-json-schema.js";

/** generationConfig fields with a canonical meaning; any other one is refused rather than dropped. */
const NUMERIC_SETTINGS: ReadonlyArray<[string, string]> = [
  ["temperature", "temperature"],
  ["topP", "top_p"],
  ["topK", "top_k"],
  ["maxOutputTokens", "max_tokens"],
  ["candidateCount", "n"],
  ["seed", "seed"],
  ["presencePenalty", "presence_penalty"],
  ["frequencyPenalty", "frequency_penalty"],
  ["logprobs", "top_logprobs"],
];
const HANDLED_SETTINGS = new Set([
  ...NUMERIC_SETTINGS.map(([native]) => native),
  "stopSequences",
  "responseLogprobs",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "_responseJsonSchema",
  "responseModalities",
  "thinkingConfig",
]);

/** Providers that understand Gemini-only settings (safety settings, cached content) as Gemini does. */
const GOOGLE_PROVIDERS: ReadonlySet<string> = new Set(["gemini", "vertex"]);

/**
 * A Gemini `generateContent` body → canonical chat request for `model` (`provider/model`).
 * `provider` is the target: Gemini-only settings are passed on to Google providers and refused
 * (400, naming the field) for any other.
 */
export function genaiRequestToCanonical(native: unknown, model: string, provider: string): ChatRequest {
  if (!isRecord(native)) throw failure({ status: 400, message: "request body must be a JSON object" });
  const request: ChatRequest = { model, messages: genaiContentsToMessages(native["systemInstruction"], native["contents"]) };
  Object.assign(request, generationSettings(native["generationConfig"]));
  Object.assign(request, toolSettings(native["tools"], native["toolConfig"]));
  for (const [field, canonical] of [
    ["safetySettings", "safety_settings"],
    ["cachedContent", "cached_content"],
  ] as const) {
    if (native[field] === undefined) continue;
    if (!GOOGLE_PROVIDERS.has(provider)) {
      throw failure({ status: 400, message: `${field} only applies to Gemini and Vertex models, not ${provider}`, param: field });
    }
    request[canonical] = native[field];
  }
  return request;
}

function generationSettings(config: unknown): JsonObject {
  if (config === undefined || config === null) return {};
  if (!isRecord(config)) throw failure({ status: 400, message: "generationConfig must be an object", param: "generationConfig" });
  for (const key of Object.keys(config)) {
    if (!HANDLED_SETTINGS.has(key)) {
      throw failure({ status: 400, message: `generationConfig.${key} is not supported by the gateway`, param: `generationConfig.${key}` });
    }
  }
  const out: JsonObject = {};
  for (const [native, canonical] of NUMERIC_SETTINGS) if (typeof config[native] === "number") out[canonical] = config[native];
  if (Array.isArray(config["stopSequences"]) && config["stopSequences"].length) out["stop"] = config["stopSequences"];
  if (config["responseLogprobs"] === true) out["logprobs"] = true;
  const modalities = config["responseModalities"];
  if (Array.isArray(modalities) && modalities.some((m) => String(m).toUpperCase() !== "TEXT")) {
    throw failure({ status: 400, message: "only TEXT responseModalities are supported by the gateway", param: "generationConfig.responseModalities" });
  }
  const format = responseFormat(config);
  if (format) out["response_format"] = format;
  Object.assign(out, reasoningSettings(config["thinkingConfig"]));
  return out;
}

function responseFormat(config: JsonObject): JsonObject | undefined {
  const mime = config["responseMimeType"];
  if (mime === undefined || mime === "text/plain") return undefined;
  if (mime !== "application/json") {
    throw failure({ status: 400, message: `responseMimeType ${quoted(mime)} is not supported by the gateway`, param: "generationConfig.responseMimeType" });
  }
  const jsonSchema = config["responseJsonSchema"] ?? config["_responseJsonSchema"];
  const schema = jsonSchema ?? (config["responseSchema"] === undefined ? undefined : geminiSchemaToJsonSchema(config["responseSchema"]));
  if (schema === undefined) return { type: "json_object" };
  return { type: "json_schema", json_schema: { name: "response", schema } };
}

/** thinkingLevel → reasoning_effort; a thinkingBudget → an exact budget (0 turns thinking off; -1 leaves it dynamic). */
function reasoningSettings(thinking: unknown): JsonObject {
  if (!isRecord(thinking)) return {};
  const out: JsonObject = {};
  if (typeof thinking["thinkingLevel"] === "string") out["reasoning_effort"] = thinking["thinkingLevel"].toLowerCase();
  const budget = thinking["thinkingBudget"];
  if (budget === 0) out["reasoning_effort"] = "none";
  else if (typeof budget === "number" && budget > 0)
    out["reasoning"] = { max_tokens: budget, ...(thinking["includeThoughts"] === true ? {} : { exclude: true }) };
  return out;
}

function toolSettings(tools: unknown, toolConfig: unknown): JsonObject {
  const out: JsonObject = {};
  if (Array.isArray(tools)) {
    const functions = tools.flatMap((tool, i) => functionTools(tool, `tools[${i}]`));
    if (functions.length) out["tools"] = functions;
  }
  const calling = isRecord(toolConfig) ? toolConfig["functionCallingConfig"] : undefined;
  if (isRecord(calling)) out["tool_choice"] = toolChoiceOf(calling);
  return out;
}

function functionTools(tool: unknown, param: string): JsonObject[] {
  const record = isRecord(tool) ? tool : {};
  const others = Object.keys(record).filter((key) => key !== "functionDeclarations");
  if (others.length) {
    throw failure({ status: 400, message: `only functionDeclarations tools are supported by the gateway (got ${others.join(", ")})`, param });
  }
  const declarations = Array.isArray(record["functionDeclarations"]) ? record["functionDeclarations"] : [];
  return declarations.map((declaration, i) => {
    if (!isRecord(declaration) || typeof declaration["name"] !== "string") {
      throw failure({ status: 400, message: "a function declaration needs a name", param: `${param}.functionDeclarations[${i}]` });
    }
    const parameters =
      declaration["parametersJsonSchema"] ??
      (declaration["parameters"] === undefined ? { type: "object", properties: {} } : geminiSchemaToJsonSchema(declaration["parameters"]));
    const fn: JsonObject = { name: declaration["name"], parameters };
    if (typeof declaration["description"] === "string") fn["description"] = declaration["description"];
    return { type: "function", function: fn };
  });
}

function toolChoiceOf(config: JsonObject): unknown {
  const mode = textOf(config["mode"], "AUTO").toUpperCase();
  const names = Array.isArray(config["allowedFunctionNames"]) ? config["allowedFunctionNames"].filter((n): n is string => typeof n === "string") : [];
  if (mode === "NONE") return "none";
  if (mode === "ANY" && names.length === 1) return { type: "function", function: { name: names[0] } };
  if (names.length) {
    const allowed = names.map((name) => ({ type: "function", function: { name } }));
    return { type: "allowed_tools", allowed_tools: { mode: mode === "ANY" ? "required" : "auto", tools: allowed } };
  }
  return mode === "ANY" ? "required" : "auto";
}
