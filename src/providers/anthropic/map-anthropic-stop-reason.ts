/**
 * Anthropic's `stop_reason` → OpenAI's `finish_reason`. `pause_turn` (a server tool paused a long
 * turn) ends the response normally; unknown future reasons count as a normal stop.
 */
export function mapAnthropicStopReason(reason: string | null | undefined): string | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}
