import type { RequestType } from "./request-type.js";

/** Bifrost's extra_fields, carried by every response and every stream chunk. */
export interface ExtraFields {
  request_type: RequestType;
  provider: string;
  model_requested: string;
  model_deployment?: string;
  latency: number;
  chunk_index: number;
  raw_request?: unknown;
  raw_response?: unknown;
  dropped_params?: string[];
  /** Lines of a JSONL answer (batch results) that were not JSON, with their 1-based line numbers. */
  parse_errors?: JsonLineError[];
}

export interface JsonLineError {
  line: number;
  message: string;
}
