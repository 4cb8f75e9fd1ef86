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
}
