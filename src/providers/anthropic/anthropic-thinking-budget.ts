import type { ChatRequest } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import type { AnthropicThinkingConfig } from "./anthropic-types.js";

/** Anthropic requires `max_tokens`; this is what Iris asks for when the caller sets none. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's smallest accepted thinking budget. */
const ANTHROPIC_MIN_THINKING_BUDGET = 1024;

/** OpenAI reasoning effort → Anthropic thinking budget (tokens). */
const ANTHROPIC_THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
};

export interface AnthropicLengthSettings {
  max_tokens: number;
  thinking?: AnthropicThinkingConfig;
}

/**
 * `reasoning.max_tokens`, `reasoning.effort` or `reasoning_effort` → `thinking.budget_tokens`, and
 * `max_tokens` / `max_completion_tokens` → `max_tokens`. Anthropic counts thinking inside
 * `max_tokens`, so without a caller limit it is raised above the budget; a caller limit at or below
 * the budget is refused rather than silently changed.
 */
export function anthropicLengthSettings(request: ChatRequest): AnthropicLengthSettings {
  const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const budget = thinkingBudget(request);
  if (budget === undefined) return { max_tokens: requested ?? ANTHROPIC_DEFAULT_MAX_TOKENS };
  const thinking: AnthropicThinkingConfig = { type: "enabled", budget_tokens: budget };
  if (requested === undefined) return { max_tokens: budget + ANTHROPIC_DEFAULT_MAX_TOKENS, thinking };
  if (requested <= budget) {
    throw failure({
      status: 400,
      message: `max_tokens (${requested}) must be greater than the thinking budget (${budget} tokens); anthropic counts thinking inside max_tokens`,
      param: request.max_completion_tokens !== undefined && request.max_completion_tokens !== null ? "max_completion_tokens" : "max_tokens",
    });
  }
  return { max_tokens: requested, thinking };
}

function thinkingBudget(request: ChatRequest): number | undefined {
  const explicit = request.reasoning?.max_tokens;
  if (typeof explicit === "number") {
    if (explicit < ANTHROPIC_MIN_THINKING_BUDGET) {
      throw failure({ status: 400, message: `anthropic thinking budgets start at ${ANTHROPIC_MIN_THINKING_BUDGET} tokens`, param: "reasoning.max_tokens" });
    }
    return explicit;
  }
  const effort = request.reasoning?.effort ?? request.reasoning_effort;
  if (effort === undefined || effort === null || effort === "none") return undefined;
  const budget = ANTHROPIC_THINKING_BUDGETS[effort];
  if (budget === undefined) {
    const param = request.reasoning?.effort !== undefined ? "reasoning.effort" : "reasoning_effort";
    throw failure({ status: 400, message: `reasoning effort must be one of none, ${Object.keys(ANTHROPIC_THINKING_BUDGETS).join(", ")}`, param });
  }
  return budget;
}
