import type { ProviderSettings } from "../../config/types.js";
import { encodeEmbeddingBase64 } from "../../schema/embedding.js";
import { failure } from "../../schema/error.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { isResourceOperation, type ResourceOperation } from "../../schema/resource-operation.js";
import type { BuiltUpstreamRequest, ChunkDecoder, DecodedEvent, ProviderAdapter, ProviderCall } from "../types.js";
import { VerbatimChunk } from "../../schema/verbatim-json.js";
import { formFields, multipartFilesRequest, pathId } from "../resource-request.js";
import { decodeUpstreamErrorBody } from "../upstream-error.js";
import { trustedPath, upstreamBase, upstreamUrl, withQuery, type UpstreamUrl } from "../upstream-url.js";
import type { OpenAICompatibleRow } from "./compatible-providers.js";
import type { OpenAIQuirks } from "./openai-quirks.js";
import { toOpenAIInputTokensBody } from "./openai-input-tokens-body.js";

/** Body fields that steer the gateway and are never sent upstream. */
const GATEWAY_FIELDS = ["fallbacks"] as const;

const OPERATION_PATHS: Record<Exclude<Operation, "list_models" | "rerank" | ResourceOperation>, string> = {
  chat: "/chat/completions",
  text_completion: "/completions",
  embedding: "/embeddings",
  responses: "/responses",
  responses_retrieve: "/responses",
  responses_delete: "/responses",
  responses_cancel: "/responses",
  responses_input_items: "/responses",
  count_tokens: "/responses/input_tokens",
  speech: "/audio/speech",
  image_generation: "/images/generations",
  transcription: "/audio/transcriptions",
  image_edit: "/images/edits",
};

/** The OpenAI wire format, shared by OpenAI itself and every OpenAI-compatible row. */
export function createOpenAICompatibleAdapter(row: OpenAICompatibleRow): ProviderAdapter {
  const quirks: OpenAIQuirks = row.quirks ?? {};
  return {
    name: row.name,
    supports: (op) => rowServes(row, op),
    buildRequest(call) {
      return buildOpenAIRequest(call, upstreamUrl`${originOf(call.settings, row)}${trustedPath(row.pathPrefix)}`, bearerHeaders(call), quirks);
    },
    decodeResponse: (op, native, call) => decodeOpenAIResponse(op, native, call, quirks),
    verbatimResponse: (op, text, call) => isVerbatimOpenAIResponse(op, text, call, quirks),
    streamDecoder: (op, call) => openAIStreamDecoder(op, quirks, call),
    decodeError: decodeUpstreamErrorBody,
  };
}

/** Every OpenAI-wire operation but rerank; token counting, speech and images only where the row says so. */
function rowServes(row: OpenAICompatibleRow, op: Operation): boolean {
  switch (op) {
    case "rerank":
      return false;
    case "count_tokens":
      return row.countsInputTokens === true;
    case "speech":
      return row.servesSpeech === true;
    case "image_generation":
      return row.servesImageGeneration === true;
    case "transcription":
      return row.servesTranscription === true;
    case "image_edit":
      return row.servesImageEdit === true;
    default:
      return true;
  }
}

function originOf(settings: ProviderSettings, row: OpenAICompatibleRow): UpstreamUrl {
  const base = settings.baseUrl ?? row.baseUrl;
  // Config validation guarantees a base URL for rows without a default; this guards custom wiring.
  if (!base) throw new Error(`provider ${row.name} has no base_url`);
  return upstreamBase(base);
}

function bearerHeaders(call: ProviderCall): Record<string, string> {
  return call.key.value ? { authorization: `Bearer ${call.key.value}` } : {};
}

/**
 * Builds an OpenAI-wire request under `apiRoot` (origin + version prefix); `fixedQuery` goes on every
 * URL (Azure's `api-version`), before the caller's own query where one is passed on.
 */
