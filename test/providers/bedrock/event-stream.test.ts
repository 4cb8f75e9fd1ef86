/**
 * The AWS event-stream codec behind Bedrock's ConverseStream: real recorded bytes decode into the
 * same messages as the independent test decoder, whole or split into tiny reads; re-encoding them
 * reproduces the recording byte for byte; corrupted, truncated and exception streams end in an
 * error event instead of bad data.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventStreamError, EventStreamReader, decodeBedrockEventStream, encodeEventStreamMessage } from '../../../src/providers/bedrock/event-stream.js';
import type { ChunkDecoder, DecodedEvent } from '../../../src/providers/types.js';
import { decodeEventStream, encodeEventStreamMessage as encodeWithTestHelper, readJsonBody, readVcr, isRecord } from '../../support/fixtures.js';
import { wireReads } from '../stream-reassembly.js';

function liveStreamBytes(): Buffer {
  const wrapper = readJsonBody('amazon-bedrock/issue-18994-live-converse-stream.json');
  if (!isRecord(wrapper) || !isRecord(wrapper['response']) || typeof wrapper['response']['bodyBase64'] !== 'string') throw new Error('no bodyBase64');
  return Buffer.from(wrapper['response']['bodyBase64'], 'base64');
}

function vcrStreamBytes(): Buffer {
  const bytes = readVcr('amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml').interactions[0]?.response.bodyBytes;
  if (!bytes) throw new Error('no recorded bytes');
  return bytes;
}

const RECORDINGS = [
  { name: 'issue-18994 live ConverseStream (claude-sonnet-4-6)', bytes: liveStreamBytes },
  { name: 'pydantic-ai test_bedrock_model_stream (nova-micro)', bytes: vcrStreamBytes },
];

function readAll(bytes: Buffer, pieceSize?: number): Array<{ headers: Record<string, string>; payload: string }> {
  const reader = new EventStreamReader();
  const out: Array<{ headers: Record<string, string>; payload: string }> = [];
  const pieces = pieceSize
    ? Array.from({ length: Math.ceil(bytes.length / pieceSize) }, (_, i) => bytes.subarray(i * pieceSize, (i + 1) * pieceSize))
    : [bytes];
  for (const piece of pieces) for (const m of reader.push(piece)) out.push({ headers: m.headers, payload: m.payload.toString('utf8') });
  expect(reader.bufferedBytes).toBe(0);
  return out;
}

describe('decoding recorded Bedrock event streams', () => {
  for (const recording of RECORDINGS) {
    it(`${recording.name}: every message, headers and payload, as the reference decoder reads them`, () => {
      const bytes = recording.bytes();
      const expected = decodeEventStream(bytes).map((m) => ({ headers: m.headers, payload: m.payload.toString('utf8') }));
      expect(expected.length).toBeGreaterThan(3);
      expect(readAll(bytes)).toEqual(expected);
      for (const size of [1, 5, 13, 64]) expect(readAll(bytes, size)).toEqual(expected);
    });

    it(`${recording.name}: re-encoding the decoded messages gives back the recorded bytes exactly`, () => {
      const bytes = recording.bytes();
      const reencoded = Buffer.concat(readAll(bytes).map((m) => encodeEventStreamMessage(m.headers, m.payload)));
      expect(reencoded.equals(bytes)).toBe(true);
    });
  }

  it('the encoder agrees with the independent test encoder', () => {
    const headers = { ':event-type': 'contentBlockDelta', ':content-type': 'application/json', ':message-type': 'event' };
    const payload = JSON.stringify({ contentBlockIndex: 0, delta: { text: 'héllo ✓' } });
    expect(encodeEventStreamMessage(headers, payload).equals(encodeWithTestHelper(headers, payload))).toBe(true);
  });
});

describe('malformed event streams', () => {
  const message = encodeEventStreamMessage({ ':event-type': 'messageStart', ':message-type': 'event' }, '{"role":"assistant"}');

  it('rejects a message whose payload was altered (message CRC)', () => {
    const corrupted = Buffer.from(message);
    corrupted.writeUInt8(corrupted.readUInt8(corrupted.length - 6) ^ 0xff, corrupted.length - 6);
    expect(() => new EventStreamReader().push(corrupted)).toThrow(EventStreamError);
  });

  it('rejects a prelude whose length was altered (prelude CRC)', () => {
    const corrupted = Buffer.from(message);
    corrupted.writeUInt32BE(corrupted.readUInt32BE(0) + 1, 0);
    expect(() => new EventStreamReader().push(corrupted)).toThrow(/prelude CRC32/);
  });

  it('steps over non-string headers (bool, int, timestamp, bytes) and keeps the string ones', () => {
    const headerBytes = Buffer.concat([
      header('flag', 0, Buffer.alloc(0)),
      header('count', 4, Buffer.from([0, 0, 0, 7])),
      header('when', 8, Buffer.alloc(8)),
      header('blob', 6, Buffer.concat([Buffer.from([0, 2]), Buffer.from([1, 2])])),
      header(':event-type', 7, Buffer.concat([Buffer.from([0, 8]), Buffer.from('metadata')])),
    ]);
    const payload = Buffer.from('{}');
    const total = 12 + headerBytes.length + payload.length + 4;
    const prelude = Buffer.alloc(12);
    prelude.writeUInt32BE(total, 0);
    prelude.writeUInt32BE(headerBytes.length, 4);
    prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
    const body = Buffer.concat([prelude, headerBytes, payload]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body), 0);
    const [decoded] = new EventStreamReader().push(Buffer.concat([body, crc]));
    expect(decoded?.headers).toEqual({ ':event-type': 'metadata' });
    expect(decoded?.payload.toString()).toBe('{}');
  });
});

function header(name: string, type: number, value: Buffer): Buffer {
  const nameBytes = Buffer.from(name);
  return Buffer.concat([Buffer.from([nameBytes.length]), nameBytes, Buffer.from([type]), value]);
}

/** A decoder that records what the framing hands it. */
function recordingDecoder(): ChunkDecoder & { seen: Array<{ event: string | undefined; data: string }>; finished: boolean } {
  const decoder = {
    seen: [] as Array<{ event: string | undefined; data: string }>,
    finished: false,
    decode(event: { event: string | undefined; data: string }): DecodedEvent[] {
      decoder.seen.push(event);
      return [{ kind: 'chunk', chunk: { n: decoder.seen.length }, rawText: event.data }];
    },
    finish(): DecodedEvent[] {
      decoder.finished = true;
      return [];
    },
  };
  return decoder;
}

