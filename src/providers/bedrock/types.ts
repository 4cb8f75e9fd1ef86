/**
 * AWS Bedrock Runtime wire types (Converse / ConverseStream / InvokeModel embeddings), as JSON on the wire.
 * Binary fields (image/document bytes, redacted reasoning) travel as base64 strings.
 */

export type BedrockRole = "user" | "assistant";

export type BedrockImageFormat = "png" | "jpeg" | "gif" | "webp";

export type BedrockDocumentFormat = "pdf" | "csv" | "doc" | "docx" | "xls" | "xlsx" | "html" | "txt" | "md";

export interface BedrockCachePoint {
  cachePoint: { type: "default"; ttl?: string };
}

export interface BedrockTextBlock {
  text: string;
}

export interface BedrockImageBlock {
  image: { format: BedrockImageFormat; source: { bytes: string } };
}

export interface BedrockDocumentBlock {
  document: { format: BedrockDocumentFormat; name: string; source: { bytes: string } };
}

export interface BedrockToolUseBlock {
  toolUse: { toolUseId: string; name: string; input: unknown; [extra: string]: unknown };
}

export type BedrockToolResultContent = BedrockTextBlock | { json: unknown } | BedrockImageBlock | BedrockDocumentBlock;

export interface BedrockToolResultBlock {
  toolResult: { toolUseId: string; content: BedrockToolResultContent[]; status?: "success" | "error" };
}

/** Reasoning is either readable text with Anthropic's signature, or opaque redacted bytes. */
export type BedrockReasoningContent = { reasoningText: { text: string; signature?: string } } | { redactedContent: string };

export interface BedrockReasoningBlock {
  reasoningContent: BedrockReasoningContent;
}

export type BedrockContentBlock =
  BedrockTextBlock | BedrockImageBlock | BedrockDocumentBlock | BedrockToolUseBlock | BedrockToolResultBlock | BedrockReasoningBlock | BedrockCachePoint;

export interface BedrockMessage {
  role: BedrockRole;
  content: BedrockContentBlock[];
}

export type BedrockSystemBlock = BedrockTextBlock | BedrockCachePoint;

export interface BedrockInferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface BedrockToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown }; strict?: boolean };
}

export type BedrockTool = BedrockToolSpec | BedrockCachePoint;

export type BedrockToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface BedrockToolConfig {
  tools: BedrockTool[];
  toolChoice?: BedrockToolChoice;
}

/** `outputConfig.textFormat`: JSON-schema constrained output; the schema is a JSON *string*. */
export interface BedrockOutputConfig {
  textFormat?: {
    type: "json_schema";
    structure: { jsonSchema: { schema: string; name?: string; description?: string } };
  };
  [extra: string]: unknown;
}

export interface ConverseRequest {
  messages: BedrockMessage[];
  system?: BedrockSystemBlock[];
  inferenceConfig?: BedrockInferenceConfig;
  toolConfig?: BedrockToolConfig;
  additionalModelRequestFields?: Record<string, unknown>;
  outputConfig?: BedrockOutputConfig;
  requestMetadata?: Record<string, string>;
  [extra: string]: unknown;
}

export type BedrockStopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "guardrail_intervened"
  | "content_filtered"
  | "malformed_model_output"
  | "malformed_tool_use"
  | "model_context_window_exceeded";

export interface BedrockTokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
  [extra: string]: unknown;
}

export interface ConverseResponse {
  output: { message: BedrockMessage };
  stopReason: BedrockStopReason | (string & {});
  usage: BedrockTokenUsage;
  metrics?: { latencyMs: number };
  additionalModelResponseFields?: unknown;
  [extra: string]: unknown;
}

/** ConverseStream events, one per event-stream message, keyed by the `:event-type` header. */
export interface BedrockMessageStartEvent {
  role: BedrockRole;
}

export interface BedrockContentBlockStartEvent {
  contentBlockIndex: number;
  start: { toolUse?: { toolUseId: string; name: string } };
}

export interface BedrockContentBlockDeltaEvent {
  contentBlockIndex: number;
  delta: {
    text?: string;
    toolUse?: { input: string };
    reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
    citation?: unknown;
  };
}

export interface BedrockContentBlockStopEvent {
  contentBlockIndex: number;
}

export interface BedrockMessageStopEvent {
  stopReason: BedrockStopReason | (string & {});
  additionalModelResponseFields?: unknown;
}

export interface BedrockMetadataEvent {
  usage: BedrockTokenUsage;
  metrics?: { latencyMs: number };
}

/** A ConverseStream event: its `:event-type` and the payload that type carries. */
export type BedrockStreamEvent =
  | { type: "messageStart"; payload: BedrockMessageStartEvent }
  | { type: "contentBlockStart"; payload: BedrockContentBlockStartEvent }
  | { type: "contentBlockDelta"; payload: BedrockContentBlockDeltaEvent }
  | { type: "contentBlockStop"; payload: BedrockContentBlockStopEvent }
  | { type: "messageStop"; payload: BedrockMessageStopEvent }
  | { type: "metadata"; payload: BedrockMetadataEvent };

/** Exceptions ConverseStream can send inside the event stream (`:exception-type`). */
export type BedrockStreamExceptionType =
  "internalServerException" | "modelStreamErrorException" | "validationException" | "throttlingException" | "serviceUnavailableException";
