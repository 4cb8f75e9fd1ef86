/** What a `/genai/{version}/models/{model}:{method}` path asks for. */
export interface GenaiTarget {
  /** `provider/model`, or a bare Gemini model name. */
  model: string;
  method: string;
}

/**
 * The path after `models/` → model and method. The model may be a bare Gemini name
 * (`gemini-2.5-flash`), `provider/model` over several segments (`openai/gpt-4o-mini`, what the SDK
 * sends for that model name), or the same URL-encoded in one segment (`openai%2Fgpt-4o-mini`).
 */
export function parseGenaiModelPath(segments: readonly string[]): GenaiTarget | undefined {
  const joined = segments.join("/");
  const colon = joined.lastIndexOf(":");
  if (colon <= 0 || colon === joined.length - 1) return undefined;
  return { model: joined.slice(0, colon), method: joined.slice(colon + 1) };
}
