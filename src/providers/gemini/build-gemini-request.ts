import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import { toGeminiConversation } from "./convert-to-gemini-contents.js";
import { toGeminiGenerationConfig } from "./gemini-generation-config.js";
import { prepareGeminiTools } from "./gemini-prepare-tools.js";
import type { GeminiGenerateContentRequest, GeminiSafetySetting } from "./gemini-types.js";

/**
 * OpenAI parameters Gemini cannot honour. Sending one is a 400 naming it, never a silent drop.
 * (Identifiers such as `user`, `metadata`, `store` and `service_tier` do not change the answer and are ignored.)
 */
const UNSUPPORTED_PARAMS: ReadonlySet<string> = new Set(["logit_bias", "audio", "prediction", "web_search_options", "functions", "function_call", "verbosity"]);

/** Canonical chat request → Gemini `GenerateContentRequest` (shared by the Gemini API and Vertex AI). */
export function buildGeminiRequest(body: ChatRequest, provider: string): GeminiGenerateContentRequest {
  rejectUnsupported(body, provider);
  const conversation = toGeminiConversation(body.messages);
  const request: GeminiGenerateContentRequest = { contents: conversation.contents };
  if (conversation.systemInstruction) request.systemInstruction = conversation.systemInstruction;
  const { tools, toolConfig } = prepareGeminiTools(body.tools, body.tool_choice);
  if (tools) request.tools = tools;
  if (toolConfig) request.toolConfig = toolConfig;
  const generationConfig = toGeminiGenerationConfig(body);
  if (Object.keys(generationConfig).length) request.generationConfig = generationConfig;
  const safety = body["safety_settings"];
  if (Array.isArray(safety)) request.safetySettings = safety as GeminiSafetySetting[];
  if (typeof body["cached_content"] === "string") request.cachedContent = body["cached_content"];
  return request;
}

function rejectUnsupported(body: JsonObject, provider: string): void {
  for (const param of UNSUPPORTED_PARAMS) {
    if (body[param] !== undefined && body[param] !== null) {
      throw failure({ status: 400, message: `${provider} does not support ${param}`, param });
    }
  }
  if (body["parallel_tool_calls"] === false) {
    throw failure({ status: 400, message: `${provider} cannot turn off parallel tool calls (parallel_tool_calls: false)`, param: "parallel_tool_calls" });
  }
  const modalities = body["modalities"];
  if (Array.isArray(modalities) && modalities.some((m) => m !== "text")) {
    throw failure({ status: 400, message: `${provider} chat completions produce text only (modalities)`, param: "modalities" });
  }
}
