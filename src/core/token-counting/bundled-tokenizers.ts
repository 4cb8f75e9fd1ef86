import type { TokenizerName } from "./choose-tokenizer.js";

export interface Tokenizer {
  readonly name: TokenizerName;
  count(text: string): number;
}

/** Text that looks like a special token (`<|endoftext|>`) is plain text in a prompt, counted as such. */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<TokenizerName, Promise<Tokenizer>>();

/**
 * An encoding, imported on first use: each one's rank table costs tens of MB, so a gateway that
 * never counts locally never loads one, and one that does loads only the encodings it needs.
 */
export function loadTokenizer(name: TokenizerName): Promise<Tokenizer> {
  let tokenizer = loaded.get(name);
  if (!tokenizer) {
    tokenizer = importEncoding(name);
    loaded.set(name, tokenizer);
    tokenizer.catch(() => loaded.delete(name));
  }
  return tokenizer;
}

async function importEncoding(name: TokenizerName): Promise<Tokenizer> {
  const encoding = name === "o200k_base" ? await import("gpt-tokenizer/encoding/o200k_base") : await import("gpt-tokenizer/encoding/cl100k_base");
  return { name, count: (text) => encoding.countTokens(text, AS_PLAIN_TEXT) };
}
