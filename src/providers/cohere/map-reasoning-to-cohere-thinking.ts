import type { ChatRequest } from "../../schema/chat.js";
import { isRecord } from "../../schema/json.js";
import type { CohereThinking } from "./cohere-types.js";

/**
 * Canonical reasoning controls → Cohere's `thinking`. Cohere has a budget and an on/off switch, no
 * effort levels: `reasoning.max_tokens` becomes `token_budget` (0 turns thinking off), effort `none`
 * turns it off, any other effort turns it on with Cohere's default budget. A native `thinking`
 * object passes through when no canonical control is given.
 */
export function mapReasoningToCohereThinking(body: ChatRequest): CohereThinking | undefined {
  const reasoning = body.reasoning;
  if (isRecord(reasoning)) {
    const budget = reasoning["max_tokens"];
    if (typeof budget === "number") return budget > 0 ? { type: "enabled", token_budget: Math.floor(budget) } : { type: "disabled" };
    if (typeof reasoning["effort"] === "string") return fromEffort(reasoning["effort"]);
  }
  if (typeof body.reasoning_effort === "string") return fromEffort(body.reasoning_effort);
  const native = body["thinking"];
  if (isRecord(native) && (native["type"] === "enabled" || native["type"] === "disabled")) {
    const budget = native["token_budget"];
    return { type: native["type"], ...(typeof budget === "number" ? { token_budget: budget } : {}) };
  }
  return undefined;
}

function fromEffort(effort: string): CohereThinking {
  return effort === "none" ? { type: "disabled" } : { type: "enabled" };
}
