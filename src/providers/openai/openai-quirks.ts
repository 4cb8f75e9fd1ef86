import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";

/** How one OpenAI-compatible provider differs from OpenAI itself. */
export interface OpenAIQuirks {
  /** Rewrites a canonical body (already copied) into what this provider accepts. */
  adaptRequest?(op: Operation, body: Record<string, unknown>): void;
  /** Rewrites a native response or chunk (in place) into the canonical shape. */
  adaptResponse?(op: Operation, native: Record<string, unknown>): void;
  /** False when the provider cannot return base64 embeddings (Iris then encodes floats itself). */
  embeddingBase64?: boolean;
}

/** Reasoning models refuse `max_tokens` and ask for `max_completion_tokens`. */
const REASONING_MODEL = /^(o\d|gpt-5)/;

/** The output limit a reasoning budget is weighed against when the request sets none (Bifrost's too). */
const REASONING_REFERENCE_MAX_TOKENS = 4096;

/** The smallest budget that still asks for reasoning: the scale a budget is placed on starts here. */
const MIN_REASONING_BUDGET = 1;

/** Largest share of the output limit a budget may take for each effort, smallest first; above them all: high (Bifrost's cut points). */
const EFFORT_BY_BUDGET_SHARE: ReadonlyArray<readonly [maxShare: number, effort: string]> = [
  [0.25, "low"],
  [0.6, "medium"],
];

/**
 * OpenAI (and Azure OpenAI) validate message fields strictly, so canonical fields that only other
 * providers understand are taken off before sending: assistant `reasoning` / `reasoning_details`
 * (Anthropic thinking, Bedrock reasoning) and tool calls' `extra_content` (Gemini thought signatures).
 * They come back into history when a conversation moves between providers.
 */
export const openAIQuirks: OpenAIQuirks = {
  adaptRequest(op: Operation, body: JsonObject): void {
    if (op !== "chat") return;
    if (Array.isArray(body["messages"])) body["messages"] = body["messages"].map(withoutCanonicalOnlyFields);
    mapCanonicalReasoningToEffort(body);
    removePropertyOrdering(body);
    const model = body["model"];
    if (typeof model === "string" && REASONING_MODEL.test(model) && body["max_tokens"] !== undefined && body["max_completion_tokens"] === undefined) {
      body["max_completion_tokens"] = body["max_tokens"];
      delete body["max_tokens"];
    }
  },
};

/**
 * The efforts a model takes, weakest first; an empty list when its reasoning cannot be steered (it
 * refuses the parameter). Applies to efforts the gateway derives from canonical `reasoning`; a
 * `reasoning_effort` the caller wrote goes out as written.
 */
export type EffortsOf = (model: string) => readonly string[] | undefined;

/** For compatible APIs that, like OpenAI, take `reasoning_effort` and no canonical `reasoning` object. */
export function withReasoningEffort(quirks: OpenAIQuirks = {}, effortsOf?: EffortsOf): OpenAIQuirks {
  return {
    ...quirks,
    adaptRequest(op: Operation, body: JsonObject): void {
      if (op === "chat") {
        mapCanonicalReasoningToEffort(body, effortsOf);
        removePropertyOrdering(body);
      }
      quirks.adaptRequest?.(op, body);
    },
  };
}

/** OpenAI's effort scale, weakest first. */
const EFFORT_SCALE = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;

/**
 * The accepted effort nearest to `effort` on OpenAI's scale (a tie goes to the stronger: the caller
 * asked for at least that much); undefined when the model takes none.
 */
function nearestEffort(effort: string, accepted: readonly string[]): string | undefined {
  if (accepted.includes(effort)) return effort;
  const rank = (e: string): number => EFFORT_SCALE.indexOf(e as (typeof EFFORT_SCALE)[number]);
  const wanted = rank(effort);
  if (wanted < 0) return accepted.at(-1);
  let best: string | undefined;
  for (const candidate of accepted) {
    if (best === undefined || Math.abs(rank(candidate) - wanted) <= Math.abs(rank(best) - wanted)) best = candidate;
  }
  return best;
}

/**
 * xAI: grok-3-mini takes low or high, grok-4.3 none to high; the other Grok models answer 400 to
 * any reasoning_effort (Grok 4 variants reason as they are named). Models not known here get the effort.
 */
export const xaiEfforts: EffortsOf = (model) => {
  if (/^grok-3-mini/.test(model)) return ["low", "high"];
  if (/^grok-4[.-]3\b/.test(model)) return ["none", "low", "medium", "high"];
  if (/^grok-(2|3|4|code)/.test(model)) return [];
  return undefined;
};

/**
 * Mistral: adjustable reasoning (Mistral Small 4, Medium 3.5) takes none or high; Magistral always
 * reasons and other models have no such switch.
 */
export const mistralEfforts: EffortsOf = (model) => {
  if (/^mistral-small-(latest|26\d\d)$/.test(model) || /^mistral-medium-3[.-]5/.test(model)) return ["none", "high"];
  return [];
};

/**
 * Canonical `reasoning` → `reasoning_effort`, the one reasoning control of OpenAI's chat API. An
 * effort is sent as it is; a token budget has no OpenAI equivalent, so it becomes an effort rather
 * than being dropped. An explicit `reasoning_effort` wins over both.
 */
