import { crc32 } from "node:zlib";
import type { ErrorDetails } from "../../schema/error.js";
import { isRecord } from "../../schema/json.js";
import { framedEvents } from "../stream.js";
import type { ChunkDecoder, DecodedEvent, StreamFramer } from "../types.js";
import { statusOfBedrockException } from "./bedrock-exceptions.js";

/**
 * AWS `application/vnd.amazon.eventstream` framing. Each message is:
 * prelude (total length u32, headers length u32, prelude CRC32 u32), headers, payload, message CRC32.
 * Headers are `name-length u8, name, type u8, value`; type 7 (string) is what Bedrock sends.
 */

export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
const MIN_MESSAGE_BYTES = PRELUDE_BYTES + CRC_BYTES;
/** AWS caps a message at 16 MiB of payload and 128 KiB of headers. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 128 * 1024 + MIN_MESSAGE_BYTES;
const HEADER_STRING = 7;

/** Raised for bytes that are not a valid event stream (bad CRC, impossible lengths, truncation). */
export class EventStreamError extends Error {
  override readonly name = "EventStreamError";
}

/** Incremental decoder: push reads of any size, get whole messages back once their bytes are in. */
export class EventStreamReader {
  private pending: Buffer = Buffer.alloc(0);

  push(bytes: Uint8Array): EventStreamMessage[] {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: EventStreamMessage[] = [];
    let offset = 0;
    while (this.pending.length - offset >= PRELUDE_BYTES) {
      const totalLength = readPrelude(this.pending, offset);
      if (this.pending.length - offset < totalLength) break;
      messages.push(decodeMessage(this.pending.subarray(offset, offset + totalLength)));
      offset += totalLength;
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(offset);
    return messages;
  }

  /** Bytes left over after the last whole message (a truncated stream when non-zero at the end). */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}

/** Reads and checks the prelude at `offset`; returns the message's total length. */
function readPrelude(bytes: Buffer, offset: number): number {
  const totalLength = bytes.readUInt32BE(offset);
  const headersLength = bytes.readUInt32BE(offset + 4);
  if (crc32(bytes.subarray(offset, offset + 8)) !== bytes.readUInt32BE(offset + 8)) {
    throw new EventStreamError("event stream prelude CRC32 does not match");
  }
  if (totalLength < MIN_MESSAGE_BYTES || totalLength > MAX_MESSAGE_BYTES || headersLength > totalLength - MIN_MESSAGE_BYTES) {
    throw new EventStreamError(`event stream message has impossible lengths (total ${totalLength}, headers ${headersLength})`);
  }
  return totalLength;
}

function decodeMessage(message: Buffer): EventStreamMessage {
  const end = message.length - CRC_BYTES;
  if (crc32(message.subarray(0, end)) !== message.readUInt32BE(end)) {
    throw new EventStreamError("event stream message CRC32 does not match");
  }
  const headersLength = message.readUInt32BE(4);
  let headers: Record<string, string>;
  try {
    headers = decodeHeaders(message.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength));
  } catch (err) {
    if (err instanceof RangeError) throw new EventStreamError("event stream headers overrun their declared length");
    throw err;
  }
  return { headers, payload: message.subarray(PRELUDE_BYTES + headersLength, end) };
}

/** Byte width of fixed-size header values by type (bool true/false, byte, short, int, long, timestamp, uuid). */
const FIXED_HEADER_WIDTH: Readonly<Record<number, number>> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };

/** String headers are kept; other types are stepped over (Bedrock sends none we need). */
function decodeHeaders(bytes: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = bytes.readUInt8(offset);
    const name = bytes.toString("utf8", offset + 1, offset + 1 + nameLength);
    offset += 1 + nameLength;
    const type = bytes.readUInt8(offset);
    offset += 1;
    const fixed = FIXED_HEADER_WIDTH[type];
    if (fixed !== undefined) {
      offset += fixed;
      continue;
    }
    if (type !== HEADER_STRING && type !== 6) throw new EventStreamError(`event stream header '${name}' has unknown type ${type}`);
    const valueLength = bytes.readUInt16BE(offset);
    if (type === HEADER_STRING) headers[name] = bytes.toString("utf8", offset + 2, offset + 2 + valueLength);
    offset += 2 + valueLength;
  }
  if (offset !== bytes.length) throw new EventStreamError("event stream headers overrun their declared length");
  return headers;
}

