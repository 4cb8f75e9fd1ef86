/** Converse `stopReason` → OpenAI `finish_reason`. */
const FINISH_REASON_BY_STOP_REASON: Readonly<Record<string, string>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};

/** Unknown or malformed-output reasons end the turn without a more specific cause: `stop`. */
export function mapBedrockStopReason(stopReason: unknown): string {
  return (typeof stopReason === "string" ? FINISH_REASON_BY_STOP_REASON[stopReason] : undefined) ?? "stop";
}
