/**
 * Shared helpers for gateway tests: start a gateway on a free port from a config object,
 * point providers at mock upstreams, send requests, read SSE replies, and check the
 * BifrostError wire shape.
 */
import type { Logger } from 'pino';
import { afterEach, expect } from 'vitest';
import { startTestGateway } from '../support/test-gateway.js';
import type { RunningGateway } from '../../src/index.js';
import { isRecord } from '../support/fixtures.js';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';

export type JsonObject = Record<string, unknown>;

export { startTestGateway };

export interface Testbed {
  /** A new mock upstream, closed after the test. */
  mock(): Promise<MockUpstream>;
  /** A new gateway from a config object, closed after the test (before the mocks); `logger` to read what it logs. */
  gateway(configObject: unknown, options?: { logger?: Logger }): Promise<RunningGateway>;
}

/** Registers an afterEach that closes every gateway and mock a test started, newest first. */
export function useTestbed(): Testbed {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  return {
    async mock() {
      const mock = await startMockUpstream();
      cleanups.push(() => mock.close());
      return mock;
    },
    async gateway(configObject, options) {
      const gateway = await startTestGateway(configObject, options);
      cleanups.push(() => gateway.close());
      return gateway;
    },
  };
}

export interface TestKey {
  name: string;
  value: string;
  models?: string[];
  weight?: number;
}

export interface ProviderExtras {
  keys?: TestKey[];
  network_config?: JsonObject;
  [field: string]: unknown;
}

/** A provider entry of config.json whose base_url is a mock upstream; one key `default` = `sk-test` unless given. */
export function providerAt(baseUrl: string, extras: ProviderExtras = {}): JsonObject {
  const { keys, network_config, ...rest } = extras;
  return {
    keys: keys ?? [{ name: 'default', value: 'sk-test', models: ['*'], weight: 1 }],
    network_config: { base_url: baseUrl, ...network_config },
    ...rest,
  };
}

export function chatBody(model = 'openai/gpt-4o-mini', extra: JsonObject = {}): JsonObject {
  return { model, messages: [{ role: 'user', content: 'Say hello' }], ...extra };
}

/** A minimal OpenAI chat.completion body. */
export function chatCompletion(content: string, model = 'gpt-4o-mini'): JsonObject {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

/** A minimal OpenAI chat.completion.chunk carrying `content`. */
export function chatChunk(content: string, extra: JsonObject = {}): JsonObject {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
    ...extra,
  };
}

export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export interface JsonReply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body; undefined when it is not JSON. */
  json: unknown;
}

export async function toJsonReply(res: Response): Promise<JsonReply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function postJson(gateway: RunningGateway, path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return toJsonReply(res);
}

export function postChat(gateway: RunningGateway, body: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  return postJson(gateway, '/v1/chat/completions', body, headers);
}

/** Starts a streaming request and returns the open response (headers received). */
export function postStream(gateway: RunningGateway, body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

export interface BifrostErrorBody {
  event_id: string;
  type: string;
  is_bifrost_error: boolean;
  status_code: number;
  error: { type: string; code: string | null; message: string; param: string | null; event_id: string };
  extra_fields: JsonObject;
}

const BIFROST_ERROR_KEYS = ['error', 'event_id', 'extra_fields', 'is_bifrost_error', 'status_code', 'type'];
const BIFROST_ERROR_INNER_KEYS = ['code', 'event_id', 'message', 'param', 'type'];

/** Asserts a value has exactly the BifrostError keys and returns it typed. */
export function expectBifrostErrorShape(value: unknown): BifrostErrorBody {
  expect(isRecord(value), `expected a BifrostError object, got ${JSON.stringify(value)}`).toBe(true);
  const body = value as JsonObject;
  expect(Object.keys(body).sort()).toEqual(BIFROST_ERROR_KEYS);
  expect(isRecord(body['error'])).toBe(true);
  expect(Object.keys(body['error'] as JsonObject).sort()).toEqual(BIFROST_ERROR_INNER_KEYS);
  expect(typeof body['event_id']).toBe('string');
  expect(typeof body['is_bifrost_error']).toBe('boolean');
  expect(typeof (body['error'] as JsonObject)['message']).toBe('string');
  expect(isRecord(body['extra_fields'])).toBe(true);
  return body as unknown as BifrostErrorBody;
}

/** Asserts a reply is a JSON BifrostError with HTTP status == status_code == `status`. */
export function expectBifrostError(reply: JsonReply, status: number): BifrostErrorBody {
  expect(reply.status, `body: ${reply.text}`).toBe(status);
  expect(reply.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const err = expectBifrostErrorShape(reply.json);
  expect(err.status_code).toBe(status);
  return err;
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Reads a gateway SSE response event by event, as the bytes arrive. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private ended = false;

  constructor(res: Response) {
    if (!res.body) throw new Error('response has no body');
    this.reader = res.body.getReader();
  }

  /** The next complete event, or undefined when the response ended. */
  async next(): Promise<SseEvent | undefined> {
    for (;;) {
      const boundary = this.buffer.indexOf('\n\n');
      if (boundary >= 0) {
        const frame = this.buffer.slice(0, boundary);
        this.buffer = this.buffer.slice(boundary + 2);
        return parseFrame(frame);
      }
      if (this.ended) {
        if (this.buffer.trim() !== '') throw new Error(`stream ended inside an event: ${JSON.stringify(this.buffer)}`);
        return undefined;
      }
      const { value, done } = await this.reader.read();
      if (done) {
        this.ended = true;
        this.buffer += this.decoder.decode();
      } else {
        this.buffer += this.decoder.decode(value, { stream: true });
      }
    }
  }

  /** Every remaining event until the response ends. */
  async rest(): Promise<SseEvent[]> {
    const events: SseEvent[] = [];
    for (let e = await this.next(); e !== undefined; e = await this.next()) events.push(e);
    return events;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function parseFrame(frame: string): SseEvent {
  const event: SseEvent = { data: '' };
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (line.startsWith('event: ')) event.event = line.slice(7);
  }
  event.data = data.join('\n');
  return event;
}

/** Every event of a stream response, until it ends. */
export function readAllEvents(res: Response): Promise<SseEvent[]> {
  return new SseReader(res).rest();
}

/** Parsed JSON of every data event except `[DONE]`. */
export function dataChunks(events: readonly SseEvent[]): JsonObject[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as JsonObject);
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Rejects with `what` when `promise` has not settled within `ms` (a bound, so a broken feature fails fast). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** The bearer token a recorded upstream request carried. */
export function bearerOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  return typeof auth === 'string' ? auth.replace(/^Bearer /, '') : undefined;
}
