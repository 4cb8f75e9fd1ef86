import type { Readable } from "node:stream";
import type { KeySettings, ProviderSettings } from "../config/types.js";
import type { ErrorDetails } from "../schema/error.js";
import type { UploadedFile, UploadedPart } from "../schema/uploads.js";
import type { Operation } from "../schema/request-type.js";
import type { UpstreamUrl } from "./upstream-url.js";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** A request to send upstream, fully built by a provider from canonical input. */
export interface UpstreamRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** A streamed body (file uploads), sent instead of `body`; a stream cannot be replayed, so it is never retried. */
  streamBody?: Readable;
  /**
   * How a 2xx answer is read: `json` (default) is decoded by the provider; `jsonl` is read line by line
   * (unparseable lines become `extra_fields.parse_errors`); `bytes` is passed to the caller as it arrives.
   */
  expect?: "json" | "jsonl" | "bytes";
  /** Multi-step operations: the next request, built from this one's 2xx JSON answer; undefined when that answer is the result. */
  next?(answer: UpstreamAnswer): UpstreamRequest | undefined;
}

/**
 * An upstream request as a provider builds it: its URL, and each chained step's, comes from
 * upstream-url.ts, so no client value reaches the path unencoded.
 */
export interface BuiltUpstreamRequest extends UpstreamRequest {
  url: UpstreamUrl;
  next?(answer: UpstreamAnswer): BuiltUpstreamRequest | undefined;
}

/** A 2xx JSON answer handed to `UpstreamRequest.next`. */
export interface UpstreamAnswer {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Everything a provider needs to build one upstream call. */
export interface ProviderCall {
  op: Operation;
  settings: ProviderSettings;
  key: KeySettings;
  /** Model id as the provider knows it (the part after `provider/`). */
  model: string;
  /** Canonical request body (for POST operations); never mutated by providers. */
  body?: Record<string, unknown>;
  /** Resource id for retrieve/delete/cancel/input_items. */
  resourceId?: string;
  /** Second-level resource id (a container file inside a container). */
  childId?: string;
  query?: URLSearchParams;
  /** The uploaded file of a multipart request (files, container files). */
  upload?: UploadedFile;
  /** The file parts of a multipart model request (a transcription's audio, an image edit's images and mask). */
  uploads?: readonly UploadedPart[];
  stream: boolean;
}

/** Streaming decoder state is a plain object owned by the caller. */
export interface ChunkDecoder {
  /** One native stream event in (SSE event, or AWS event-stream message), zero or more canonical chunks out. */
  decode(event: { event: string | undefined; data: string }): DecodedEvent[];
  /** Called once when the upstream body ends, for decoders that hold state until the end. */
  finish?(): DecodedEvent[];
}

/**
 * Splits upstream bytes into native events and decodes them, synchronously: `push` gets each network
 * read and answers the events it completed; `end` is called once when the body ends.
 */
export interface StreamFramer {
  push(bytes: Uint8Array): DecodedEvent[];
  end(): DecodedEvent[];
}

/** A provider's stream framing; SSE unless the provider says otherwise. */
export type StreamFraming = (decoder: ChunkDecoder) => StreamFramer;

export type DecodedEvent =
  | {
      kind: "chunk";
      chunk: Record<string, unknown>;
      event?: string;
      rawText: string;
      /** The canonical chunk is exactly `rawText` (OpenAI-family streams): the gateway may pass the text on as is. */
      verbatim?: boolean;
    }
  | { kind: "done" }
  | { kind: "error"; error: ErrorDetails };

export interface ProviderAdapter {
  readonly name: string;
  /** Builds the upstream request for a canonical operation. */
  buildRequest(call: ProviderCall): BuiltUpstreamRequest;
  /** Provider-side deployment name when it differs from the model (Azure). */
  deploymentFor?(model: string, key: KeySettings): string | undefined;
  /** Native JSON response → canonical response. */
  decodeResponse(op: Operation, native: unknown, call: ProviderCall): Record<string, unknown>;
  /** True when `decodeResponse` would return this answer unchanged, so its text can be passed on without a parse. */
  verbatimResponse?(op: Operation, text: string, call: ProviderCall): boolean;
  /** A fresh decoder for one stream. */
  streamDecoder(op: Operation, call: ProviderCall): ChunkDecoder;
  /** Native error body → error details, keeping the provider's own message and code. */
  decodeError(status: number, bodyText: string): ErrorDetails;
  /** Which operations this provider serves. */
  supports(op: Operation): boolean;
  /** Async request finishing: OAuth tokens (Vertex), SigV4 signatures (Bedrock). Runs once per attempt. */
  authorize?(req: UpstreamRequest, call: ProviderCall): Promise<UpstreamRequest>;
  /** Framing of streamed responses; defaults to SSE. Bedrock uses AWS event-stream. */
  streamFraming?: StreamFraming;
}

/** Files, batches and containers of one provider; the registry composes them onto its adapter. */
export interface ResourceAdapter {
  supports(op: Operation): boolean;
  buildRequest(call: ProviderCall): BuiltUpstreamRequest;
  /** Native answer (a JSON value, or the parsed lines of a `jsonl` answer) → canonical body. */
  decodeResponse(op: Operation, native: unknown, call: ProviderCall): Record<string, unknown>;
}
