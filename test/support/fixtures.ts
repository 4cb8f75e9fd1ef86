/**
 * Typed loaders over the recorded provider fixtures kept in the repo
 * (`test/fixtures`, see its README.md for the framings and where each file comes from).
 *
 * The root is resolved from this file's location, so a clone of any name works on its own.
 * `IRIS_FIXTURES_DIR` points the loaders at another copy.
 */
import { crc32 } from 'node:zlib';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** Repo root: this file lives at `<repo>/test/support/fixtures.ts`. */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of the fixtures folder. */
export const FIXTURES_ROOT: string = process.env['IRIS_FIXTURES_DIR'] ?? path.resolve(REPO_ROOT, 'test', 'fixtures');

/** Absolute path of a fixture given relative to the fixtures root (e.g. `openai/chat/openai-text.json`). */
function fixturePath(rel: string): string {
  return path.resolve(FIXTURES_ROOT, rel);
}

/** Raw bytes of a fixture file; throws a readable error when it is missing. */
function readFixtureBytes(rel: string): Buffer {
  const abs = fixturePath(rel);
  if (!existsSync(abs)) {
    throw new Error(`fixture not found: ${rel} (looked in ${FIXTURES_ROOT})`);
  }
  return readFileSync(abs);
}

/** UTF-8 text of a fixture file, exactly as stored. */
export function readFixtureText(rel: string): string {
  return readFixtureBytes(rel).toString('utf8');
}

/** Parsed JSON of a JSON-BODY / JSON-ERROR / JSON-WRAPPER file. */
export function readJsonBody(rel: string): unknown {
  return JSON.parse(readFixtureText(rel)) as unknown;
}

/**
 * Verbatim payload text of each line of a JSONL / JSONL-VERBATIM /
 * JSONL-EVENTSTREAM file (no trailing empty lines; a final LF is optional).
 */
export function readJsonlLines(rel: string): string[] {
  const lines = readFixtureText(rel).split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** One parsed JSON value per line of a JSONL-style file. */
export function readJsonlEvents(rel: string): unknown[] {
  return readJsonlLines(rel).map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (err) {
      throw new Error(`${rel}: line ${index + 1} is not JSON: ${String(err)}`, { cause: err });
    }
  });
}

export type SseStyle = 'openai' | 'named-events' | 'gemini' | 'gemini-interactions';

/**
 * Rebuild the SSE wire body of a JSONL / JSONL-VERBATIM file:
 * - `openai`: `data: <line>\n\n` per line, then `data: [DONE]\n\n`
 *   (OpenAI / Azure Chat, Mistral, Groq, xAI Chat, DeepSeek, Perplexity, Qwen).
 * - `named-events`: `event: <line.type>\ndata: <line>\n\n`
 *   (Anthropic, OpenAI / xAI / Azure Responses, Cohere v2).
 * - `gemini`: `data: <line>\r\n\r\n` (Gemini `alt=sse`).
 * - `gemini-interactions`: `data: <line>\n\n`, no `[DONE]` (Gemini Interactions API).
 * Line payloads are copied verbatim (JSONL-VERBATIM padding is kept).
 */
export function sseWireBody(rel: string, style: SseStyle): string {
  return sseWireFromLines(readJsonlLines(rel), style);
}

/** Same as {@link sseWireBody} for payload lines already in memory. */
export function sseWireFromLines(lines: readonly string[], style: SseStyle): string {
  switch (style) {
    case 'openai':
      return lines.map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n';
    case 'named-events':
      return lines.map((line) => `event: ${eventTypeOf(line)}\ndata: ${line}\n\n`).join('');
    case 'gemini':
      return lines.map((line) => `data: ${line}\r\n\r\n`).join('');
    case 'gemini-interactions':
      return lines.map((line) => `data: ${line}\n\n`).join('');
  }
}

function eventTypeOf(line: string): string {
  const parsed: unknown = JSON.parse(line);
  if (isRecord(parsed) && typeof parsed['type'] === 'string') return parsed['type'];
  throw new Error(`named-events SSE needs a string "type" in every line: ${line.slice(0, 120)}`);
}

