import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { CohereChatRequest, CohereResponseFormat, CohereTool, CohereToolChoice } from "./cohere-types.js";
import { convertToCohereMessages } from "./convert-to-cohere-messages.js";
import { mapReasoningToCohereThinking } from "./map-reasoning-to-cohere-thinking.js";

/** OpenAI parameters Cohere has no way to honour: present (and not a no-op value) → 400. */
const UNSUPPORTED_PARAMS = ["logit_bias", "top_logprobs", "modalities", "audio", "prediction", "web_search_options", "functions", "function_call"] as const;

/** Cohere-only fields a caller may put in a canonical body; forwarded as they are. */
const COHERE_PASSTHROUGH = ["safety_mode", "documents", "citation_options", "strict_tools", "priority"] as const;

/**
 * Canonical chat request → Cohere v2 `/v2/chat` body. Every canonical parameter is mapped or refused
 * with a 400 naming it; fields that do not change the answer (`user`, `metadata`, `store`,
 * `service_tier`, `stream_options`: Cohere always reports usage) are not sent.
 */
export function convertToCohereChat(body: ChatRequest, model: string, stream: boolean): CohereChatRequest {
  refuseUnsupported(body);
  const out: CohereChatRequest = { model, messages: convertToCohereMessages(body.messages), stream };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === "number") out.max_tokens = maxTokens;
  if (typeof body.temperature === "number") out.temperature = body.temperature;
  if (typeof body.top_p === "number") out.p = body.top_p;
  const topK = body["top_k"];
  if (typeof topK === "number") out.k = topK;
  const stop = stopSequences(body.stop);
  if (stop) out.stop_sequences = stop;
  if (typeof body.seed === "number") out.seed = body.seed;
  for (const name of ["frequency_penalty", "presence_penalty"] as const) {
    const value = body[name];
    if (typeof value === "number") out[name] = value;
  }
  applyTools(out, body);
  const format = responseFormat(body.response_format);
  if (format) out.response_format = format;
  const thinking = mapReasoningToCohereThinking(body);
  if (thinking) out.thinking = thinking;
  const passthrough: JsonObject = {};
  for (const name of COHERE_PASSTHROUGH) if (body[name] !== undefined && body[name] !== null) passthrough[name] = body[name];
  return { ...out, ...passthrough };
}

function refuseUnsupported(body: ChatRequest): void {
  for (const name of UNSUPPORTED_PARAMS) {
    const value = body[name];
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0)) continue;
    throw unsupported(name);
  }
  if (body["logprobs"] === true) throw unsupported("logprobs");
  if (typeof body.n === "number" && body.n !== 1) throw failure({ status: 400, message: "cohere returns one choice per request; n must be 1", param: "n" });
  if (body["parallel_tool_calls"] === false)
    throw failure({ status: 400, message: "cohere cannot turn off parallel tool calls (parallel_tool_calls: false)", param: "parallel_tool_calls" });
}

function unsupported(param: string) {
  return failure({ status: 400, message: `cohere does not support ${param}`, param });
}

function stopSequences(stop: ChatRequest["stop"]): string[] | undefined {
  if (typeof stop === "string") return [stop];
  if (Array.isArray(stop) && stop.length > 0) return stop;
  return undefined;
}

function applyTools(out: CohereChatRequest, body: ChatRequest): void {
  let tools = (body.tools ?? []).map((tool, i) => toCohereTool(tool, `tools[${i}]`));
  const choice = body.tool_choice;
  let toolChoice: CohereToolChoice | undefined;
  if (choice === "none") toolChoice = "NONE";
  else if (choice === "required") toolChoice = "REQUIRED";
  else if (isRecord(choice)) {
    // Cohere cannot name a tool; offering only the named one and requiring a call forces exactly it.
    const fn = choice["function"];
    const name = isRecord(fn) ? fn["name"] : undefined;
    const only = tools.filter((t) => t.tool.function.name === name);
    if (only.length === 0) throw failure({ status: 400, message: `tool_choice names '${String(name)}', which is not in tools`, param: "tool_choice" });
    tools = only;
    toolChoice = "REQUIRED";
  } else if (choice !== undefined && choice !== null && choice !== "auto") {
    throw failure({ status: 400, message: "tool_choice must be auto, none, required or {type:'function', function:{name}}", param: "tool_choice" });
  }
  if (tools.length > 0) {
    out.tools = tools.map((t) => t.tool);
    if (tools.every((t) => t.strict)) out.strict_tools = true;
  }
  if (toolChoice) out.tool_choice = toolChoice;
}

function toCohereTool(tool: unknown, where: string): { tool: CohereTool; strict: boolean } {
  const fn = isRecord(tool) ? tool["function"] : undefined;
  if (!isRecord(tool) || tool["type"] !== "function" || !isRecord(fn) || typeof fn["name"] !== "string") {
    throw failure({ status: 400, message: `${where}: cohere supports only function tools ({type:'function', function:{name, parameters}})`, param: where });
  }
  const parameters = isRecord(fn["parameters"]) ? fn["parameters"] : { type: "object", properties: {} };
  return {
    tool: {
      type: "function",
      function: { name: fn["name"], ...(typeof fn["description"] === "string" ? { description: fn["description"] } : {}), parameters },
    },
    strict: fn["strict"] === true,
  };
}

function responseFormat(format: unknown): CohereResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw failure({ status: 400, message: "response_format must be an object", param: "response_format" });
  switch (format["type"]) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json_object" };
    case "json_schema": {
      const wrapper = format["json_schema"];
      const schema = isRecord(wrapper) ? wrapper["schema"] : undefined;
      return isRecord(schema) ? { type: "json_object", json_schema: schema } : { type: "json_object" };
    }
    default:
      throw failure({ status: 400, message: `cohere does not support response_format type ${String(format["type"])}`, param: "response_format.type" });
  }
}
