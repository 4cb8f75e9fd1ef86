/**
 * Canonical chat types: OpenAI Chat Completions shaped, a superset that later providers map onto.
 * Fields the gateway does not know stay on the object (index signature) and pass through to
 * OpenAI-family providers untouched.
 */

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool" | "function";

export interface ChatContentPartText {
  type: "text";
  text: string;
  [extra: string]: unknown;
}

export interface ChatContentPartImage {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
  [extra: string]: unknown;
}

/** Base64 or URL file/document input (PDFs etc.). */
export interface ChatContentPartFile {
  type: "file";
  file: { file_data?: string; file_id?: string; filename?: string };
  [extra: string]: unknown;
}

export interface ChatContentPartOther {
  type: string;
  [extra: string]: unknown;
}

export type ChatContentPart = ChatContentPartText | ChatContentPartImage | ChatContentPartFile | ChatContentPartOther;

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  /**
   * Provider state that must come back on the next turn. Gemini's thought signature travels as
   * `extra_content.google.thought_signature` (the shape Google's own OpenAI-compatible API uses).
   */
  extra_content?: { google?: { thought_signature?: string } };
  [extra: string]: unknown;
}

/**
 * Reasoning blocks with the opaque state providers need back on the next turn:
 * Anthropic thinking (text + signature) and redacted_thinking (data), OpenAI encrypted reasoning,
 * Bedrock reasoningContent. `reasoning` (plain text) is the readable summary of these.
 */
export type ReasoningDetail =
  | { type: "reasoning.text"; text: string; signature?: string; index?: number }
  | { type: "reasoning.summary"; summary: string; index?: number }
  | { type: "reasoning.encrypted"; data: string; index?: number };

export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  /** Readable reasoning text (assistant). */
  reasoning?: string;
  /** Reasoning blocks with signatures / encrypted data, in order (assistant). */
  reasoning_details?: ReasoningDetail[];
  refusal?: string | null;
  [extra: string]: unknown;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [extra: string]: unknown };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  n?: number;
  stop?: string | string[];
  seed?: number;
  tools?: unknown[];
  tool_choice?: unknown;
  response_format?: unknown;
  user?: string;
  /** OpenAI's reasoning effort; mapped to thinking budgets for providers that use budgets. */
  reasoning_effort?: "none" | "minimal" | "low" | "medium" | "high";
  /** Canonical reasoning control for providers with token budgets (Anthropic, Gemini, Bedrock). */
  reasoning?: { effort?: string; max_tokens?: number; exclude?: boolean };
  [extra: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cached_tokens`: read from a prompt cache; `cache_creation_tokens`: written to it (Anthropic, Bedrock). */
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number; [extra: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface ChatChoice {
  index: number;
  message: ChatMessage & { role: "assistant" };
  finish_reason: string | null;
  logprobs?: unknown;
  [extra: string]: unknown;
}

export interface ChatResponse {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
  [extra: string]: unknown;
}

export interface ChatChunkChoice {
  index: number;
  delta: Partial<ChatMessage>;
  finish_reason: string | null;
  logprobs?: unknown;
  [extra: string]: unknown;
}

export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  usage?: Usage | null;
  [extra: string]: unknown;
}
