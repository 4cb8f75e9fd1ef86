import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { anthropicLengthSettings, type AnthropicLengthSettings } from "../anthropic/anthropic-thinking-budget.js";
import { prepareBedrockTools } from "./bedrock-prepare-tools.js";
import { rejectUnsupportedParams } from "./bedrock-unsupported-params.js";
import { convertToBedrockMessages, hasToolHistory } from "./convert-to-bedrock-messages.js";
import type { BedrockInferenceConfig, BedrockOutputConfig, ConverseRequest } from "./types.js";

/**
 * Canonical chat request → Converse request body. `modelId` is the id the request goes to (model,
 * deployment or ARN); it decides model-family fields such as Claude's thinking budget.
 */
export function toConverseRequest(body: ChatRequest, modelId: string): ConverseRequest {
  rejectUnsupportedParams(body);
  const { system, messages } = convertToBedrockMessages(body.messages);
  const request: ConverseRequest = { messages };
  if (system.length > 0) request.system = system;
  const inferenceConfig = inferenceConfigOf(body);
  const thinking = claudeThinkingOf(body, modelId);
  if (thinking) inferenceConfig.maxTokens = thinking.max_tokens;
  if (Object.keys(inferenceConfig).length > 0) request.inferenceConfig = inferenceConfig;
  const additional = additionalModelRequestFieldsOf(body, modelId, thinking?.thinking);
  const toolConfig = prepareBedrockTools(body.tools, body.tool_choice, hasToolHistory(messages));
  if (toolConfig) request.toolConfig = toolConfig;
  if (additional) request.additionalModelRequestFields = additional;
  const outputConfig = outputConfigOf(body.response_format);
  if (outputConfig) request.outputConfig = outputConfig;
  const requestMetadata = requestMetadataOf(body);
  if (requestMetadata) request.requestMetadata = requestMetadata;
  return request;
}

function inferenceConfigOf(body: ChatRequest): BedrockInferenceConfig {
  const config: BedrockInferenceConfig = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === "number") config.maxTokens = maxTokens;
  if (typeof body.temperature === "number") config.temperature = body.temperature;
  if (typeof body.top_p === "number") config.topP = body.top_p;
  if (typeof body.stop === "string") config.stopSequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) config.stopSequences = body.stop;
  return config;
}

function isClaude(modelId: string): boolean {
  return /anthropic\.|claude/i.test(modelId);
}

/**
 * Reasoning on Bedrock is Claude's own `thinking` parameter, sized exactly as on the Anthropic
 * provider (which also settles `maxTokens`, since Claude counts thinking inside it).
 */
function claudeThinkingOf(body: ChatRequest, modelId: string): AnthropicLengthSettings | undefined {
  if (!wantsReasoning(body)) return undefined;
  if (!isClaude(modelId)) {
    const param = body.reasoning !== undefined ? "reasoning" : "reasoning_effort";
    throw failure({ status: 400, message: `bedrock supports reasoning budgets only for Anthropic Claude models (not ${modelId})`, param });
  }
  const settings = anthropicLengthSettings(body);
  return settings.thinking ? settings : undefined;
}

/** Fields Converse forwards to the model untouched: Claude's `thinking` and `top_k`. */
function additionalModelRequestFieldsOf(body: ChatRequest, modelId: string, thinking: unknown): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = {};
  if (thinking) fields["thinking"] = thinking;
  const topK = body["top_k"];
  if (typeof topK === "number") {
    if (!isClaude(modelId)) throw failure({ status: 400, message: `bedrock supports top_k only for Anthropic Claude models (not ${modelId})`, param: "top_k" });
    fields["top_k"] = topK;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

function wantsReasoning(body: ChatRequest): boolean {
  const reasoning = isRecord(body.reasoning) ? body.reasoning : undefined;
  if (typeof reasoning?.max_tokens === "number") return true;
  const effort = reasoning?.effort ?? body.reasoning_effort;
  return effort !== undefined && effort !== null && effort !== "none";
}

/** `response_format: json_schema` → `outputConfig.textFormat` (Converse structured output). */
function outputConfigOf(format: unknown): BedrockOutputConfig | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format["type"] === "text") return undefined;
  if (format["type"] !== "json_schema") {
    throw failure({
      status: 400,
      message: `bedrock structured output needs a JSON schema: use response_format json_schema (got ${JSON.stringify(format["type"])})`,
      param: "response_format",
    });
  }
  const spec = format["json_schema"];
  if (!isRecord(spec) || !isRecord(spec["schema"]))
    throw failure({ status: 400, message: "response_format.json_schema.schema is required", param: "response_format.json_schema" });
  return {
    textFormat: {
      type: "json_schema",
      structure: {
        jsonSchema: {
          schema: JSON.stringify(spec["schema"]),
          ...(typeof spec["name"] === "string" ? { name: spec["name"] } : {}),
          ...(typeof spec["description"] === "string" ? { description: spec["description"] } : {}),
        },
      },
    },
  };
}

/** `user` and string `metadata` values → Converse `requestMetadata` (invocation-log tags). */
function requestMetadataOf(body: ChatRequest): Record<string, string> | undefined {
  const metadata: Record<string, string> = {};
  if (isRecord(body["metadata"])) {
    for (const [key, value] of Object.entries(body["metadata"])) if (typeof value === "string") metadata[key] = value;
  }
  if (typeof body.user === "string" && body.user) metadata["user"] = body.user;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}