/** Encodes one message with string headers (in the given order), payload and both CRC32s. */
export function encodeEventStreamMessage(headers: Readonly<Record<string, string>>, payload: string | Uint8Array): Buffer {
  const payloadBytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, "utf8");
    const valueBytes = Buffer.from(value, "utf8");
    const part = Buffer.allocUnsafe(1 + nameBytes.length + 3 + valueBytes.length);
    let offset = part.writeUInt8(nameBytes.length, 0);
    offset += nameBytes.copy(part, offset);
    offset = part.writeUInt8(HEADER_STRING, offset);
    offset = part.writeUInt16BE(valueBytes.length, offset);
    valueBytes.copy(part, offset);
    headerParts.push(part);
  }
  const headerBytes = Buffer.concat(headerParts);
  const totalLength = PRELUDE_BYTES + headerBytes.length + payloadBytes.length + CRC_BYTES;
  const message = Buffer.allocUnsafe(totalLength);
  message.writeUInt32BE(totalLength, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, PRELUDE_BYTES);
  message.set(payloadBytes, PRELUDE_BYTES + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, totalLength - CRC_BYTES)), totalLength - CRC_BYTES);
  return message;
}

/**
 * Bedrock's stream framing: upstream event-stream bytes → decoded events, as soon as each message is
 * whole. `event` messages go to the chunk decoder as `{event: <:event-type>, data: <payload text>}`;
 * `exception` / `error` messages and malformed bytes end the stream with an error event.
 */
export function bedrockEventStreamFramer(decoder: ChunkDecoder): StreamFramer {
  const reader = new EventStreamReader();
  let failed = false;
  return {
    push(bytes) {
      if (failed) return [];
      let messages: EventStreamMessage[];
      try {
        messages = reader.push(bytes);
      } catch (err) {
        if (!(err instanceof EventStreamError)) throw err;
        failed = true;
        return [{ kind: "error", error: { status: 502, type: "stream_error", message: `bedrock sent a malformed event stream: ${err.message}` } }];
      }
      const out: DecodedEvent[] = [];
      for (const message of messages) {
        const failure = failureOf(message);
        if (failure) {
          failed = true;
          out.push({ kind: "error", error: failure });
          return out;
        }
        out.push(...decoder.decode({ event: message.headers[":event-type"], data: message.payload.toString("utf8") }));
      }
      return out;
    },
    end() {
      if (failed) return [];
      if (reader.bufferedBytes > 0) {
        return [
          {
            kind: "error",
            error: { status: 502, type: "stream_error", message: `bedrock event stream ended inside a message (${reader.bufferedBytes} bytes left over)` },
          },
        ];
      }
      return decoder.finish ? decoder.finish() : [];
    },
  };
}

/** The same, one event at a time over a byte stream (tests and tools). */
export function decodeBedrockEventStream(body: AsyncIterable<Uint8Array>, decoder: ChunkDecoder): AsyncGenerator<DecodedEvent> {
  return framedEvents(body, bedrockEventStreamFramer(decoder));
}

/** An `exception` or `error` message as error details; undefined for ordinary events. */
function failureOf(message: EventStreamMessage): ErrorDetails | undefined {
  const messageType = message.headers[":message-type"];
  if (messageType === "exception") {
    const type = message.headers[":exception-type"] ?? "internalServerException";
    return { status: statusOfBedrockException(type), type, message: payloadMessage(message.payload) ?? type };
  }
  if (messageType === "error") {
    const code = message.headers[":error-code"] ?? "UnknownError";
    return { status: 500, type: code, message: message.headers[":error-message"] ?? code };
  }
  return undefined;
}

function payloadMessage(payload: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload.toString("utf8"));
    if (isRecord(parsed)) {
      const message = parsed["message"] ?? parsed["Message"];
      if (typeof message === "string") return message;
    }
  } catch {
    // not JSON: use the text as it is
  }
  const text = payload.toString("utf8").trim();
  return text || undefined;
}
