import { isRecord } from "../../schema/json.js";
import type { CohereUsage } from "../../providers/cohere/cohere-types.js";

/**
 * Canonical usage → Cohere's. Usage that came from Cohere keeps its `billed_units`; other providers
 * bill every token they count, so there `billed_units` and `tokens` carry the same numbers.
 * `cached_tokens` is the prompt-cache read count.
 */
export function encodeCohereUsage(usage: unknown): CohereUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = numberOr0(usage["prompt_tokens"]);
  const output = numberOr0(usage["completion_tokens"]);
  const billed = isRecord(usage["billed_units"]) ? usage["billed_units"] : undefined;
  const out: CohereUsage = {
    billed_units: billed
      ? { input_tokens: numberOr0(billed["input_tokens"]), output_tokens: numberOr0(billed["output_tokens"]) }
      : { input_tokens: input, output_tokens: output },
    tokens: { input_tokens: input, output_tokens: output },
  };
  const details = usage["prompt_tokens_details"];
  if (isRecord(details) && typeof details["cached_tokens"] === "number") out.cached_tokens = details["cached_tokens"];
  return out;
}

function numberOr0(value: unknown): number {
  return typeof value === "number" ? value : 0;
}