/** Files (relative to the fixtures root, sorted) recursively under a folder such as `anthropic` or `openai/chat`. */
export function listFixtures(folder: string): string[] {
  const root = fixturePath(folder);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else found.push(path.relative(FIXTURES_ROOT, abs).split(path.sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

// ---------------------------------------------------------------------------
// VCR-YAML cassettes (pydantic-ai)
// ---------------------------------------------------------------------------

export interface VcrRequest {
  method: string;
  uri: string;
  /** Header values decoded to text (`!!binary` values become UTF-8 strings). */
  headers: Record<string, string[]>;
  /** `parsed_body` when present, else the raw `body` string, else undefined. */
  body: unknown;
  /** Body as JSON: `parsed_body`, or the raw body string parsed when it is JSON. */
  json: unknown;
}

export interface VcrResponse {
  status: number;
  statusMessage: string;
  headers: Record<string, string[]>;
  /** Raw wire text when the cassette stores `body.string` as text. */
  bodyText?: string;
  /** Raw wire bytes when the cassette stores `body.string` (text or `!!binary`). */
  bodyBytes?: Buffer;
  /** `parsed_body` (JSON body re-expressed as YAML: data exact, formatting not). */
  parsedBody?: unknown;
}

export interface VcrInteraction {
  request: VcrRequest;
  response: VcrResponse;
}

export interface VcrCassette {
  interactions: VcrInteraction[];
}

/** Parse a VCR.py cassette; `!!binary` scalars are decoded to raw bytes. */
export function readVcr(rel: string): VcrCassette {
  const doc: unknown = parseYaml(readFixtureText(rel), { customTags: ['binary'] });
  const interactions = isRecord(doc) ? doc['interactions'] : undefined;
  if (!Array.isArray(interactions)) throw new Error(`${rel}: no interactions[] in cassette`);
  return {
    interactions: interactions.map((item: unknown, index) => toInteraction(item, `${rel}#${index}`)),
  };
}

/** Bytes to send when replaying a cassette response (raw body, or compact JSON of `parsed_body`). */
export function vcrResponseBody(response: VcrResponse): Buffer {
  if (response.bodyBytes) return response.bodyBytes;
  if (response.parsedBody !== undefined) return Buffer.from(JSON.stringify(response.parsedBody), 'utf8');
  return Buffer.alloc(0);
}

/** First value of a header (case-insensitive name) from a cassette header map. */
export function vcrHeader(headers: Record<string, string[]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return values[0];
  }
  return undefined;
}

function toInteraction(item: unknown, where: string): VcrInteraction {
  if (!isRecord(item) || !isRecord(item['request']) || !isRecord(item['response'])) {
    throw new Error(`${where}: interaction without request/response`);
  }
  return { request: toVcrRequest(item['request']), response: toVcrResponse(item['response'], where) };
}

function toVcrRequest(raw: Record<string, unknown>): VcrRequest {
  const rawBody = unwrapBodyString(raw['body']);
  const bodyText = rawBody === undefined ? undefined : bytesOrTextToText(rawBody);
  const hasParsed = 'parsed_body' in raw;
  return {
    method: String(raw['method'] ?? 'GET'),
    uri: String(raw['uri'] ?? ''),
    headers: toHeaderMap(raw['headers']),
    body: hasParsed ? raw['parsed_body'] : bodyText,
    json: hasParsed ? raw['parsed_body'] : tryParseJson(bodyText),
  };
}

function toVcrResponse(raw: Record<string, unknown>, where: string): VcrResponse {
  const status = raw['status'];
  const code = isRecord(status) ? status['code'] : status;
  if (typeof code !== 'number') throw new Error(`${where}: response without numeric status.code`);
  const response: VcrResponse = {
    status: code,
    statusMessage: isRecord(status) && typeof status['message'] === 'string' ? status['message'] : '',
    headers: toHeaderMap(raw['headers']),
  };
  const rawBody = unwrapBodyString(raw['body']);
  if (typeof rawBody === 'string') {
    response.bodyText = rawBody;
    response.bodyBytes = Buffer.from(rawBody, 'utf8');
  } else if (rawBody instanceof Uint8Array) {
    response.bodyBytes = toBuffer(rawBody);
  }
  if ('parsed_body' in raw) response.parsedBody = raw['parsed_body'];
  return response;
}

/** VCR stores bodies either directly or as `{ string: ... }`. */
function unwrapBodyString(body: unknown): string | Uint8Array | undefined {
  const inner = isRecord(body) && !(body instanceof Uint8Array) ? body['string'] : body;
  if (typeof inner === 'string' || inner instanceof Uint8Array) return inner;
  return undefined;
}

function toHeaderMap(raw: unknown): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  if (!isRecord(raw)) return headers;
  for (const [name, value] of Object.entries(raw)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    headers[name] = values.map(headerValueToText);
  }
  return headers;
}

function headerValueToText(value: unknown): string {
  if (value instanceof Uint8Array) return toBuffer(value).toString('utf8');
  return String(value);
}

function bytesOrTextToText(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : toBuffer(value).toString('utf8');
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function tryParseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// AWS event-stream (Bedrock ConverseStream) framing
// ---------------------------------------------------------------------------

/** One decoded `application/vnd.amazon.eventstream` message (string headers only). */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

const HEADER_TYPE_STRING = 7;

/**
 * Encode one event-stream message: prelude (total length, headers length,
 * prelude CRC32), string headers in the given order, payload, message CRC32.
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer | string): Buffer {
  const payloadBytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const headerBytes = Buffer.concat(Object.entries(headers).map(([name, value]) => encodeStringHeader(name, value)));
  const totalLength = 12 + headerBytes.length + payloadBytes.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(totalLength, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const withoutCrc = Buffer.concat([prelude, headerBytes, payloadBytes]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, messageCrc]);
}

function encodeStringHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const valueBytes = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
  let offset = out.writeUInt8(nameBytes.length, 0);
  offset += nameBytes.copy(out, offset);
  offset = out.writeUInt8(HEADER_TYPE_STRING, offset);
  offset = out.writeUInt16BE(valueBytes.length, offset);
  valueBytes.copy(out, offset);
  return out;
}

/**
 * Rebuild a Bedrock ConverseStream wire body from a JSONL-EVENTSTREAM file:
 * each line `{"<event-type>": payload}` becomes a message with headers
 * `:event-type`, `:content-type: application/json`, `:message-type: event`
 * (the header order real Bedrock uses) and the compact JSON payload.
 */
export function eventStreamWireBody(rel: string): Buffer {
  return Buffer.concat(
    readJsonlEvents(rel).map((event, index) => {
      if (!isRecord(event)) throw new Error(`${rel}: line ${index + 1} is not an object`);
      const entries = Object.entries(event);
      const first = entries[0];
      if (entries.length !== 1 || first === undefined) {
        throw new Error(`${rel}: line ${index + 1} must have exactly one event-type key`);
      }
      const [eventType, payload] = first;
      return encodeEventStreamMessage({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
    }),
  );
}

/** Decode a complete event-stream body; verifies lengths and both CRC32s. */
export function decodeEventStream(bytes: Buffer): EventStreamMessage[] {
  const messages: EventStreamMessage[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 16) throw new Error(`event-stream: truncated prelude at ${offset}`);
    const totalLength = bytes.readUInt32BE(offset);
    const headersLength = bytes.readUInt32BE(offset + 4);
    const message = bytes.subarray(offset, offset + totalLength);
    if (message.length !== totalLength) throw new Error(`event-stream: truncated message at ${offset}`);
    if (crc32(message.subarray(0, 8)) !== message.readUInt32BE(8)) {
      throw new Error(`event-stream: bad prelude CRC at ${offset}`);
    }
    if (crc32(message.subarray(0, totalLength - 4)) !== message.readUInt32BE(totalLength - 4)) {
      throw new Error(`event-stream: bad message CRC at ${offset}`);
    }
    messages.push({
      headers: decodeHeaders(message.subarray(12, 12 + headersLength)),
      payload: message.subarray(12 + headersLength, totalLength - 4),
    });
    offset += totalLength;
  }
  return messages;
}

function decodeHeaders(bytes: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = bytes.readUInt8(offset);
    const name = bytes.toString('utf8', offset + 1, offset + 1 + nameLength);
    offset += 1 + nameLength;
    const type = bytes.readUInt8(offset);
    if (type !== HEADER_TYPE_STRING) throw new Error(`event-stream: header ${name} has unsupported type ${type}`);
    const valueLength = bytes.readUInt16BE(offset + 1);
    headers[name] = bytes.toString('utf8', offset + 3, offset + 3 + valueLength);
    offset += 3 + valueLength;
  }
  return headers;
}

// ---------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
