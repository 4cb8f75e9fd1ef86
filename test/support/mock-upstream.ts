/**
 * A mock LLM provider on 127.0.0.1 (random port) for tests: register routes,
 * inspect recorded requests, and reply with JSON, (slow / split) SSE, raw
 * bytes, a hang, or a socket destroy. Timers live here only, never in src.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readJsonBody, sseWireBody, vcrResponseBody } from './fixtures.js';
import type { SseStyle, VcrResponse } from './fixtures.js';

export interface RecordedRequest {
  method: string;
  /** Path without the query string (normalised: `..` segments resolved). */
  path: string;
  /** The request target exactly as it arrived, `..` and percent-escapes untouched. */
  rawUrl: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Header names and values as they arrived (each byte one latin1 character). */
  rawHeaders: string[];
  bodyText: string;
  bodyBytes: Buffer;
  /** Parsed body when it is JSON, else undefined. */
  json: unknown;
  /** True once the client closed the connection before the response finished. */
  aborted: boolean;
}

export type MockHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface MockUpstream {
  /** Origin, e.g. `http://127.0.0.1:12345` (no trailing slash). */
  readonly url: string;
  /** Every request received, in arrival order (same array instance for the server's life). */
  readonly requests: RecordedRequest[];
  /** Register a route; `method` is case-insensitive, `'*'` matches any. Later registrations win. */
  on(method: string, path: string | RegExp, handler: MockHandler): void;
  /** Most recent request, or throws when none arrived. */
  lastRequest(): RecordedRequest;
  /** Forget recorded requests (routes are kept). */
  clearRequests(): void;
  /** Forget recorded requests and all routes. */
  reset(): void;
  /** Stop listening and destroy every open socket (hanging requests included). */
  close(): Promise<void>;
}

interface Route {
  method: string;
  path: string | RegExp;
  handler: MockHandler;
}

export async function startMockUpstream(): Promise<MockUpstream> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void handleRequest(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await recordRequest(req);
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });
    const route = findRoute(routes, recorded.method, recorded.path);
    if (!route) {
      replyNotFound(res, recorded);
      return;
    }
    try {
      await route.handler(recorded, res);
    } catch (err) {
      replyHandlerError(res, err);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, handler) {
      routes.push({ method: method.toUpperCase(), path, handler });
    },
    lastRequest() {
      const last = requests[requests.length - 1];
      if (!last) throw new Error('mock upstream: no request received yet');
      return last;
    },
    clearRequests() {
      requests.length = 0;
    },
    reset() {
      requests.length = 0;
      routes.length = 0;
    },
    close() {
      return closeServer(server, sockets);
    },
  };
}

function findRoute(routes: readonly Route[], method: string, path: string): Route | undefined {
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route === undefined) continue;
    const methodMatches = route.method === '*' || route.method === method;
    const pathMatches = typeof route.path === 'string' ? route.path === path : route.path.test(path);
    if (methodMatches && pathMatches) return route;
  }
  return undefined;
}

async function recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // client went away mid-body: record what arrived
  }
  const bodyBytes = Buffer.concat(chunks);
  const bodyText = bodyBytes.toString('utf8');
  const url = new URL(req.url ?? '/', 'http://mock.invalid');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    rawUrl: req.url ?? '/',
    query: url.searchParams,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    bodyText,
    bodyBytes,
    json: parseJsonOrUndefined(bodyText),
    aborted: false,
  };
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    server.closeAllConnections();
  });
}

function replyNotFound(res: ServerResponse, req: RecordedRequest): void {
  replyJson(res, 404, {
    error: {
      message: `mock upstream: no route for ${req.method} ${req.path}`,
      type: 'invalid_request_error',
      code: 'not_found',
      param: null,
    },
  });
}

function replyHandlerError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  replyJson(res, 500, {
    error: {
      message: `mock upstream handler threw: ${err instanceof Error ? err.message : String(err)}`,
      type: 'server_error',
      code: 'mock_handler_error',
      param: null,
    },
  });
}

// ---------------------------------------------------------------------------
// Reply helpers
// ---------------------------------------------------------------------------

export type ReplyHeaders = Record<string, string | string[]>;

/** JSON response with content-type and content-length. */
export function replyJson(res: ServerResponse, status: number, body: unknown, headers: ReplyHeaders = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    ...headers,
  });
  res.end(bytes);
}

export interface StreamReplyOptions {
  /** Delay between pieces (ms). 0 / absent: pieces are written back to back. */
  chunkDelayMs?: number;
  /**
   * Split the body into pieces of this many *bytes* (may cut inside an event,
   * a line or a UTF-8 character, like TCP does). Absent: one piece per SSE
   * event (text) or a single piece (binary).
   */
  splitEvery?: number;
  status?: number;
  headers?: ReplyHeaders;
  /** Stop after this many pieces and destroy the socket (mid-stream network error). */
  destroyAfterPieces?: number;
}

