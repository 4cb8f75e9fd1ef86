import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FIXTURES_ROOT,
  decodeEventStream,
  encodeEventStreamMessage,
  eventStreamWireBody,
  isRecord,
  listFixtures,
  readJsonBody,
  readJsonlEvents,
  readJsonlLines,
  readVcr,
  sseWireBody,
  vcrHeader,
} from './fixtures.js';
import { replyDestroy, replyFixtureSse, replyHang, replyJson, replyVcr, splitSseEvents, startMockUpstream } from './mock-upstream.js';
import type { MockUpstream } from './mock-upstream.js';

const OPENAI_CHAT_STREAM = 'openai/chat/issue-15789-step-1.chunks.txt';
const ANTHROPIC_VERBATIM = 'anthropic/anthropic-issue-5942-cache-read.chunks.txt';
const GOOGLE_STREAM_CASSETTE = 'google/pydantic-ai/test_google_model_stream.yaml';
const BEDROCK_STREAM_CASSETTE = 'amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml';

describe('fixture loaders', () => {
  it('resolves the fixtures folder inside the repo', () => {
    expect(FIXTURES_ROOT.replaceAll('\\', '/')).toMatch(/\/test\/fixtures$/);
    expect(() => readJsonBody('does/not/exist.json')).toThrow(/fixture not found/);
  });

  it('reads a JSON-BODY file', () => {
    const body = readJsonBody('anthropic/anthropic-text.json');
    expect(isRecord(body) && body['type']).toBe('message');
  });

  it('reads JSONL events and rebuilds OpenAI-style SSE', () => {
    const events = readJsonlEvents(OPENAI_CHAT_STREAM);
    expect(events).toHaveLength(7);
    expect(events.every(isRecord)).toBe(true);

    const wire = sseWireBody(OPENAI_CHAT_STREAM, 'openai');
    expect(wire.startsWith('data: {')).toBe(true);
    expect(wire.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(wire.match(/^data: /gm)).toHaveLength(8);
    expect(splitSseEvents(wire)).toHaveLength(8);
  });

  it('keeps JSONL-VERBATIM padding and builds named-event SSE', () => {
    const lines = readJsonlLines(ANTHROPIC_VERBATIM);
    expect(lines).toContain('{"type": "ping"}');
    expect(lines.some((line) => /\}\s{2,}\}$/.test(line))).toBe(true);
    expect(lines.at(-1)).not.toBe('');

    const wire = sseWireBody(ANTHROPIC_VERBATIM, 'named-events');
    expect(wire.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
    expect(wire).toContain('event: ping\ndata: {"type": "ping"}\n\n');
    expect(wire.endsWith('\n\n')).toBe(true);
    expect(splitSseEvents(wire)).toHaveLength(lines.length);
  });

  it('builds Gemini SSE with CRLF separators', () => {
    const wire = sseWireBody('google/google-text.chunks.txt', 'gemini');
    expect(wire.startsWith('data: {')).toBe(true);
    expect(wire.endsWith('}\r\n\r\n')).toBe(true);
    expect(wire).not.toContain('[DONE]');
  });

  it('lists fixtures recursively, relative to the fixtures root', () => {
    const files = listFixtures('anthropic');
    expect(files).toContain('anthropic/anthropic-text.json');
    expect(files).toContain('anthropic/pydantic-ai/test_multiple_parallel_tool_calls.yaml');
    expect(() => readJsonlEvents(files.find((f) => f.endsWith('.chunks.txt')) ?? '')).not.toThrow();
  });
});

describe('VCR cassettes', () => {
  it('reads raw SSE text and the parsed request body (Gemini)', () => {
    const { interactions } = readVcr(GOOGLE_STREAM_CASSETTE);
    expect(interactions).toHaveLength(1);
    const [first] = interactions;
    if (!first) throw new Error('no interaction');
    expect(first.request.method).toBe('POST');
    expect(first.request.uri).toContain(':streamGenerateContent?alt=sse');
    expect(isRecord(first.request.body) && Array.isArray(first.request.body['contents'])).toBe(true);
    expect(first.response.status).toBe(200);
    expect(vcrHeader(first.response.headers, 'Content-Type')).toBe('text/event-stream');
    expect(first.response.bodyText).toContain('\r\n\r\n');
    expect(first.response.bodyText?.startsWith('data: {"candidates"')).toBe(true);
  });

  it('reads a parsed_body error response', () => {
    const [first] = readVcr('amazon-bedrock/pydantic-ai/test_bedrock_streaming_error.yaml').interactions;
    expect(first?.response.status).toBe(400);
    expect(first?.response.parsedBody).toEqual({ message: 'The provided model identifier is invalid.' });
    expect(first?.response.bodyBytes).toBeUndefined();
  });

  it('decodes !!binary bodies and headers to raw bytes (Bedrock event-stream)', () => {
    const [first] = readVcr(BEDROCK_STREAM_CASSETTE).interactions;
    if (!first) throw new Error('no interaction');
    expect(vcrHeader(first.request.headers, 'content-type')).toBe('application/json');
    expect(isRecord(first.request.json) && Array.isArray(first.request.json['messages'])).toBe(true);

    const bytes = first.response.bodyBytes;
    expect(Buffer.isBuffer(bytes)).toBe(true);
    if (!bytes) throw new Error('no bytes');
    expect(first.response.bodyText).toBeUndefined();

    // AWS event-stream prelude: big-endian total length of the first message.
    const firstLength = bytes.readUInt32BE(0);
    const messages = decodeEventStream(bytes);
    const firstMessage = messages[0];
    if (!firstMessage) throw new Error('no message');
    const firstEncoded = encodeEventStreamMessage(firstMessage.headers, firstMessage.payload);
    expect(firstEncoded.length).toBe(firstLength);
    expect(bytes.subarray(0, firstLength).equals(firstEncoded)).toBe(true);
    expect(firstMessage.headers).toEqual({
      ':event-type': 'messageStart',
      ':content-type': 'application/json',
      ':message-type': 'event',
    });

    // Re-encoding every decoded message reproduces the recording byte for byte.
    const reencoded = Buffer.concat(messages.map((m) => encodeEventStreamMessage(m.headers, m.payload)));
    expect(reencoded.equals(bytes)).toBe(true);
  });

  it('rebuilds an event-stream body from a JSONL-EVENTSTREAM file', () => {
    const rel = 'amazon-bedrock/amazon-bedrock-text.chunks.txt';
    const messages = decodeEventStream(eventStreamWireBody(rel));
    const lines = readJsonlEvents(rel);
    expect(messages).toHaveLength(lines.length);
    const [firstLine] = lines;
    const eventType = isRecord(firstLine) ? Object.keys(firstLine)[0] : undefined;
    expect(messages[0]?.headers[':event-type']).toBe(eventType);
    expect(JSON.parse(messages[0]?.payload.toString('utf8') ?? 'null')).toEqual(isRecord(firstLine) && eventType ? firstLine[eventType] : undefined);
  });
});

