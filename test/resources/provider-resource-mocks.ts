/**
 * Stateful mocks of the providers' resource APIs, installed on a mock upstream: OpenAI (and Azure's
 * `/openai/v1`) files, batches, containers and container files; Anthropic's Files API and Message
 * Batches; Gemini's Files API (resumable upload protocol) and batch mode. Bodies follow each
 * provider's documented shapes; tests reach into the state to finish batches or check stored bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import busboy from 'busboy';
import { replyBytes, replyJson } from '../support/mock-upstream.js';
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream.js';

export type JsonObject = Record<string, unknown>;

const NOW = 1_735_689_600; // 2025-01-01T00:00:00Z, fixed so bodies are predictable

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter.toString(36).padStart(6, '0')}${randomBytes(3).toString('hex')}`;
}

// ---------------------------------------------------------------------------
// Multipart bodies as a provider receives them
// ---------------------------------------------------------------------------

export interface ReceivedFilePart {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface ReceivedForm {
  fields: Record<string, string>;
  /** Field names in arrival order (files included), to check what the gateway forwarded. */
  order: string[];
  files: ReceivedFilePart[];
}

/** Parses a recorded multipart/form-data request the way a provider would. */
export function parseMultipart(req: RecordedRequest): Promise<ReceivedForm> {
  return new Promise((resolve, reject) => {
    const form: ReceivedForm = { fields: {}, order: [], files: [] };
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => {
      form.fields[name] = value;
      form.order.push(name);
    });
    parser.on('file', (name, stream, info) => {
      form.order.push(name);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => form.files.push({ field: name, filename: info.filename ?? '', contentType: info.mimeType, data: Buffer.concat(chunks) }));
    });
    parser.once('error', reject);
    parser.once('close', () => resolve(form));
    parser.end(req.bodyBytes);
  });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------------------
// OpenAI wire (OpenAI at /v1, Azure at /openai/v1)
// ---------------------------------------------------------------------------

export interface StoredFile {
  object: JsonObject;
  data: Buffer;
  contentType: string;
}

export interface OpenAIResourceState {
  files: Map<string, StoredFile>;
  batches: Map<string, JsonObject>;
  containers: Map<string, JsonObject>;
  containerFiles: Map<string, StoredFile & { containerId: string }>;
  /** Adds a file as if uploaded earlier (e.g. a batch's output). */
  addFile(filename: string, purpose: string, data: Buffer | string, contentType?: string): string;
  /** Finishes a batch: its output file holds `outputJsonl`. */
  completeBatch(id: string, outputJsonl: string, counts?: { total: number; completed: number; failed: number }): void;
}

export interface OpenAIMockOptions {
  /** Path prefix of the API: `/v1` (OpenAI) or `/openai/v1` (Azure). */
  root: string;
  /** Auth check on every request; a failing check answers 401. */
  authorized(req: RecordedRequest): boolean;
}

function openAIError(
  res: ServerResponse,
  status: number,
  message: string,
  type = 'invalid_request_error',
  param: string | null = null,
  code: string | null = null,
): void {
  replyJson(res, status, { error: { message, type, param, code } });
}

