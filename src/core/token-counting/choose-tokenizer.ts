/** The BPE encodings Iris bundles for counting tokens without asking a provider. */
export type TokenizerName = "o200k_base" | "cl100k_base";

export interface TokenizerChoice {
  name: TokenizerName;
  /** True when the encoding is the model's own (OpenAI models); otherwise it stands in for an unknown tokenizer. */
  ownTokenizer: boolean;
}

/** OpenAI models that predate o200k_base: GPT-3.5, GPT-4 (not 4o/4.1/4.5) and the ada-002 / v3 embeddings. */
const CL100K_MODELS = /^(gpt-3\.5|gpt-35|gpt-4(-|$)|text-embedding-3-|text-embedding-ada-002)/;
/** OpenAI models on o200k_base (gpt-oss's o200k_harmony only adds special tokens). */
const O200K_MODELS = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-|codex-|computer-use-|o\d)/;

/**
 * The encoding to count a model's input with, by model family. Models from other vendors (Claude,
 * Gemini, Llama, Mistral, ...) have tokenizers Iris does not bundle; o200k_base approximates them.
 */
export function chooseTokenizer(model: string): TokenizerChoice {
  const name = familyName(model);
  if (CL100K_MODELS.test(name)) return { name: "cl100k_base", ownTokenizer: true };
  return { name: "o200k_base", ownTokenizer: O200K_MODELS.test(name) };
}

/** `openai/gpt-4o` (OpenRouter) or `models/x` → the last segment, lower-cased; Azure-style `gpt-35-turbo` kept. */
function familyName(model: string): string {
  const slash = model.lastIndexOf("/");
  return (slash === -1 ? model : model.slice(slash + 1)).toLowerCase();
}