async function frame(bytes: Buffer, pieceSize?: number): Promise<{ events: DecodedEvent[]; decoder: ReturnType<typeof recordingDecoder> }> {
  const decoder = recordingDecoder();
  const events: DecodedEvent[] = [];
  for await (const event of decodeBedrockEventStream(wireReads(bytes, pieceSize), decoder)) events.push(event);
  return { events, decoder };
}

describe('Bedrock stream framing', () => {
  it('hands each event to the chunk decoder as {event: :event-type, data: payload text}, then finishes it', async () => {
    const { decoder, events } = await frame(liveStreamBytes(), 3);
    expect(decoder.seen.map((e) => e.event)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
    expect(JSON.parse(decoder.seen[1]!.data)).toMatchObject({ delta: { text: 'OK' } });
    expect(events.every((e) => e.kind === 'chunk')).toBe(true);
    expect(decoder.finished).toBe(true);
  });

  it('turns an exception message into an error event with its status, type and message, and stops', async () => {
    const start = encodeEventStreamMessage(
      { ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' },
      '{"role":"assistant"}',
    );
    const exception = encodeEventStreamMessage(
      { ':exception-type': 'throttlingException', ':content-type': 'application/json', ':message-type': 'exception' },
      '{"message":"Too many tokens, please wait before trying again."}',
    );
    const after = encodeEventStreamMessage({ ':event-type': 'metadata', ':message-type': 'event' }, '{}');
    const { events, decoder } = await frame(Buffer.concat([start, exception, after]), 7);
    expect(decoder.seen).toHaveLength(1);
    expect(events[events.length - 1]).toEqual({
      kind: 'error',
      error: { status: 429, type: 'throttlingException', message: 'Too many tokens, please wait before trying again.' },
    });
  });

  it('reports a stream cut inside a message as an error, not as a clean end', async () => {
    const bytes = liveStreamBytes();
    const { events, decoder } = await frame(bytes.subarray(0, bytes.length - 10), 50);
    const last = events[events.length - 1];
    expect(last?.kind).toBe('error');
    expect(last?.kind === 'error' && last.error.message).toMatch(/ended inside a message/);
    expect(decoder.finished).toBe(false);
  });

  it('reports corrupted bytes as a 502 error event', async () => {
    const bytes = Buffer.from(liveStreamBytes());
    bytes.writeUInt8(bytes.readUInt8(200) ^ 0x01, 200);
    const { events } = await frame(bytes);
    const last = events[events.length - 1];
    expect(last?.kind === 'error' && last.error.status).toBe(502);
  });
});
