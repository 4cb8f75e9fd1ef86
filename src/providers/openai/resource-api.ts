import type { UpstreamUrl } from "../upstream-url.js";

/** Where an OpenAI-wire resource API lives: OpenAI's `https://api.openai.com/v1`, Azure's `{endpoint}/openai/v1`. */
export interface OpenAIResourceApi {
  root: UpstreamUrl;
  headers: Record<string, string>;
}