/** OpenAI's files, batches, containers and container files, backed by in-memory maps. */
export function installOpenAIResourceMock(mock: MockUpstream, options: OpenAIMockOptions): OpenAIResourceState {
  const { root } = options;
  const state: OpenAIResourceState = {
    files: new Map(),
    batches: new Map(),
    containers: new Map(),
    containerFiles: new Map(),
    addFile(filename, purpose, data, contentType = 'application/octet-stream') {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      const id = nextId('file-');
      state.files.set(id, { object: fileObject(id, filename, purpose, bytes.length), data: bytes, contentType });
      return id;
    },
    completeBatch(id, outputJsonl, counts) {
      const batch = state.batches.get(id);
      if (!batch) throw new Error(`mock: no batch ${id}`);
      const outputId = state.addFile(`${id}_output.jsonl`, 'batch_output', outputJsonl);
      const lines = outputJsonl.split('\n').filter((l) => l.trim() !== '').length;
      Object.assign(batch, {
        status: 'completed',
        output_file_id: outputId,
        in_progress_at: NOW + 1,
        finalizing_at: NOW + 2,
        completed_at: NOW + 3,
        request_counts: counts ?? { total: lines, completed: lines, failed: 0 },
      });
    },
  };

  const guard = (handler: (req: RecordedRequest, res: ServerResponse, m: RegExpExecArray) => void | Promise<void>, pattern: RegExp) => {
    return (req: RecordedRequest, res: ServerResponse): void | Promise<void> => {
      if (!options.authorized(req)) return openAIError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
      return handler(req, res, pattern.exec(req.path)!);
    };
  };
  const route = (method: string, path: string, handler: (req: RecordedRequest, res: ServerResponse, m: RegExpExecArray) => void | Promise<void>): void => {
    const pattern = new RegExp(`^${root.replace(/\//g, '\\/')}${path}$`);
    mock.on(method, pattern, guard(handler, pattern));
  };

  // Files
  route('POST', '/files', async (req, res) => {
    if (!String(req.headers['content-type']).startsWith('multipart/form-data')) return openAIError(res, 400, 'Expected multipart/form-data');
    const form = await parseMultipart(req);
    const file = form.files.find((f) => f.field === 'file');
    if (!file) return openAIError(res, 400, "Missing required parameter: 'file'.", 'invalid_request_error', 'file');
    const purpose = form.fields['purpose'];
    if (!purpose) return openAIError(res, 400, "Missing required parameter: 'purpose'.", 'invalid_request_error', 'purpose');
    const id = nextId('file-');
    const stored: StoredFile = { object: fileObject(id, file.filename, purpose, file.data.length), data: file.data, contentType: file.contentType };
    state.files.set(id, stored);
    replyJson(res, 200, stored.object);
  });
  route('GET', '/files', (_req, res) => {
    const data = [...state.files.values()].map((f) => f.object).reverse();
    replyJson(res, 200, { object: 'list', data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: false });
  });
  route('GET', '/files/([^/]+)', (_req, res, m) => {
    const file = state.files.get(m[1]!);
    if (!file) return openAIError(res, 404, `No such File object: ${m[1]}`, 'invalid_request_error', 'id');
    replyJson(res, 200, file.object);
  });
  route('DELETE', '/files/([^/]+)', (_req, res, m) => {
    if (!state.files.delete(m[1]!)) return openAIError(res, 404, `No such File object: ${m[1]}`, 'invalid_request_error', 'id');
    replyJson(res, 200, { id: m[1], object: 'file', deleted: true });
  });
  route('GET', '/files/([^/]+)/content', (_req, res, m) => {
    const file = state.files.get(m[1]!);
    if (!file) return openAIError(res, 404, `No such File object: ${m[1]}`, 'invalid_request_error', 'id');
    return replyBytes(res, file.data, 'application/octet-stream', { splitEvery: 64 * 1024 });
  });

  // Batches
  route('POST', '/batches', (req, res) => {
    const body = req.json as JsonObject;
    const inputId = body['input_file_id'];
    if (typeof inputId !== 'string') return openAIError(res, 400, "Missing required parameter: 'input_file_id'.", 'invalid_request_error', 'input_file_id');
    if (!state.files.has(inputId)) return openAIError(res, 400, `Input file ${inputId} not found.`, 'invalid_request_error', 'input_file_id');
    const id = nextId('batch_');
    const batch: JsonObject = {
      id,
      object: 'batch',
      endpoint: body['endpoint'],
      errors: null,
      input_file_id: inputId,
      completion_window: body['completion_window'],
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      created_at: NOW,
      in_progress_at: null,
      expires_at: NOW + 86_400,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: body['metadata'] ?? null,
    };
    state.batches.set(id, batch);
    replyJson(res, 200, batch);
  });
  route('GET', '/batches', (req, res) => {
    const limit = Number(req.query.get('limit') ?? 20);
    const all = [...state.batches.values()].reverse();
    const data = all.slice(0, limit);
    replyJson(res, 200, { object: 'list', data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: all.length > data.length });
  });
  route('GET', '/batches/([^/]+)', (_req, res, m) => {
    const batch = state.batches.get(m[1]!);
    if (!batch) return openAIError(res, 404, `No batch found with id '${m[1]}'.`, 'invalid_request_error', null, 'not_found');
    replyJson(res, 200, batch);
  });
  route('POST', '/batches/([^/]+)/cancel', (_req, res, m) => {
    const batch = state.batches.get(m[1]!);
    if (!batch) return openAIError(res, 404, `No batch found with id '${m[1]}'.`, 'invalid_request_error', null, 'not_found');
    Object.assign(batch, { status: 'cancelling', cancelling_at: NOW + 5 });
    replyJson(res, 200, batch);
  });

  // Containers
  route('POST', '/containers', (req, res) => {
    const body = req.json as JsonObject;
    if (typeof body['name'] !== 'string') return openAIError(res, 400, "Missing required parameter: 'name'.", 'invalid_request_error', 'name');
    const id = nextId('cntr_');
    const container: JsonObject = {
      id,
      object: 'container',
      created_at: NOW,
      status: 'running',
      expires_after: body['expires_after'] ?? { anchor: 'last_active_at', minutes: 20 },
      last_active_at: NOW,
      memory_limit: body['memory_limit'] ?? '1g',
      name: body['name'],
      metadata: body['metadata'] ?? {},
    };
    state.containers.set(id, container);
    replyJson(res, 200, container);
  });
  route('GET', '/containers', (req, res) => {
    let all = [...state.containers.values()];
    if (req.query.get('order') !== 'asc') all = all.reverse();
    const after = req.query.get('after');
    if (after) all = all.slice(all.findIndex((c) => c['id'] === after) + 1);
    const limit = Number(req.query.get('limit') ?? 20);
    const data = all.slice(0, limit);
    replyJson(res, 200, { object: 'list', data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: all.length > data.length });
  });
  route('GET', '/containers/([^/]+)', (_req, res, m) => {
    const container = state.containers.get(m[1]!);
    if (!container) return openAIError(res, 404, `Container with id '${m[1]}' not found.`, 'invalid_request_error', null, 'not_found');
    replyJson(res, 200, container);
  });
  route('DELETE', '/containers/([^/]+)', (_req, res, m) => {
    if (!state.containers.delete(m[1]!)) return openAIError(res, 404, `Container with id '${m[1]}' not found.`, 'invalid_request_error', null, 'not_found');
    replyJson(res, 200, { id: m[1], object: 'container.deleted', deleted: true });
  });

  // Container files
  route('POST', '/containers/([^/]+)/files', async (req, res, m) => {
    const containerId = m[1]!;
    if (!state.containers.has(containerId))
      return openAIError(res, 404, `Container with id '${containerId}' not found.`, 'invalid_request_error', null, 'not_found');
    let stored: { data: Buffer; contentType: string; path: string };
    if (String(req.headers['content-type']).startsWith('multipart/form-data')) {
      const form = await parseMultipart(req);
      const file = form.files.find((f) => f.field === 'file');
      if (!file) return openAIError(res, 400, "Missing required parameter: 'file'.", 'invalid_request_error', 'file');
      stored = { data: file.data, contentType: file.contentType, path: form.fields['file_path'] ?? `/mnt/data/${file.filename}` };
    } else {
      const fileId = (req.json as JsonObject)['file_id'];
      const source = typeof fileId === 'string' ? state.files.get(fileId) : undefined;
      if (!source) return openAIError(res, 404, `No such File object: ${String(fileId)}`, 'invalid_request_error', 'file_id');
      stored = { data: source.data, contentType: source.contentType, path: `/mnt/data/${String(source.object['filename'])}` };
    }
    const id = nextId('cfile_');
    const object = { id, object: 'container.file', bytes: stored.data.length, container_id: containerId, created_at: NOW, path: stored.path, source: 'user' };
    state.containerFiles.set(id, { object, data: stored.data, contentType: stored.contentType, containerId });
    replyJson(res, 200, object);
  });
  route('GET', '/containers/([^/]+)/files', (_req, res, m) => {
    const data = [...state.containerFiles.values()].filter((f) => f.containerId === m[1]).map((f) => f.object);
    replyJson(res, 200, { object: 'list', data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: false });
  });
  route('GET', '/containers/([^/]+)/files/([^/]+)', (_req, res, m) => {
    const file = state.containerFiles.get(m[2]!);
    if (!file || file.containerId !== m[1]) return openAIError(res, 404, `Container file '${m[2]}' not found.`, 'invalid_request_error', null, 'not_found');
    replyJson(res, 200, file.object);
  });
  route('GET', '/containers/([^/]+)/files/([^/]+)/content', (_req, res, m) => {
    const file = state.containerFiles.get(m[2]!);
    if (!file || file.containerId !== m[1]) return openAIError(res, 404, `Container file '${m[2]}' not found.`, 'invalid_request_error', null, 'not_found');
    return replyBytes(res, file.data, file.contentType);
  });
  route('DELETE', '/containers/([^/]+)/files/([^/]+)', (_req, res, m) => {
    if (!state.containerFiles.delete(m[2]!)) return openAIError(res, 404, `Container file '${m[2]}' not found.`, 'invalid_request_error', null, 'not_found');
    replyJson(res, 200, { id: m[2], object: 'container.file.deleted', deleted: true });
  });

  return state;
}