/**
 * Stream an SSE body (text/event-stream). Resolves when everything is written
 * or the client went away.
 */
export function replySse(res: ServerResponse, wireText: string, opts: StreamReplyOptions = {}): Promise<void> {
  const pieces = opts.splitEvery ? splitBytes(Buffer.from(wireText, 'utf8'), opts.splitEvery) : splitSseEvents(wireText);
  return writePieces(res, pieces, 'text/event-stream', opts);
}

/**
 * Stream raw bytes (e.g. AWS `application/vnd.amazon.eventstream`) with the
 * given content type. Resolves when everything is written or the client went away.
 */
export function replyBytes(res: ServerResponse, body: Buffer, contentType: string, opts: StreamReplyOptions = {}): Promise<void> {
  const pieces = opts.splitEvery ? splitBytes(body, opts.splitEvery) : [body];
  return writePieces(res, pieces, contentType, opts);
}

/** Never answer (optionally after sending status + headers); the socket closes when the server closes. */
export function replyHang(res: ServerResponse, opts: { sendHeaders?: boolean; contentType?: string } = {}): void {
  if (opts.sendHeaders) {
    res.writeHead(200, { 'content-type': opts.contentType ?? 'text/event-stream' });
    res.flushHeaders();
  }
}

/** Destroy the socket without answering: the client sees a network error. */
export function replyDestroy(res: ServerResponse): void {
  res.socket?.destroy();
  res.destroy();
}

/** Reply with a JSON-BODY / JSON-ERROR fixture, re-serialised compactly. */
export function replyFixtureJson(res: ServerResponse, rel: string, status = 200, headers: ReplyHeaders = {}): void {
  replyJson(res, status, readJsonBody(rel), headers);
}

/** Replay a JSONL fixture as an SSE stream in the given provider style. */
export function replyFixtureSse(res: ServerResponse, rel: string, style: SseStyle, opts: StreamReplyOptions = {}): Promise<void> {
  return replySse(res, sseWireBody(rel, style), opts);
}

/** Hop-by-hop / framing headers from a cassette that must not be replayed as-is. */
const NON_REPLAYABLE_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-encoding', 'alt-svc']);

/** Replay a recorded cassette response (status, replayable headers, exact body bytes). */
export function replyVcr(res: ServerResponse, response: VcrResponse, opts: StreamReplyOptions = {}): Promise<void> {
  const headers: ReplyHeaders = {};
  for (const [name, values] of Object.entries(response.headers)) {
    if (!NON_REPLAYABLE_HEADERS.has(name.toLowerCase())) headers[name] = values;
  }
  const contentType = response.headers['content-type']?.[0] ?? 'application/json';
  const body = vcrResponseBody(response);
  const pieces =
    opts.splitEvery !== undefined
      ? splitBytes(body, opts.splitEvery)
      : contentType.startsWith('text/event-stream')
        ? splitSseEvents(body.toString('utf8'))
        : [body];
  return writePieces(res, pieces, contentType, {
    ...opts,
    status: opts.status ?? response.status,
    headers: { ...headers, ...opts.headers },
  });
}

async function writePieces(res: ServerResponse, pieces: ReadonlyArray<Buffer | string>, contentType: string, opts: StreamReplyOptions): Promise<void> {
  res.writeHead(opts.status ?? 200, {
    'content-type': contentType,
    'cache-control': 'no-cache',
    ...opts.headers,
  });
  res.flushHeaders();
  for (let i = 0; i < pieces.length; i++) {
    if (isGone(res)) return;
    if (opts.destroyAfterPieces !== undefined && i >= opts.destroyAfterPieces) {
      replyDestroy(res);
      return;
    }
    if (i > 0 && opts.chunkDelayMs) await delayUnlessClosed(res, opts.chunkDelayMs);
    if (isGone(res)) return;
    const piece = pieces[i];
    if (piece !== undefined) res.write(piece);
  }
  if (!isGone(res)) res.end();
}

function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

/** Sleep, but wake up (and clear the timer) as soon as the response closes. */
function delayUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

/** Split SSE text after each blank-line separator (`\n\n`, `\r\n\r\n` or `\r\r`); keeps every byte. */
export function splitSseEvents(wireText: string): string[] {
  const pieces: string[] = [];
  const separator = /\r\n\r\n|\n\n|\r\r/g;
  let start = 0;
  for (const match of wireText.matchAll(separator)) {
    const end = (match.index ?? 0) + match[0].length;
    pieces.push(wireText.slice(start, end));
    start = end;
  }
  if (start < wireText.length) pieces.push(wireText.slice(start));
  return pieces;
}

/** Split bytes into pieces of `size` bytes (the last one may be shorter). */
function splitBytes(bytes: Buffer, size: number): Buffer[] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`splitEvery must be a positive integer, got ${size}`);
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) pieces.push(bytes.subarray(offset, offset + size));
  return pieces;
}
