import type { Readable } from "node:stream";
import type { BifrostError } from "../schema/error.js";
import type { ExtraFields } from "../schema/extra-fields.js";
import type { JsonObject } from "../schema/json.js";
import type { RequestType } from "../schema/request-type.js";

/** What the engine answers: a JSON body, a stream of canonical chunks, or the bytes of a file. */

export interface StreamChunk {
  /** SSE event name for surfaces that use named events (Responses). */
  event?: string;
  /** The canonical chunk, `extra_fields` included. */
  data: JsonObject;
  /** `data` as JSON text, when the engine has it without serialising (OpenAI-family upstreams). */
  json?: string;
}

export type StreamItem = { kind: "chunk"; chunk: StreamChunk } | { kind: "error"; error: BifrostError };

export type EngineResult =
  | { kind: "json"; body: JsonObject; /** `body` as JSON text, when the engine has it without serialising. */ json?: string }
  /** Chunks in batches: every chunk one upstream read completed, so a surface can write them together. */
  | { kind: "stream"; requestType: RequestType; items: AsyncGenerator<StreamItem[]> };

/** The upstream bytes of a file's content, passed on as they arrive, with the headers that describe them. */
export interface BytesResult {
  kind: "bytes";
  headers: Record<string, string>;
  body: Readable;
  /** Who answered (the provider and model that served it, after any fallback) and how fast the headers came. */
  extraFields: ExtraFields;
}

/** What a file, batch or container operation answers: JSON, or the bytes of a file's content. */
export type ResourceResult = { kind: "json"; body: JsonObject } | BytesResult;
