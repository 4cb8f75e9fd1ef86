import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, quoted } from "../../schema/json.js";
import { prepareAnthropicTools } from "./anthropic-prepare-tools.js";
import { anthropicLengthSettings } from "./anthropic-thinking-budget.js";
import type { AnthropicMessagesRequest, AnthropicOutputConfig } from "./anthropic-types.js";
import { toAnthropicConversation } from "./convert-to-anthropic-messages.js";

/**
 * OpenAI parameters Anthropic has no equivalent for, with the values that ask for nothing
 * (those pass). Any other value is refused with a 400 naming the parameter.
 */
const UNSUPPORTED_PARAMS: ReadonlyArray<[param: string, isNeutral: (value: unknown) => boolean]> = [
  ["logprobs", (v) => v === false],
  ["top_logprobs", (v) => v === 0],
  ["n", (v) => v === 1],
  ["frequency_penalty", (v) => v === 0],
  ["presence_penalty", (v) => v === 0],
  ["logit_bias", (v) => isRecord(v) && Object.keys(v).length === 0],
  ["seed", () => false],
  ["audio", () => false],
  ["modalities", (v) => Array.isArray(v) && v.every((m) => m === "text")],
  ["prediction", () => false],
  ["web_search_options", () => false],
  ["functions", () => false],
  ["function_call", () => false],
  ["store", (v) => v === false],
];

/** OpenAI service tiers Anthropic can honour. */
const SERVICE_TIERS: Readonly<Record<string, "auto" | "standard_only">> = { auto: "auto", default: "standard_only" };

/** Canonical chat request → Anthropic Messages request body. */
export function toAnthropicRequest(request: ChatRequest, model: string, stream: boolean): AnthropicMessagesRequest {
  rejectUnsupportedParams(request);
  if (!Array.isArray(request.messages)) throw failure({ status: 400, message: "messages must be an array", param: "messages" });
  const { system, messages } = toAnthropicConversation(request.messages);
  const body: AnthropicMessagesRequest = { model, messages, ...anthropicLengthSettings(request) };
  if (system) body.system = system;
  if (stream) body.stream = true;
  const stop = stopSequences(request.stop);
  if (stop) body.stop_sequences = stop;
  if (typeof request.temperature === "number") body.temperature = request.temperature;
  if (typeof request.top_p === "number") body.top_p = request.top_p;
  if (typeof request["top_k"] === "number") body.top_k = request["top_k"];
  Object.assign(body, prepareAnthropicTools(request));
  const outputConfig = toOutputConfig(request.response_format);
  if (outputConfig) body.output_config = outputConfig;
  if (typeof request.user === "string" && request.user !== "") body.metadata = { user_id: request.user };
  const tier = serviceTier(request["service_tier"]);
  if (tier) body.service_tier = tier;
  return body;
}

function rejectUnsupportedParams(request: ChatRequest): void {
  for (const [param, isNeutral] of UNSUPPORTED_PARAMS) {
    const value = request[param];
    if (value === undefined || value === null || isNeutral(value)) continue;
    throw failure({ status: 400, message: `anthropic does not support ${param}`, param });
  }
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === "string") return [stop];
  if (Array.isArray(stop) && stop.length > 0) return stop.map(String);
  return undefined;
}

/** `json_schema` becomes Anthropic structured output; Anthropic has no schema-less JSON mode. */
function toOutputConfig(format: unknown): AnthropicOutputConfig | undefined {
  if (!isRecord(format) || format["type"] === "text") return undefined;
  if (format["type"] === "json_schema") {
    const spec = format["json_schema"];
    const schema = isRecord(spec) ? spec["schema"] : undefined;
    if (!isRecord(schema))
      throw failure({ status: 400, message: "response_format.json_schema.schema must be a JSON schema object", param: "response_format.json_schema.schema" });
    return { format: { type: "json_schema", schema } };
  }
  throw failure({
    status: 400,
    message: `anthropic does not support response_format type '${String(format["type"])}'; use json_schema`,
    param: "response_format.type",
  });
}

function serviceTier(tier: unknown): "auto" | "standard_only" | undefined {
  if (tier === undefined || tier === null) return undefined;
  const mapped = typeof tier === "string" ? SERVICE_TIERS[tier] : undefined;
  if (!mapped) throw failure({ status: 400, message: `anthropic does not support service_tier ${quoted(tier)} (auto or default)`, param: "service_tier" });
  return mapped;
}
