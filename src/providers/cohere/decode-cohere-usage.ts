import type { Usage } from "../../schema/chat.js";
import type { CohereUsage } from "./cohere-types.js";

/**
 * Cohere usage → canonical. `tokens` counts what the model saw and wrote (including Cohere's own
 * preamble); `billed_units` only what is billed. Canonical usage reports `tokens`, falling back to
 * `billed_units` when a response carries only those; `cached_tokens` is the prompt-cache hit count,
 * and `billed_units` rides along under its Cohere name.
 */
export function decodeCohereUsage(usage: CohereUsage | undefined): Usage | undefined {
  if (!usage) return undefined;
  const prompt = usage.tokens?.input_tokens ?? usage.billed_units?.input_tokens;
  const completion = usage.tokens?.output_tokens ?? usage.billed_units?.output_tokens;
  if (prompt === undefined && completion === undefined) return undefined;
  const out: Usage = {
    prompt_tokens: prompt ?? 0,
    completion_tokens: completion ?? 0,
    total_tokens: (prompt ?? 0) + (completion ?? 0),
  };
  if (typeof usage.cached_tokens === "number") out.prompt_tokens_details = { cached_tokens: usage.cached_tokens };
  // What Cohere charges for can be far below `tokens` (its preamble and cache hits are free): keep it.
  const billed = usage.billed_units;
  if (billed && (billed.input_tokens !== undefined || billed.output_tokens !== undefined)) {
    out["billed_units"] = { input_tokens: billed.input_tokens ?? 0, output_tokens: billed.output_tokens ?? 0 };
  }
  return out;
}