function mapCanonicalReasoningToEffort(body: JsonObject, effortsOf?: EffortsOf): void {
  const reasoning = body["reasoning"];
  if (!isRecord(reasoning)) return;
  delete body["reasoning"];
  if (body["reasoning_effort"] !== undefined) return;
  let effort: string | undefined;
  if (typeof reasoning["effort"] === "string") effort = reasoning["effort"];
  else if (typeof reasoning["max_tokens"] === "number") effort = effortForReasoningBudget(reasoning["max_tokens"], outputLimitOf(body));
  const accepted = effortsOf && typeof body["model"] === "string" ? effortsOf(body["model"]) : undefined;
  if (effort !== undefined && accepted) effort = nearestEffort(effort, accepted);
  if (effort !== undefined) body["reasoning_effort"] = effort;
}

/**
 * Bifrost's estimate: the budget's share of the output limit picks the effort (0 or less turns
 * reasoning off). A budget above the limit counts as the whole limit.
 */
export function effortForReasoningBudget(budget: number, outputLimit: number): string {
  if (budget <= 0) return "none";
  if (outputLimit <= MIN_REASONING_BUDGET) return "high";
  const counted = Math.min(Math.max(budget, MIN_REASONING_BUDGET), outputLimit);
  const share = (counted - MIN_REASONING_BUDGET) / (outputLimit - MIN_REASONING_BUDGET);
  return EFFORT_BY_BUDGET_SHARE.find(([maxShare]) => share <= maxShare)?.[1] ?? "high";
}

function outputLimitOf(body: JsonObject): number {
  for (const field of ["max_completion_tokens", "max_tokens"]) {
    const limit = body[field];
    if (typeof limit === "number" && limit > 0) return limit;
  }
  return REASONING_REFERENCE_MAX_TOKENS;
}

/**
 * Gemini's `propertyOrdering` (carried in canonical schemas from the GenAI surface) is no JSON Schema
 * keyword, and OpenAI's strict schemas refuse unknown keywords. The order is not lost: canonical
 * `properties` are listed in it, and OpenAI-wire structured outputs follow that order.
 */
function removePropertyOrdering(body: JsonObject): void {
  const format = body["response_format"];
  if (isRecord(format) && isRecord(format["json_schema"]) && isRecord(format["json_schema"]["schema"])) {
    const schema = withoutPropertyOrdering(format["json_schema"]["schema"]);
    if (schema !== format["json_schema"]["schema"]) body["response_format"] = { ...format, json_schema: { ...format["json_schema"], schema } };
  }
  const tools = body["tools"];
  if (!Array.isArray(tools)) return;
  const cleaned = replaced(tools, (tool) => {
    if (!isRecord(tool) || !isRecord(tool["function"])) return tool;
    const parameters = withoutPropertyOrdering(tool["function"]["parameters"]);
    return parameters === tool["function"]["parameters"] ? tool : { ...tool, function: { ...tool["function"], parameters } };
  });
  if (cleaned !== tools) body["tools"] = cleaned;
}

/** Keywords whose value maps names to subschemas, and those whose value is a subschema or a list of them. */
const SUBSCHEMA_MAPS = ["properties", "$defs", "definitions"] as const;
const SUBSCHEMAS = ["items", "additionalProperties", "anyOf", "oneOf", "allOf"] as const;

/** The schema without `propertyOrdering` at any depth; the same object (nothing copied) when it holds none. */
function withoutPropertyOrdering(schema: unknown): unknown {
  if (Array.isArray(schema)) return replaced(schema, withoutPropertyOrdering);
  if (!isRecord(schema)) return schema;
  let copy: JsonObject | undefined;
  if ("propertyOrdering" in schema) {
    const { propertyOrdering: _ordering, ...rest } = schema;
    copy = rest;
  }
  for (const key of SUBSCHEMAS) {
    if (!(key in schema)) continue;
    const sub = withoutPropertyOrdering(schema[key]);
    if (sub !== schema[key]) (copy ??= { ...schema })[key] = sub;
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (!isRecord(map)) continue;
    let mapCopy: JsonObject | undefined;
    for (const name of Object.keys(map)) {
      const sub = withoutPropertyOrdering(map[name]);
      if (sub !== map[name]) (mapCopy ??= { ...map })[name] = sub;
    }
    if (mapCopy) (copy ??= { ...schema })[key] = mapCopy;
  }
  return copy ?? schema;
}

/** `items` with `change` applied; the same array when no item changed. */
function replaced(items: unknown[], change: (item: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  items.forEach((item, i) => {
    const next = change(item);
    if (next !== item) (out ??= items.slice())[i] = next;
  });
  return out ?? items;
}

function withoutCanonicalOnlyFields(message: unknown): unknown {
  if (!isRecord(message) || message["role"] !== "assistant") return message;
  const hasToolExtras = Array.isArray(message["tool_calls"]) && message["tool_calls"].some((c) => isRecord(c) && "extra_content" in c);
  if (!("reasoning" in message) && !("reasoning_details" in message) && !hasToolExtras) return message;
  const { reasoning: _reasoning, reasoning_details: _details, ...rest } = message;
  if (hasToolExtras) {
    rest["tool_calls"] = (message["tool_calls"] as unknown[]).map((call) => {
      if (!isRecord(call)) return call;
      const { extra_content: _extra, ...plain } = call;
      return plain;
    });
  }
  return rest;
}
