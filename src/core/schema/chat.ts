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

export interface ChatContentPartOther {
  type: string;
  [extra: string]: unknown;
}

export type ChatContentPart = ChatContentPartText | ChatContentPartImage | ChatContentPartOther;

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  [extra: string]: unknown;
}

export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
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
  [extra: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [extra: string]: unknown };
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
