import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { toGeminiSchema } from "./convert-json-schema-to-gemini.js";
import type { GeminiGenerationConfig, GeminiThinkingConfig } from "./gemini-types.js";

/** Thinking token budgets for OpenAI-style effort levels (Gemini counts thinking in tokens). */
const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/** Canonical sampling, length, stop, output-format and reasoning settings → Gemini `generationConfig`. */
export function toGeminiGenerationConfig(body: ChatRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  setNumber(config, "temperature", body.temperature);
  setNumber(config, "topP", body.top_p);
  setNumber(config, "topK", body["top_k"]);
  setNumber(config, "maxOutputTokens", body.max_completion_tokens ?? body.max_tokens);
  setNumber(config, "candidateCount", body.n);
  setNumber(config, "seed", body.seed);
  setNumber(config, "presencePenalty", body["presence_penalty"]);
  setNumber(config, "frequencyPenalty", body["frequency_penalty"]);
  if (typeof body.stop === "string") config.stopSequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length) config.stopSequences = body.stop;
  if (body["logprobs"] === true) {
    config.responseLogprobs = true;
    setNumber(config, "logprobs", body["top_logprobs"]);
  }
  Object.assign(config, responseFormatConfig(body.response_format));
  const thinking = thinkingConfigOf(body);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

function setNumber(config: GeminiGenerationConfig, field: keyof GeminiGenerationConfig & string, value: unknown): void {
  if (typeof value === "number") config[field] = value;
}

function responseFormatConfig(format: unknown): Partial<GeminiGenerationConfig> {
  if (format === undefined || format === null) return {};
  const type = isRecord(format) ? format["type"] : undefined;
  if (type === "text") return {};
  if (type === "json_object") return { responseMimeType: "application/json" };
  if (type === "json_schema" && isRecord(format)) {
    const spec = format["json_schema"];
    const schema = isRecord(spec) ? spec["schema"] : undefined;
    return schema === undefined ? { responseMimeType: "application/json" } : { responseMimeType: "application/json", responseSchema: toGeminiSchema(schema) };
  }
  throw failure({ status: 400, message: "response_format.type must be text, json_object or json_schema", param: "response_format.type" });
}

/** `reasoning.max_tokens` is an exact budget; `reasoning_effort` / `reasoning.effort` pick one. */
function thinkingConfigOf(body: ChatRequest): GeminiThinkingConfig | undefined {
  const reasoning = isRecord(body.reasoning) ? body.reasoning : undefined;
  const effort = body.reasoning_effort ?? (typeof reasoning?.effort === "string" ? reasoning.effort : undefined);
  const exactBudget = typeof reasoning?.max_tokens === "number" ? reasoning.max_tokens : undefined;
  if (exactBudget === undefined && effort === undefined) return undefined;
  let budget = exactBudget;
  if (budget === undefined && effort !== undefined) {
    budget = THINKING_BUDGETS[effort];
    if (budget === undefined) {
      throw failure({
        status: 400,
        message: `reasoning effort must be one of ${Object.keys(THINKING_BUDGETS).join(", ")}`,
        param: body.reasoning_effort !== undefined ? "reasoning_effort" : "reasoning.effort",
      });
    }
  }
  return { thinkingBudget: budget!, includeThoughts: budget !== 0 && reasoning?.exclude !== true };
}
