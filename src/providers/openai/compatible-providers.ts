import { mistralQuirks } from "./mistral-quirks.js";
import { mistralEfforts, openAIQuirks, withReasoningEffort, xaiEfforts, type OpenAIQuirks } from "./openai-quirks.js";

/** One row per OpenAI-compatible provider: data, not code. */
export interface OpenAICompatibleRow {
  name: string;
  /** Origin the provider's paths hang from; undefined when it must be configured (self-hosted). */
  baseUrl?: string;
  /** Path between the origin and `/chat/completions`. */
  pathPrefix: string;
  /** Environment variable that holds the API key when no config.json is given. */
  envKey?: string;
  /** Environment variable for the base URL of self-hosted servers. */
  envBaseUrl?: string;
  /** Self-hosted servers work without a key. */
  keyOptional?: boolean;
  /** Serves `POST /responses/input_tokens` (token counting); rows without it are counted locally. */
  countsInputTokens?: boolean;
  /** Serves `POST /audio/speech` (text to speech). */
  servesSpeech?: boolean;
  /** Serves `POST /images/generations`. */
  servesImageGeneration?: boolean;
  /** Serves `POST /audio/transcriptions` (speech to text). */
  servesTranscription?: boolean;
  /** Serves `POST /images/edits`. */
  servesImageEdit?: boolean;
  quirks?: OpenAIQuirks;
}

/** Rows that take OpenAI's `reasoning_effort` and would ignore or refuse the canonical `reasoning` object. */
const REASONING_EFFORT = withReasoningEffort();

export const OPENAI_COMPATIBLE_PROVIDERS: readonly OpenAICompatibleRow[] = [
  {
    name: "openai",
    baseUrl: "https://api.openai.com",
    pathPrefix: "/v1",
    envKey: "OPENAI_API_KEY",
    countsInputTokens: true,
    servesSpeech: true,
    servesImageGeneration: true,
    servesTranscription: true,
    servesImageEdit: true,
    quirks: openAIQuirks,
  },
  {
    name: "groq",
    baseUrl: "https://api.groq.com/openai",
    pathPrefix: "/v1",
    envKey: "GROQ_API_KEY",
    servesSpeech: true,
    servesTranscription: true,
    quirks: REASONING_EFFORT,
  },
  { name: "cerebras", baseUrl: "https://api.cerebras.ai", pathPrefix: "/v1", envKey: "CEREBRAS_API_KEY", quirks: REASONING_EFFORT },
  {
    name: "xai",
    baseUrl: "https://api.x.ai",
    pathPrefix: "/v1",
    envKey: "XAI_API_KEY",
    servesImageGeneration: true,
    quirks: withReasoningEffort({}, xaiEfforts),
  },
  // OpenRouter reads the canonical `reasoning` object (effort or token budget) as it is.
  { name: "openrouter", baseUrl: "https://openrouter.ai/api", pathPrefix: "/v1", envKey: "OPENROUTER_API_KEY" },
  { name: "fireworks", baseUrl: "https://api.fireworks.ai/inference", pathPrefix: "/v1", envKey: "FIREWORKS_API_KEY", quirks: REASONING_EFFORT },
  { name: "nebius", baseUrl: "https://api.studio.nebius.com", pathPrefix: "/v1", envKey: "NEBIUS_API_KEY", quirks: REASONING_EFFORT },
  { name: "parasail", baseUrl: "https://api.parasail.io", pathPrefix: "/v1", envKey: "PARASAIL_API_KEY", quirks: REASONING_EFFORT },
  { name: "perplexity", baseUrl: "https://api.perplexity.ai", pathPrefix: "", envKey: "PERPLEXITY_API_KEY", quirks: REASONING_EFFORT },
  { name: "huggingface", baseUrl: "https://router.huggingface.co", pathPrefix: "/v1", envKey: "HUGGING_FACE_API_KEY", quirks: REASONING_EFFORT },
  { name: "deepseek", baseUrl: "https://api.deepseek.com", pathPrefix: "/v1", envKey: "DEEPSEEK_API_KEY", quirks: REASONING_EFFORT },
  {
    name: "mistral",
    baseUrl: "https://api.mistral.ai",
    pathPrefix: "/v1",
    envKey: "MISTRAL_API_KEY",
    quirks: withReasoningEffort(mistralQuirks, mistralEfforts),
  },
  { name: "ollama", baseUrl: "http://localhost:11434", pathPrefix: "/v1", envBaseUrl: "OLLAMA_BASE_URL", keyOptional: true, quirks: REASONING_EFFORT },
  { name: "vllm", pathPrefix: "/v1", envBaseUrl: "VLLM_BASE_URL", envKey: "VLLM_API_KEY", keyOptional: true, quirks: REASONING_EFFORT },
  { name: "sgl", pathPrefix: "/v1", envBaseUrl: "SGL_BASE_URL", envKey: "SGL_API_KEY", keyOptional: true, quirks: REASONING_EFFORT },
];

const ROWS_BY_NAME = new Map(OPENAI_COMPATIBLE_PROVIDERS.map((row) => [row.name, row]));

export function openAICompatibleRow(name: string): OpenAICompatibleRow | undefined {
  return ROWS_BY_NAME.get(name);
}