describe('mock upstream', () => {
  let upstream: MockUpstream;

  beforeEach(async () => {
    upstream = await startMockUpstream();
  });

  afterEach(async () => {
    await upstream.close();
  });

  it('records a POST body and answers JSON', async () => {
    upstream.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, { ok: true }, { 'x-test': '1' }));
    const response = await fetch(`${upstream.url}/v1/chat/completions?api-version=2024`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model: 'gpt-4o', stream: false }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-test')).toBe('1');
    expect(await response.json()).toEqual({ ok: true });

    const recorded = upstream.lastRequest();
    expect(recorded.method).toBe('POST');
    expect(recorded.path).toBe('/v1/chat/completions');
    expect(recorded.query.get('api-version')).toBe('2024');
    expect(recorded.headers.authorization).toBe('Bearer sk-test');
    expect(recorded.json).toEqual({ model: 'gpt-4o', stream: false });
    expect(recorded.aborted).toBe(false);
  });

  it('answers unmatched routes with an OpenAI-style 404 and lets later routes override', async () => {
    const missing = await fetch(`${upstream.url}/nope`);
    expect(missing.status).toBe(404);
    const body: unknown = await missing.json();
    expect(body).toMatchObject({ error: { type: 'invalid_request_error', code: 'not_found', param: null } });

    upstream.on('GET', /^\/v1\/models/, (_req, res) => replyJson(res, 200, { which: 'first' }));
    upstream.on('get', /^\/v1\/models/, (_req, res) => replyJson(res, 200, { which: 'second' }));
    expect(await (await fetch(`${upstream.url}/v1/models`)).json()).toEqual({ which: 'second' });

    upstream.reset();
    expect(upstream.requests).toHaveLength(0);
    expect((await fetch(`${upstream.url}/v1/models`)).status).toBe(404);
  });

  it('replays an SSE fixture in split pieces that fetch reassembles exactly', async () => {
    const rel = 'anthropic/anthropic-issue-5942-cache-write.chunks.txt';
    upstream.on('POST', '/v1/messages', (_req, res) => replyFixtureSse(res, rel, 'named-events', { splitEvery: 7, chunkDelayMs: 1 }));
    const response = await fetch(`${upstream.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(sseWireBody(rel, 'named-events'));
  });

  it('replays a binary cassette body byte for byte', async () => {
    const [first] = readVcr(BEDROCK_STREAM_CASSETTE).interactions;
    if (!first) throw new Error('no interaction');
    upstream.on('POST', /\/converse-stream$/, (_req, res) => replyVcr(res, first.response, { splitEvery: 100 }));
    const response = await fetch(`${upstream.url}/model/x/converse-stream`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(first.response.bodyBytes ?? Buffer.alloc(0))).toBe(true);
  });

  it('surfaces replyDestroy as a network error', async () => {
    upstream.on('*', '/boom', (_req, res) => replyDestroy(res));
    await expect(fetch(`${upstream.url}/boom`)).rejects.toThrow();
  });

  it('marks a request aborted when the client gives up', async () => {
    upstream.on('POST', '/slow', (_req, res) => replyHang(res, { sendHeaders: true }));
    const controller = new AbortController();
    const response = await fetch(`${upstream.url}/slow`, { method: 'POST', body: 'x', signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
    await vi.waitFor(() => expect(upstream.lastRequest().aborted).toBe(true));
  });

  it('close() returns promptly with a hanging request open', async () => {
    upstream.on('GET', '/hang', (_req, res) => replyHang(res));
    const pending = fetch(`${upstream.url}/hang`).then(
      () => 'answered',
      () => 'failed',
    );
    await vi.waitFor(() => expect(upstream.requests).toHaveLength(1));
    const started = Date.now();
    await upstream.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });
});
