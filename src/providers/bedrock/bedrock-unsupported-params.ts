import { failure } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";

/**
 * OpenAI Chat parameters Converse has no way to honour. A value that asks for nothing beyond the
 * default (e.g. `n: 1`, `logprobs: false`) is accepted; anything else is a 400 naming the parameter.
 */
const UNSUPPORTED_UNLESS_DEFAULT: Readonly<Record<string, (value: unknown) => boolean>> = {
  frequency_penalty: (v) => v === 0,
  presence_penalty: (v) => v === 0,
  logit_bias: (v) => typeof v === "object" && v !== null && Object.keys(v).length === 0,
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  n: (v) => v === 1,
  seed: () => false,
  service_tier: (v) => v === "auto",
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === "text",
  audio: () => false,
  prediction: () => false,
  web_search_options: () => false,
  functions: () => false,
  function_call: () => false,
  verbosity: () => false,
  store: (v) => v === false,
  prompt_cache_key: () => false,
  safety_identifier: () => false,
  parallel_tool_calls: (v) => v === true,
};

/** Throws a 400 GatewayFailure for the first parameter Bedrock cannot honour. */
export function rejectUnsupportedParams(body: JsonObject): void {
  for (const [param, isDefault] of Object.entries(UNSUPPORTED_UNLESS_DEFAULT)) {
    const value = body[param];
    if (value === undefined || value === null || isDefault(value)) continue;
    throw failure({ status: 400, message: `bedrock does not support ${param} (got ${JSON.stringify(value)})`, param });
  }
}
