import type { Attributes } from "@opentelemetry/api";
import type { Attempt, AttemptEnd } from "../../core/pipeline/plugin.js";
import { usageTokensOf } from "../../core/pipeline/usage-tokens.js";
import type { Operation } from "../../schema/request-type.js";

/**
 * The attributes of an attempt's span: OpenTelemetry's GenAI semantic conventions, plus the
 * `gen_ai.*` names Bifrost adds for a gateway (fallback index, retries, key, cost). The GenAI names
 * are written out here rather than taken from semantic-conventions' incubating entry, which may
 * rename them between minor versions; Bifrost's dashboards need these exact strings.
 */
const GEN_AI = {
  providerName: "gen_ai.provider.name",
  /** The older name of the provider attribute, still what many backends read. */
  system: "gen_ai.system",
  operationName: "gen_ai.operation.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  finishReasons: "gen_ai.response.finish_reasons",
  timeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  cacheReadTokens: "gen_ai.usage.cache_read.input_tokens",
  cacheWriteTokens: "gen_ai.usage.cache_creation.input_tokens",
} as const;

/** Bifrost's own span attributes (core/schemas/trace.go). */
const BIFROST = {
  requestType: "request.type",
  finishReason: "gen_ai.response.finish_reason",
  totalTokens: "gen_ai.usage.total_tokens",
  cost: "gen_ai.usage.cost",
  fallbackIndex: "gen_ai.fallback_index",
  retries: "gen_ai.number_of_retries",
  selectedKeyName: "gen_ai.selected_key_name",
  error: "gen_ai.error",
  errorType: "gen_ai.error.type",
  errorCode: "gen_ai.error.code",
  statusCode: "status_code",
} as const;

/** OpenTelemetry's `error.type`. */
const ERROR_TYPE = "error.type";

/** `gen_ai.operation.name` for the operations the conventions name. */
const OPERATION_NAMES: Partial<Record<Operation, string>> = {
  chat: "chat",
  responses: "chat",
  text_completion: "text_completion",
  embedding: "embeddings",
};

/** What is known when the attempt starts. */
export function attemptStartAttributes(attempt: Attempt): Attributes {
  const attributes: Attributes = {
    [GEN_AI.providerName]: attempt.provider,
    [GEN_AI.system]: attempt.provider,
    [GEN_AI.requestModel]: attempt.model,
    [BIFROST.requestType]: attempt.requestType,
    [BIFROST.fallbackIndex]: attempt.fallbackIndex,
  };
  const operation = OPERATION_NAMES[attempt.request.op];
  if (operation) attributes[GEN_AI.operationName] = operation;
  const body = attempt.request.body;
  if (body) {
    const maxTokens = body["max_completion_tokens"] ?? body["max_tokens"] ?? body["max_output_tokens"];
    if (typeof maxTokens === "number") attributes[GEN_AI.requestMaxTokens] = maxTokens;
    if (typeof body["temperature"] === "number") attributes[GEN_AI.requestTemperature] = body["temperature"];
    if (typeof body["top_p"] === "number") attributes[GEN_AI.requestTopP] = body["top_p"];
  }
  return attributes;
}

/** What the attempt learned by its end: who answered, how, with how many tokens, at what cost — or why it failed. */
export function attemptEndAttributes(attempt: Attempt, end: AttemptEnd, answered: { model?: string; id?: string }): Attributes {
  const attributes: Attributes = { [BIFROST.retries]: attempt.retries };
  if (attempt.keyName !== undefined) attributes[BIFROST.selectedKeyName] = attempt.keyName;
  if (answered.model !== undefined) attributes[GEN_AI.responseModel] = answered.model;
  if (answered.id !== undefined) attributes[GEN_AI.responseId] = answered.id;
  if (attempt.finishReason !== undefined) {
    attributes[GEN_AI.finishReasons] = [attempt.finishReason];
    attributes[BIFROST.finishReason] = attempt.finishReason;
  }
  if (attempt.firstChunkMs !== undefined) attributes[GEN_AI.timeToFirstChunk] = attempt.firstChunkMs / 1000;
  if (attempt.usage) {
    const tokens = usageTokensOf(attempt.usage);
    attributes[GEN_AI.inputTokens] = tokens.input;
    attributes[GEN_AI.outputTokens] = tokens.output;
    attributes[BIFROST.totalTokens] = tokens.input + tokens.output;
    if (tokens.cacheRead > 0) attributes[GEN_AI.cacheReadTokens] = tokens.cacheRead;
    if (tokens.cacheWrite > 0) attributes[GEN_AI.cacheWriteTokens] = tokens.cacheWrite;
  }
  const cost = attempt.cost;
  if (cost !== null) attributes[BIFROST.cost] = cost;
  if (end.status !== "success") {
    const error = end.error;
    attributes[ERROR_TYPE] = error.error.type;
    attributes[BIFROST.error] = error.error.message;
    attributes[BIFROST.errorType] = error.error.type;
    if (error.error.code !== null) attributes[BIFROST.errorCode] = error.error.code;
    attributes[BIFROST.statusCode] = error.status_code;
  }
  return attributes;
}