function fileObject(id: string, filename: string, purpose: string, bytes: number): JsonObject {
  return { id, object: 'file', bytes, created_at: NOW, filename, purpose, status: 'processed', expires_at: null, status_details: null };
}

// ---------------------------------------------------------------------------
// Anthropic: Files API (beta) and Message Batches
// ---------------------------------------------------------------------------

export interface AnthropicResourceState {
  files: Map<string, StoredFile>;
  batches: Map<string, JsonObject>;
  /** Results JSONL of ended batches. */
  results: Map<string, string>;
  /** Ends a batch with these result lines (JSONL text, may contain bad lines). */
  endBatch(id: string, resultsJsonl: string, counts: { succeeded: number; errored: number }): void;
}

function anthropicError(res: ServerResponse, status: number, type: string, message: string): void {
  replyJson(res, status, { type: 'error', error: { type, message } });
}

export function installAnthropicResourceMock(mock: MockUpstream, apiKey: string): AnthropicResourceState {
  const state: AnthropicResourceState = {
    files: new Map(),
    batches: new Map(),
    results: new Map(),
    endBatch(id, resultsJsonl, counts) {
      const batch = state.batches.get(id);
      if (!batch) throw new Error(`mock: no batch ${id}`);
      state.results.set(id, resultsJsonl);
      Object.assign(batch, {
        processing_status: 'ended',
        ended_at: '2025-01-01T01:00:00Z',
        request_counts: { processing: 0, succeeded: counts.succeeded, errored: counts.errored, canceled: 0, expired: 0 },
        results_url: `https://api.anthropic.com/v1/messages/batches/${id}/results`,
      });
    },
  };
  const on = (method: string, pattern: RegExp, handler: (req: RecordedRequest, res: ServerResponse, m: RegExpExecArray) => void | Promise<void>): void => {
    mock.on(method, pattern, (req, res) => {
      if (req.headers['x-api-key'] !== apiKey) return anthropicError(res, 401, 'authentication_error', 'invalid x-api-key');
      if (req.headers['anthropic-version'] === undefined) return anthropicError(res, 400, 'invalid_request_error', 'anthropic-version header is required');
      return handler(req, res, pattern.exec(req.path)!);
    });
  };
  const needsFilesBeta = (req: RecordedRequest, res: ServerResponse): boolean => {
    if (String(req.headers['anthropic-beta'] ?? '').includes('files-api-2025-04-14')) return true;
    anthropicError(res, 400, 'invalid_request_error', 'The Files API requires the anthropic-beta: files-api-2025-04-14 header');
    return false;
  };

  on('POST', /^\/v1\/files$/, async (req, res) => {
    if (!needsFilesBeta(req, res)) return;
    const form = await parseMultipart(req);
    const file = form.files.find((f) => f.field === 'file');
    if (!file) return anthropicError(res, 400, 'invalid_request_error', 'file: Field required');
    const id = `file_011${nextId('')}`;
    const object = {
      id,
      type: 'file',
      filename: file.filename,
      mime_type: file.contentType,
      size_bytes: file.data.length,
      created_at: '2025-01-01T00:00:00Z',
      downloadable: false,
    };
    state.files.set(id, { object, data: file.data, contentType: file.contentType });
    replyJson(res, 200, object);
  });
  on('GET', /^\/v1\/files$/, (req, res) => {
    if (!needsFilesBeta(req, res)) return;
    const data = [...state.files.values()].map((f) => f.object);
    replyJson(res, 200, { data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: false });
  });
  on('GET', /^\/v1\/files\/([^/]+)$/, (req, res, m) => {
    if (!needsFilesBeta(req, res)) return;
    const file = state.files.get(m[1]!);
    if (!file) return anthropicError(res, 404, 'not_found_error', `File not found: ${m[1]}`);
    replyJson(res, 200, file.object);
  });
  on('DELETE', /^\/v1\/files\/([^/]+)$/, (req, res, m) => {
    if (!needsFilesBeta(req, res)) return;
    if (!state.files.delete(m[1]!)) return anthropicError(res, 404, 'not_found_error', `File not found: ${m[1]}`);
    replyJson(res, 200, { id: m[1], type: 'file_deleted' });
  });
  on('GET', /^\/v1\/files\/([^/]+)\/content$/, (req, res, m) => {
    if (!needsFilesBeta(req, res)) return;
    const file = state.files.get(m[1]!);
    if (!file) return anthropicError(res, 404, 'not_found_error', `File not found: ${m[1]}`);
    return replyBytes(res, file.data, file.contentType);
  });

  on('POST', /^\/v1\/messages\/batches$/, (req, res) => {
    const requests = (req.json as JsonObject)['requests'];
    if (!Array.isArray(requests) || requests.length === 0)
      return anthropicError(res, 400, 'invalid_request_error', 'requests: List should have at least 1 item');
    const id = `msgbatch_01${nextId('')}`;
    const batch: JsonObject = {
      id,
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: null,
      created_at: '2025-01-01T00:00:00Z',
      expires_at: '2025-01-02T00:00:00Z',
      archived_at: null,
      cancel_initiated_at: null,
      results_url: null,
    };
    state.batches.set(id, batch);
    replyJson(res, 200, batch);
  });
  on('GET', /^\/v1\/messages\/batches$/, (req, res) => {
    const limit = Number(req.query.get('limit') ?? 20);
    const all = [...state.batches.values()].reverse();
    const data = all.slice(0, limit);
    replyJson(res, 200, { data, has_more: all.length > data.length, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null });
  });
  on('GET', /^\/v1\/messages\/batches\/([^/]+)$/, (_req, res, m) => {
    const batch = state.batches.get(m[1]!);
    if (!batch) return anthropicError(res, 404, 'not_found_error', `Message batch not found: ${m[1]}`);
    replyJson(res, 200, batch);
  });
  on('POST', /^\/v1\/messages\/batches\/([^/]+)\/cancel$/, (_req, res, m) => {
    const batch = state.batches.get(m[1]!);
    if (!batch) return anthropicError(res, 404, 'not_found_error', `Message batch not found: ${m[1]}`);
    Object.assign(batch, { processing_status: 'canceling', cancel_initiated_at: '2025-01-01T00:30:00Z' });
    replyJson(res, 200, batch);
  });
  on('GET', /^\/v1\/messages\/batches\/([^/]+)\/results$/, (_req, res, m) => {
    const results = state.results.get(m[1]!);
    if (results === undefined) return anthropicError(res, 404, 'not_found_error', `No results for message batch ${m[1]}: it has not ended`);
    return replyBytes(res, Buffer.from(results), 'application/binary', { splitEvery: 37 });
  });
  return state;
}