export function buildOpenAIRequest(
  call: ProviderCall,
  apiRoot: UpstreamUrl,
  authHeaders: Record<string, string>,
  quirks: OpenAIQuirks,
  fixedQuery: Record<string, string> = {},
): BuiltUpstreamRequest {
  const headers: Record<string, string> = { ...call.settings.extraHeaders, ...authHeaders };
  if (call.op === "list_models") return { method: "GET", url: withQuery(upstreamUrl`${apiRoot}/models`, fixedQuery), headers };
  if (call.op === "rerank") throw failure({ status: 400, message: `provider '${call.settings.name}' does not support rerank` });
  // Files, batches and containers are built by the provider's resource adapter (see resource-adapters.ts).
  if (isResourceOperation(call.op)) throw failure({ status: 400, message: `provider '${call.settings.name}' does not support ${call.op}` });
  const path = upstreamUrl`${apiRoot}${trustedPath(OPERATION_PATHS[call.op])}`;
  switch (call.op) {
    case "responses_retrieve":
      return { method: "GET", url: withQuery(withQuery(upstreamUrl`${path}/${pathId(call)}`, fixedQuery), call.query), headers };
    case "responses_delete":
      return { method: "DELETE", url: withQuery(upstreamUrl`${path}/${pathId(call)}`, fixedQuery), headers };
    case "responses_cancel":
      return { method: "POST", url: withQuery(upstreamUrl`${path}/${pathId(call)}/cancel`, fixedQuery), headers };
    case "responses_input_items":
      return { method: "GET", url: withQuery(withQuery(upstreamUrl`${path}/${pathId(call)}/input_items`, fixedQuery), call.query), headers };
    case "transcription":
    case "image_edit":
      return multipartModelRequest(call, withQuery(path, fixedQuery), headers);
    default: {
      headers["content-type"] = "application/json";
      const body = nativeBody(call, quirks);
      const request: BuiltUpstreamRequest = { method: "POST", url: withQuery(path, fixedQuery), headers, body: JSON.stringify(body) };
      // Speech answers with the audio itself, passed on to the caller as it arrives.
      if (call.op === "speech") request.expect = "bytes";
      return request;
    }
  }
}

/** Answer formats of a transcription that are not JSON: passed on as the provider sends them. */
const TEXT_TRANSCRIPTS: ReadonlySet<string> = new Set(["text", "srt", "vtt"]);

/**
 * A multipart model request (speech to text, image edits): the caller's form fields with the model
 * named as the provider knows it, then the files (the audio; the images and mask) streamed from
 * where the route spooled them. JSON answers are decoded; plain-text transcripts and event streams
 * (`stream=true`) are passed on as they come, with the provider's content type.
 */
function multipartModelRequest(call: ProviderCall, url: UpstreamUrl, headers: Record<string, string>): BuiltUpstreamRequest {
  const fields: Array<[string, string]> = [["model", call.model], ...formFields(call).filter(([name]) => name !== "model")];
  const request = multipartFilesRequest(url, headers, fields, call.uploads ?? []);
  const format = call.body?.["response_format"];
  const textTranscript = call.op === "transcription" && typeof format === "string" && TEXT_TRANSCRIPTS.has(format);
  if (textTranscript || call.body?.["stream"] === "true") request.expect = "bytes";
  return request;
}

function nativeBody(call: ProviderCall, quirks: OpenAIQuirks): JsonObject {
  const body: JsonObject = { ...(call.op === "count_tokens" ? toOpenAIInputTokensBody(call.body ?? {}) : call.body), model: call.model };
  for (const field of GATEWAY_FIELDS) delete body[field];
  if (call.op === "embedding" && body["encoding_format"] === "base64" && quirks.embeddingBase64 === false) {
    body["encoding_format"] = "float";
  }
  quirks.adaptRequest?.(call.op, body);
  return body;
}

export function decodeOpenAIResponse(op: Operation, native: unknown, call: ProviderCall, quirks: OpenAIQuirks): JsonObject {
  if (!isRecord(native)) return { value: native };
  quirks.adaptResponse?.(op, native);
  if (op === "chat") {
    normalizeReasoning(native, "message");
    if (excludesReasoning(call)) stripReasoning(native, "message");
  }
  if (op === "embedding" && call.body?.["encoding_format"] === "base64") encodeFloatEmbeddings(native);
  return native;
}

