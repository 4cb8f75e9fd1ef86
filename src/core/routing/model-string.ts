/** `provider/model` → its parts. The model may itself contain `/` (`openrouter/meta-llama/llama-3`). */
export interface ModelRef {
  provider: string;
  model: string;
}

export function parseModelString(value: string, defaultProvider?: string): ModelRef | undefined {
  const slash = value.indexOf("/");
  if (slash > 0 && slash < value.length - 1) return { provider: value.slice(0, slash), model: value.slice(slash + 1) };
  if (defaultProvider && value.length > 0 && slash === -1) return { provider: defaultProvider, model: value };
  return undefined;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}