/** One succeeded Anthropic batch result line. */
export function anthropicResultLine(customId: string, text: string): JsonObject {
  return {
    custom_id: customId,
    result: {
      type: 'succeeded',
      message: {
        id: `msg_01${customId}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 4 },
      },
    },
  };
}

// ---------------------------------------------------------------------------
// Gemini: Files API (resumable upload) and batch mode
// ---------------------------------------------------------------------------

export interface GeminiResourceState {
  files: Map<string, StoredFile>;
  /** Batch operations by bare id. */
  batches: Map<string, JsonObject>;
  /** Upload sessions started but not finalized, by upload id. */
  sessions: Map<string, { displayName: string; contentType: string; length: number }>;
  /** The request bodies of batchGenerateContent calls. */
  created: JsonObject[];
  /** Finishes a batch with inline responses. */
  succeedInline(id: string, responses: Array<{ key: string; text: string }>): void;
  /** Finishes a batch with a responses file holding `jsonl`. */
  succeedWithFile(id: string, jsonl: string): void;
}

const GEMINI_BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';
const GEMINI_OUTPUT_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput';

function geminiError(res: ServerResponse, status: number, message: string, grpcStatus: string): void {
  replyJson(res, status, { error: { code: status, message, status: grpcStatus } });
}

export function geminiResponse(text: string): JsonObject {
  return {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
    modelVersion: 'gemini-2.5-flash',
    responseId: `resp-${text.length}`,
  };
}

export function installGeminiResourceMock(mock: MockUpstream, apiKey: string): GeminiResourceState {
  const state: GeminiResourceState = {
    files: new Map(),
    batches: new Map(),
    sessions: new Map(),
    created: [],
    succeedInline(id, responses) {
      const op = state.batches.get(id)!;
      const metadata = op['metadata'] as JsonObject;
      Object.assign(metadata, {
        state: 'BATCH_STATE_SUCCEEDED',
        endTime: '2025-01-01T02:00:00Z',
        batchStats: { requestCount: String(responses.length), successfulRequestCount: String(responses.length) },
      });
      op['done'] = true;
      op['response'] = {
        '@type': GEMINI_OUTPUT_TYPE,
        inlinedResponses: { inlinedResponses: responses.map((r) => ({ response: geminiResponse(r.text), metadata: { key: r.key } })) },
      };
    },
    succeedWithFile(id, jsonl) {
      const op = state.batches.get(id)!;
      const fileId = `batch-${id}-out`;
      state.files.set(fileId, {
        object: geminiFile(fileId, 'responses.jsonl', 'application/jsonl', Buffer.byteLength(jsonl)),
        data: Buffer.from(jsonl),
        contentType: 'application/jsonl',
      });
      Object.assign(op['metadata'] as JsonObject, {
        state: 'BATCH_STATE_SUCCEEDED',
        endTime: '2025-01-01T02:00:00Z',
        batchStats: { requestCount: '3', successfulRequestCount: '2', failedRequestCount: '1' },
      });
      op['done'] = true;
      op['response'] = { '@type': GEMINI_OUTPUT_TYPE, responsesFile: `files/${fileId}` };
    },
  };
  const on = (method: string, pattern: RegExp, handler: (req: RecordedRequest, res: ServerResponse, m: RegExpExecArray) => void | Promise<void>): void => {
    mock.on(method, pattern, (req, res) => {
      if (req.headers['x-goog-api-key'] !== apiKey) return geminiError(res, 400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT');
      return handler(req, res, pattern.exec(req.path)!);
    });
  };

  on('POST', /^\/upload\/v1beta\/files$/, (req, res) => {
    const command = req.headers['x-goog-upload-command'];
    if (req.headers['x-goog-upload-protocol'] === 'resumable' && command === 'start') {
      const uploadId = nextId('up');
      const displayName = String(((req.json as JsonObject | undefined)?.['file'] as JsonObject | undefined)?.['display_name'] ?? 'unnamed');
      state.sessions.set(uploadId, {
        displayName,
        contentType: String(req.headers['x-goog-upload-header-content-type'] ?? 'application/octet-stream'),
        length: Number(req.headers['x-goog-upload-header-content-length']),
      });
      res.writeHead(200, {
        'x-goog-upload-url': `${mock.url}/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`,
        'x-goog-upload-status': 'active',
        'content-length': '0',
      });
      res.end();
      return;
    }
    const session = state.sessions.get(req.query.get('upload_id') ?? '');
    if (!session || command !== 'upload, finalize' || req.headers['x-goog-upload-offset'] !== '0') {
      return geminiError(res, 400, 'Upload session not found or bad upload command.', 'INVALID_ARGUMENT');
    }
    if (req.bodyBytes.length !== session.length)
      return geminiError(res, 400, `Declared ${session.length} bytes, received ${req.bodyBytes.length}.`, 'INVALID_ARGUMENT');
    state.sessions.delete(req.query.get('upload_id')!);
    const id = nextId('f');
    const stored: StoredFile = {
      object: geminiFile(id, session.displayName, session.contentType, req.bodyBytes.length),
      data: req.bodyBytes,
      contentType: session.contentType,
    };
    state.files.set(id, stored);
    replyJson(res, 200, { file: stored.object });
  });
  on('GET', /^\/v1beta\/files$/, (_req, res) => {
    replyJson(res, 200, { files: [...state.files.values()].map((f) => f.object), nextPageToken: 'page-2' });
  });
  on('GET', /^\/v1beta\/files\/([^/:]+)$/, (_req, res, m) => {
    const file = state.files.get(m[1]!);
    if (!file) return geminiError(res, 404, `File files/${m[1]} not found.`, 'NOT_FOUND');
    replyJson(res, 200, file.object);
  });
  on('DELETE', /^\/v1beta\/files\/([^/:]+)$/, (_req, res, m) => {
    if (!state.files.delete(m[1]!)) return geminiError(res, 404, `File files/${m[1]} not found.`, 'NOT_FOUND');
    replyJson(res, 200, {});
  });
  on('GET', /^\/download\/v1beta\/files\/([^/:]+):download$/, (req, res, m) => {
    const file = state.files.get(m[1]!);
    if (!file || req.query.get('alt') !== 'media') return geminiError(res, 404, `File files/${m[1]} not found.`, 'NOT_FOUND');
    return replyBytes(res, file.data, file.contentType, { splitEvery: 50 });
  });

  on('POST', /^\/v1beta\/models\/([^/:]+):batchGenerateContent$/, (req, res, m) => {
    const body = req.json as JsonObject;
    state.created.push(body);
    const batch = body['batch'] as JsonObject;
    const input = batch['input_config'] as JsonObject;
    const inline = ((input['requests'] as JsonObject | undefined)?.['requests'] as unknown[] | undefined) ?? [];
    const id = nextId('b');
    const op: JsonObject = {
      name: `batches/${id}`,
      metadata: {
        '@type': GEMINI_BATCH_TYPE,
        model: `models/${m[1]}`,
        displayName: batch['display_name'],
        createTime: '2025-01-01T00:00:00Z',
        updateTime: '2025-01-01T00:00:00Z',
        batchStats: { requestCount: String(inline.length || 3), pendingRequestCount: String(inline.length || 3) },
        state: 'BATCH_STATE_PENDING',
        name: `batches/${id}`,
      },
    };
    state.batches.set(id, op);
    replyJson(res, 200, op);
  });
  on('GET', /^\/v1beta\/batches$/, (_req, res) => {
    replyJson(res, 200, { operations: [...state.batches.values()] });
  });
  on('GET', /^\/v1beta\/batches\/([^/:]+)$/, (_req, res, m) => {
    const op = state.batches.get(m[1]!);
    if (!op) return geminiError(res, 404, `Batch batches/${m[1]} not found.`, 'NOT_FOUND');
    replyJson(res, 200, op);
  });
  on('POST', /^\/v1beta\/batches\/([^/:]+):cancel$/, (_req, res, m) => {
    const op = state.batches.get(m[1]!);
    if (!op) return geminiError(res, 404, `Batch batches/${m[1]} not found.`, 'NOT_FOUND');
    Object.assign(op['metadata'] as JsonObject, { state: 'BATCH_STATE_CANCELLED' });
    op['done'] = true;
    replyJson(res, 200, {});
  });
  return state;
}

function geminiFile(id: string, displayName: string, mimeType: string, size: number): JsonObject {
  return {
    name: `files/${id}`,
    displayName,
    mimeType,
    sizeBytes: String(size),
    createTime: '2025-01-01T00:00:00.000000Z',
    updateTime: '2025-01-01T00:00:00.000000Z',
    expirationTime: '2025-01-03T00:00:00.000000Z',
    sha256Hash: 'ZmFrZQ==',
    uri: `https://generativelanguage.googleapis.com/v1beta/files/${id}`,
    state: 'ACTIVE',
    source: 'UPLOADED',
  };
}
