/**
 * Cohere v2 wire types (`/v2/chat`, `/v2/embed`, `/v2/rerank`), snake_case as on the wire.
 * Shared by the provider (canonical → Cohere) and the `/cohere` surface (Cohere → canonical).
 */

export interface CohereTextContent {
  type: "text";
  text: string;
}

export interface CohereThinkingContent {
  type: "thinking";
  thinking: string;
}

export interface CohereImageContent {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

export interface CohereDocumentContent {
  type: "document";
  document: { data: Record<string, unknown>; id?: string };
}

export type CohereUserContent = CohereTextContent | CohereImageContent;
export type CohereAssistantContent = CohereTextContent | CohereThinkingContent;
export type CohereToolContent = CohereTextContent | CohereDocumentContent;

export interface CohereToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface CohereSystemMessage {
  role: "system";
  content: string | CohereTextContent[];
}

export interface CohereUserMessage {
  role: "user";
  content: string | CohereUserContent[];
}

export interface CohereAssistantMessage {
  role: "assistant";
  content?: string | CohereAssistantContent[];
  tool_plan?: string;
  tool_calls?: CohereToolCall[];
  citations?: CohereCitation[];
}

export interface CohereToolMessage {
  role: "tool";
  tool_call_id: string;
  content: string | CohereToolContent[];
}

export type CohereMessage = CohereSystemMessage | CohereUserMessage | CohereAssistantMessage | CohereToolMessage;

export interface CohereTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type CohereToolChoice = "REQUIRED" | "NONE";

export type CohereResponseFormat = { type: "text" } | { type: "json_object"; json_schema?: Record<string, unknown> };

export interface CohereThinking {
  type: "enabled" | "disabled";
  token_budget?: number;
}

export interface CohereChatRequest {
  model: string;
  messages: CohereMessage[];
  stream?: boolean;
  tools?: CohereTool[];
  tool_choice?: CohereToolChoice;
  strict_tools?: boolean;
  documents?: unknown[];
  citation_options?: Record<string, unknown>;
  response_format?: CohereResponseFormat;
  safety_mode?: "CONTEXTUAL" | "STRICT" | "OFF";
  max_tokens?: number;
  stop_sequences?: string[];
  temperature?: number;
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  k?: number;
  p?: number;
  logprobs?: boolean;
  thinking?: CohereThinking;
  priority?: number;
}

export type CohereFinishReason = "COMPLETE" | "STOP_SEQUENCE" | "MAX_TOKENS" | "TOOL_CALL" | "ERROR" | "TIMEOUT" | "ERROR_TOXIC" | "ERROR_LIMIT";

export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number; search_units?: number; classifications?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
  cached_tokens?: number;
}

export interface CohereCitation {
  start?: number;
  end?: number;
  text?: string;
  sources?: unknown[];
  content_index?: number;
  type?: string;
  [extra: string]: unknown;
}

export interface CohereChatResponse {
  id: string;
  finish_reason: CohereFinishReason | (string & {});
  message: {
    role: "assistant";
    content?: CohereAssistantContent[];
    tool_plan?: string;
    tool_calls?: CohereToolCall[];
    citations?: CohereCitation[];
  };
  usage?: CohereUsage;
}

/** One event of a `/v2/chat` stream; the SSE event name equals `type`. */
export type CohereStreamEvent =
  | { type: "message-start"; id?: string; delta?: { message?: Record<string, unknown> } }
  | { type: "content-start"; index: number; delta: { message: { content: { type: "text"; text: string } | { type: "thinking"; thinking: string } } } }
  | { type: "content-delta"; index: number; delta: { message: { content: { text?: string; thinking?: string } } } }
  | { type: "content-end"; index: number }
  | { type: "tool-plan-delta"; delta: { message: { tool_plan: string } } }
  | { type: "tool-call-start"; index: number; delta: { message: { tool_calls: CohereToolCall } } }
  | { type: "tool-call-delta"; index: number; delta: { message: { tool_calls: { function: { arguments: string } } } } }
  | { type: "tool-call-end"; index: number }
  | { type: "citation-start"; index: number; delta: { message: { citations: CohereCitation } } }
  | { type: "citation-end"; index: number }
  | { type: "message-end"; delta: { finish_reason?: string; usage?: CohereUsage; error?: string } };

export type CohereEmbedInputType = "search_document" | "search_query" | "classification" | "clustering" | "image";

export interface CohereEmbedRequest {
  model: string;
  texts?: string[];
  images?: string[];
  inputs?: unknown[];
  input_type: CohereEmbedInputType | (string & {});
  embedding_types?: string[];
  output_dimension?: number;
  max_tokens?: number;
  truncate?: "NONE" | "START" | "END";
  priority?: number;
}

export interface CohereApiMeta {
  api_version?: { version?: string; is_deprecated?: boolean; is_experimental?: boolean };
  billed_units?: { input_tokens?: number; output_tokens?: number; search_units?: number; images?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
  warnings?: string[];
}

export interface CohereEmbedResponse {
  id: string;
  response_type?: "embeddings_by_type" | "embeddings_floats";
  embeddings: { float?: number[][]; base64?: string[]; [type: string]: unknown };
  texts?: string[];
  meta?: CohereApiMeta;
}

export interface CohereRerankRequest {
  model: string;
  query: string;
  documents: string[];
  top_n?: number;
  max_tokens_per_doc?: number;
  priority?: number;
}

export interface CohereRerankResponse {
  id?: string;
  results: { index: number; relevance_score: number }[];
  meta?: CohereApiMeta;
}

/** Cohere's error body: `{message}` (sometimes with an `id`). */
export interface CohereErrorBody {
  id?: string;
  message: string;
}