/** Whether `decodeOpenAIResponse` would hand this answer back unchanged (then its text is passed on as is). */
export function isVerbatimOpenAIResponse(op: Operation, text: string, call: ProviderCall, quirks: OpenAIQuirks): boolean {
  // Files, batches and containers are decoded by the resource adapters, which fill in what OpenAI leaves out.
  if (quirks.adaptResponse || isResourceOperation(op)) return false;
  if (op === "chat") return !text.includes(REASONING_CONTENT) && !excludesReasoning(call);
  if (op === "embedding") return call.body?.["encoding_format"] !== "base64";
  return true;
}

const REASONING_CONTENT = '"reasoning_content"';

/**
 * A stream chunk that may be an error or carry provider-named reasoning. One regex rather than two
 * `includes`: the parser's strings are ropes, and V8 flattens them once for a regex but again for
 * every `includes` (measured: 0.7 µs a chunk for the two `includes`).
 */
const NEEDS_DECODING = /"(?:error|reasoning_content)"/;

/** Providers name reasoning text `reasoning_content` (DeepSeek, xAI, Azure Foundry) or `reasoning`; canonical is `reasoning`. */
function normalizeReasoning(native: JsonObject, field: "message" | "delta"): void {
  const choices = native["choices"];
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    if (!isRecord(choice)) continue;
    const message = choice[field];
    if (!isRecord(message)) continue;
    const rc = message["reasoning_content"];
    if (typeof rc === "string" && message["reasoning"] === undefined) message["reasoning"] = rc;
  }
}

/**
 * The caller asked for reasoning without its text (`reasoning.exclude`). OpenAI-wire providers have no
 * such switch and answer with it anyway, so Iris takes it off; usage keeps counting reasoning tokens.
 */
function excludesReasoning(call: ProviderCall | undefined): boolean {
  const reasoning = call?.body?.["reasoning"];
  return isRecord(reasoning) && reasoning["exclude"] === true;
}

const REASONING_FIELDS = ["reasoning", "reasoning_content", "reasoning_details"] as const;

function stripReasoning(native: JsonObject, field: "message" | "delta"): void {
  const choices = native["choices"];
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    const message = isRecord(choice) ? choice[field] : undefined;
    if (!isRecord(message)) continue;
    for (const name of REASONING_FIELDS) delete message[name];
  }
}

function encodeFloatEmbeddings(native: JsonObject): void {
  const data = native["data"];
  if (!Array.isArray(data)) return;
  for (const item of data) {
    if (isRecord(item) && Array.isArray(item["embedding"])) {
      item["embedding"] = encodeEmbeddingBase64(item["embedding"] as number[]);
    }
  }
}

/** Decodes OpenAI-style SSE: chat/completions chunks end with `[DONE]`; Responses events are named. */
export function openAIStreamDecoder(op: Operation, quirks: OpenAIQuirks, call?: ProviderCall): ChunkDecoder {
  const stripsReasoning = op === "chat" && excludesReasoning(call);
  const passesVerbatim = !quirks.adaptResponse && !stripsReasoning && (op === "chat" || op === "text_completion");
  return {
    decode({ event, data }): DecodedEvent[] {
      if (data === "[DONE]") return [{ kind: "done" }];
      // The common chunk needs no change: pass its text on without parsing it. Anything that might
      // be an error, carry provider-named reasoning, or need a quirk takes the full path below.
      if (passesVerbatim && data.charCodeAt(0) === 0x7b && !NEEDS_DECODING.test(data)) {
        return [new VerbatimChunk(data)];
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return [{ kind: "error", error: { status: 502, message: `provider sent a stream event that is not JSON: ${data.slice(0, 200)}` } }];
      }
      if (!isRecord(parsed)) return [];
      if (op !== "responses" && isRecord(parsed["error"])) {
        return [{ kind: "error", error: decodeUpstreamErrorBody(500, data) }];
      }
      quirks.adaptResponse?.(op, parsed);
      if (op === "chat") normalizeReasoning(parsed, "delta");
      if (stripsReasoning) stripReasoning(parsed, "delta");
      const eventName = op === "responses" ? (typeof parsed["type"] === "string" ? parsed["type"] : event) : undefined;
      return [{ kind: "chunk", chunk: parsed, rawText: data, ...(eventName ? { event: eventName } : {}) }];
    },
  };
}
