import type { ResourceOperation } from "./resource-operation.js";

/** Bifrost's request_type values, as they appear in extra_fields. */
export type RequestType =
  | "list_models"
  | "text_completion"
  | "text_completion_stream"
  | "chat_completion"
  | "chat_completion_stream"
  | "responses"
  | "responses_stream"
  | "responses_retrieve"
  | "responses_delete"
  | "responses_cancel"
  | "responses_input_items"
  | "embedding"
  | "rerank"
  | "count_tokens"
  | "speech"
  | "speech_stream"
  | "image_generation"
  | "image_generation_stream"
  | "transcription"
  | "transcription_stream"
  | "image_edit"
  | "image_edit_stream"
  | ResourceOperation;

/** Operations the engine knows how to run against a provider. */
export type Operation =
  | "chat"
  | "text_completion"
  | "embedding"
  | "responses"
  | "responses_retrieve"
  | "responses_delete"
  | "responses_cancel"
  | "responses_input_items"
  | "list_models"
  | "rerank"
  | "count_tokens"
  | "speech"
  | "image_generation"
  | "transcription"
  | "image_edit"
  | ResourceOperation;

export function requestTypeOf(op: Operation, stream: boolean): RequestType {
  switch (op) {
    case "chat":
      return stream ? "chat_completion_stream" : "chat_completion";
    case "text_completion":
      return stream ? "text_completion_stream" : "text_completion";
    case "responses":
      return stream ? "responses_stream" : "responses";
    case "speech":
      return stream ? "speech_stream" : "speech";
    case "image_generation":
      return stream ? "image_generation_stream" : "image_generation";
    case "transcription":
      return stream ? "transcription_stream" : "transcription";
    case "image_edit":
      return stream ? "image_edit_stream" : "image_edit";
    default:
      return op;
  }
}
