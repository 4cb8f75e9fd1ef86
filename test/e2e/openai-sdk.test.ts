/**
 * The official `openai` SDK against a running Iris on every OpenAI-shaped surface (`/v1`, `/openai`,
 * `/openai/v1`, and the Azure deployment paths the `AzureOpenAI` client uses), with each provider
 * replaced by a mock replaying recorded responses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { readJsonBody, readJsonlEvents } from '../support/fixtures.js';
import { replyFixtureJson, replyFixtureSse, replyJson } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import {
  AZURE_API_VERSION,
  AZURE_DEPLOYMENTS,
  azureClientFor,
  UPSTREAM_KEYS,
  asRecord,
  collectChatStream,
  extraFieldsOf,
  fixtureMessage,
  float32Base64,
  jsonBodyOf,
  onlyRequestTo,
  openAIClient,
  replayChat,
  startE2EGateway,
} from './harness.js';
import type { E2EGateway } from './harness.js';

const CHAT_TEXT = 'openai/chat/openai-text.json';
const CHAT_TOOL_STREAM = 'openai/chat/issue-15789-step-1.chunks.txt';
const RESPONSE_JSON = 'openai/responses/openai-pdf-input-file.1.json';
const RESPONSE_STREAM = 'openai/responses/openai-pdf-input-file.1.chunks.txt';
const AZURE_CHAT = 'azure/azure-deepseek-reasoning.1.json';
const AZURE_STREAM = 'azure/azure-model-router.1.chunks.txt';

/** Each OpenAI-shaped surface and how a caller names an OpenAI model on it. */
const SURFACES = [
  { prefix: '/v1', model: (name: string) => `openai/${name}` },
  { prefix: '/openai', model: (name: string) => name },
  { prefix: '/openai/v1', model: (name: string) => name },
] as const;

/** Float32-exact values, so the float and base64 encodings carry the very same numbers. */
const VECTORS: readonly number[][] = [
  [0.5, -0.25, Math.fround(0.1), 3.75, Math.fround(-0.0123)],
  [Math.fround(-0.333), 0, 1, Math.fround(2.2), Math.fround(1e-7)],
];

let env: E2EGateway;
let openaiMock: MockUpstream;
let mistralMock: MockUpstream;
let azureMock: MockUpstream;

beforeAll(async () => {
  env = await startE2EGateway(['openai', 'mistral', 'azure']);
  openaiMock = env.mock('openai');
  mistralMock = env.mock('mistral');
  azureMock = env.mock('azure');
});

afterEach(() => env.resetMocks());

afterAll(async () => {
  await env?.close();
});

/** Answers like OpenAI: base64 float32 strings when asked for base64, arrays otherwise. */
function serveOpenAIEmbeddings(mock: MockUpstream): void {
  mock.on('POST', '/v1/embeddings', (req, res) => {
    const base64 = jsonBodyOf(req)['encoding_format'] === 'base64';
    replyJson(res, 200, {
      object: 'list',
      data: VECTORS.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? float32Base64(vector) : vector,
      })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });
}

/** Mistral only ever answers floats. */
function serveMistralEmbeddings(mock: MockUpstream): void {
  mock.on('POST', '/v1/embeddings', (_req, res) => {
    replyJson(res, 200, {
      id: 'embd-2f7c6b1e',
      object: 'list',
      data: VECTORS.map((vector, index) => ({ object: 'embedding', embedding: vector, index })),
      model: 'mistral-embed',
      usage: { prompt_tokens: 6, total_tokens: 6, completion_tokens: 0 },
    });
  });
}

describe.each(SURFACES)('OpenAI SDK chat completions on $prefix', ({ prefix, model }) => {
  it('returns the recorded completion with its content, usage and extra_fields', async () => {
    replayChat(openaiMock, '/v1/chat/completions', { json: CHAT_TEXT });
    const client = openAIClient(`${env.url}${prefix}`);

    const completion = await client.chat.completions.create({
      model: model('gpt-4.1-nano'),
      messages: [{ role: 'user', content: 'Invent a new holiday and describe its traditions.' }],
    });

    expect(completion.id).toBe('chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
    expect(completion.choices[0]?.message.content).toBe(fixtureMessage(CHAT_TEXT)['content']);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 363, total_tokens: 379 });
    expect(extraFieldsOf(completion)).toMatchObject({
      provider: 'openai',
      model_requested: 'gpt-4.1-nano',
      request_type: 'chat_completion',
    });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/chat/completions'))['model']).toBe('gpt-4.1-nano');
  });

  it('streams text, a tool call, the finish reason and the usage chunk', async () => {
    replayChat(openaiMock, '/v1/chat/completions', { chunks: CHAT_TOOL_STREAM });
    const client = openAIClient(`${env.url}${prefix}`);

    const stream = await client.chat.completions.create({
      model: model('gpt-4o'),
      messages: [{ role: 'user', content: 'What is the weather?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const assembled = await collectChatStream(stream);

    expect(assembled.text).toBe('PRE_TOOL');
    expect(assembled.toolCalls).toEqual([{ id: 'call_NZa7xqfefoaMI2YYHowVXVlU', name: 'weather', arguments: '{}' }]);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    const { chunks } = assembled;
    expect(chunks[chunks.length - 1]?.choices).toEqual([]);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 58, completion_tokens: 12, total_tokens: 70 });
    expect(chunks).toHaveLength(readJsonlEvents(CHAT_TOOL_STREAM).length);
    expect(chunks.map((c) => extraFieldsOf(c)['chunk_index'])).toEqual(chunks.map((_c, i) => i));
    expect(extraFieldsOf(chunks[0])).toMatchObject({ provider: 'openai', request_type: 'chat_completion_stream' });

    const upstream = jsonBodyOf(onlyRequestTo(openaiMock, '/v1/chat/completions'));
    expect(upstream['stream']).toBe(true);
    expect(upstream['stream_options']).toEqual({ include_usage: true });
  });

  it("lets the SDK's stream helper assemble the final completion", async () => {
    replayChat(openaiMock, '/v1/chat/completions', { chunks: CHAT_TOOL_STREAM });
    const client = openAIClient(`${env.url}${prefix}`);

    const runner = client.chat.completions.stream({
      model: model('gpt-4o'),
      messages: [{ role: 'user', content: 'What is the weather?' }],
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();

    expect(final.choices[0]?.message.content).toBe('PRE_TOOL');
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_NZa7xqfefoaMI2YYHowVXVlU', type: 'function', function: { name: 'weather', arguments: '{}' } },
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage?.total_tokens).toBe(70);
  });
});

describe.each(SURFACES)('OpenAI SDK embeddings on $prefix', ({ prefix, model }) => {
  it('decodes the base64 embeddings it asks for by default into the upstream numbers', async () => {
    serveOpenAIEmbeddings(openaiMock);
    const client = openAIClient(`${env.url}${prefix}`);

    const result = await client.embeddings.create({ model: model('text-embedding-3-small'), input: ['one', 'two'] });

    expect(result.data.map((d) => d.embedding)).toEqual(VECTORS);
    const upstream = jsonBodyOf(onlyRequestTo(openaiMock, '/v1/embeddings'));
    expect(upstream['encoding_format']).toBe('base64');
    expect(upstream['model']).toBe('text-embedding-3-small');
  });

  it('returns float arrays with the same numbers when the caller asks for floats', async () => {
    serveOpenAIEmbeddings(openaiMock);
    const client = openAIClient(`${env.url}${prefix}`);

    const result = await client.embeddings.create({
      model: model('text-embedding-3-small'),
      input: ['one', 'two'],
      encoding_format: 'float',
    });

    expect(result.data.map((d) => d.embedding)).toEqual(VECTORS);
    expect(result.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/embeddings'))['encoding_format']).toBe('float');
  });
});

describe('OpenAI SDK embeddings from a provider without base64 (mistral)', () => {
  it('gets the right numbers: Iris asks Mistral for floats and encodes base64 itself', async () => {
    serveMistralEmbeddings(mistralMock);
    const client = openAIClient(`${env.url}/v1`);

    const result = await client.embeddings.create({ model: 'mistral/mistral-embed', input: ['one', 'two'] });

    expect(result.data.map((d) => d.embedding)).toEqual(VECTORS);
    const upstream = jsonBodyOf(onlyRequestTo(mistralMock, '/v1/embeddings'));
    expect(upstream['encoding_format']).toBe('float');
    expect(upstream['model']).toBe('mistral-embed');
    expect(openaiMock.requests).toHaveLength(0);
  });

  it('passes Mistral floats through when the caller asks for floats', async () => {
    serveMistralEmbeddings(mistralMock);
    const client = openAIClient(`${env.url}/v1`);

    const result = await client.embeddings.create({
      model: 'mistral/mistral-embed',
      input: ['one', 'two'],
      encoding_format: 'float',
    });

    expect(result.data.map((d) => d.embedding)).toEqual(VECTORS);
  });
});

describe.each(SURFACES)('OpenAI SDK responses on $prefix', ({ prefix, model }) => {
  it('returns the recorded response with its output text and usage', async () => {
    openaiMock.on('POST', '/v1/responses', (_req, res) => replyFixtureJson(res, RESPONSE_JSON));
    const client = openAIClient(`${env.url}${prefix}`);

    const response = await client.responses.create({ model: model('gpt-4.1-nano'), input: 'What is in this PDF?' });

    expect(response.id).toBe('resp_048edf44633e41ae0069d4fe9fabf48194957da2d8582b1c4a');
    expect(response.output_text).toBe('Dummy PDF file');
    expect(response.usage).toMatchObject({ input_tokens: 44, output_tokens: 4, total_tokens: 48 });
    expect(extraFieldsOf(response)).toMatchObject({ provider: 'openai', request_type: 'responses' });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/responses'))['model']).toBe('gpt-4.1-nano');
  });

  it('streams named events that reach the SDK with their types and the final text', async () => {
    openaiMock.on('POST', '/v1/responses', (_req, res) => replyFixtureSse(res, RESPONSE_STREAM, 'named-events'));
    const client = openAIClient(`${env.url}${prefix}`);

    const stream = await client.responses.create({
      model: model('gpt-4.1-nano'),
      input: 'What is in this PDF?',
      stream: true,
    });
    const types: string[] = [];
    let deltas = '';
    let completedText: string | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.completed') {
        completedText = event.response.output
          .flatMap((item) => (item.type === 'message' ? item.content : []))
          .map((part) => (part.type === 'output_text' ? part.text : ''))
          .join('');
      }
    }

    const recordedTypes = readJsonlEvents(RESPONSE_STREAM).map((e) => String(asRecord(e)['type']));
    expect(types).toEqual(recordedTypes);
    expect(deltas).toBe('Dummy PDF file');
    expect(completedText).toBe('Dummy PDF file');
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/responses'))['stream']).toBe(true);
  });

  it("lets the SDK's responses stream helper produce the final response", async () => {
    openaiMock.on('POST', '/v1/responses', (_req, res) => replyFixtureSse(res, RESPONSE_STREAM, 'named-events'));
    const client = openAIClient(`${env.url}${prefix}`);

    const final = await client.responses.stream({ model: model('gpt-4.1-nano'), input: 'What is in this PDF?' }).finalResponse();

    expect(final.id).toBe('resp_051ebd7ab60063870069d4fe8ac1348194bf06d0a4646af05f');
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Dummy PDF file');
  });
});

describe.each(SURFACES)('OpenAI SDK stored responses on $prefix', ({ prefix }) => {
  const id = 'resp_048edf44633e41ae0069d4fe9fabf48194957da2d8582b1c4a';
  const auth = `Bearer ${UPSTREAM_KEYS.openai}`;

  it('retrieve reaches GET /v1/responses/{id} with the configured key and returns the response', async () => {
    openaiMock.on('GET', `/v1/responses/${id}`, (_req, res) => replyFixtureJson(res, RESPONSE_JSON));
    const client = openAIClient(`${env.url}${prefix}`);

    const response = await client.responses.retrieve(id);

    expect(response.output_text).toBe('Dummy PDF file');
    expect(onlyRequestTo(openaiMock, `/v1/responses/${id}`, 'GET').headers['authorization']).toBe(auth);
  });

  it('delete reaches DELETE /v1/responses/{id}', async () => {
    openaiMock.on('DELETE', `/v1/responses/${id}`, (_req, res) => replyJson(res, 200, { id, object: 'response.deleted', deleted: true }));
    const client = openAIClient(`${env.url}${prefix}`);

    await client.responses.delete(id);

    expect(onlyRequestTo(openaiMock, `/v1/responses/${id}`, 'DELETE').headers['authorization']).toBe(auth);
  });

  it('inputItems.list reaches GET /v1/responses/{id}/input_items with the query forwarded', async () => {
    const item = {
      id: 'msg_048edf44633e41ae0069d4fe9fb0e48194a1c2d3e4f5a6b7c8',
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_text', text: 'What is in this PDF?' }],
    };
    openaiMock.on('GET', `/v1/responses/${id}/input_items`, (_req, res) =>
      replyJson(res, 200, { object: 'list', data: [item], first_id: item.id, last_id: item.id, has_more: false }),
    );
    const client = openAIClient(`${env.url}${prefix}`);

    const items = [];
    for await (const entry of client.responses.inputItems.list(id, { limit: 5, order: 'asc' })) items.push(entry);

    expect(items).toEqual([item]);
    const upstream = onlyRequestTo(openaiMock, `/v1/responses/${id}/input_items`, 'GET');
    expect(upstream.query.get('limit')).toBe('5');
    expect(upstream.query.get('order')).toBe('asc');
    expect(upstream.query.has('provider')).toBe(false);
  });

  it('cancel reaches POST /v1/responses/{id}/cancel and returns the cancelled response', async () => {
    const cancelled = { ...asRecord(readJsonBody(RESPONSE_JSON)), status: 'cancelled', background: true };
    openaiMock.on('POST', `/v1/responses/${id}/cancel`, (_req, res) => replyJson(res, 200, cancelled));
    const client = openAIClient(`${env.url}${prefix}`);

    const response = await client.responses.cancel(id);

    expect(response.status).toBe('cancelled');
    expect(onlyRequestTo(openaiMock, `/v1/responses/${id}/cancel`).headers['authorization']).toBe(auth);
  });
});

describe('OpenAI SDK models.list on /v1', () => {
  it('lists every configured provider with ids prefixed by the provider name', async () => {
    openaiMock.on('GET', '/v1/models', (_req, res) =>
      replyJson(res, 200, {
        object: 'list',
        data: [
          { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
          { id: 'text-embedding-3-small', object: 'model', created: 1705948997, owned_by: 'system' },
        ],
      }),
    );
    mistralMock.on('GET', '/v1/models', (_req, res) =>
      replyJson(res, 200, {
        object: 'list',
        data: [{ id: 'mistral-small-latest', object: 'model', created: 1769088720, owned_by: 'mistralai' }],
      }),
    );
    const client = openAIClient(`${env.url}/v1`);

    const ids: string[] = [];
    for await (const entry of client.models.list()) ids.push(entry.id);

    expect(ids.sort()).toEqual(['mistral/mistral-small-latest', 'openai/gpt-4o-mini', 'openai/text-embedding-3-small']);
    expect(onlyRequestTo(openaiMock, '/v1/models', 'GET').headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
  });
});

describe('the upstream request Iris sends for an OpenAI SDK call', () => {
  it('on /v1: configured key, model without prefix, fallbacks dropped, unknown fields untouched', async () => {
    replayChat(openaiMock, '/v1/chat/completions', { json: CHAT_TEXT });
    const client = openAIClient(`${env.url}/v1`);
    const vendorExtension = { cache_hint: { ttl: '5m', tags: ['a', 'b'] }, nested: [1, null, { deep: true }] };
    const params: ChatCompletionCreateParamsNonStreaming & Record<string, unknown> = {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      fallbacks: ['mistral/mistral-small-latest'],
      vendor_extension: vendorExtension,
      metadata: { trace: 'e2e-42' },
    };

    await client.chat.completions.create(params);

    const upstream = onlyRequestTo(openaiMock, '/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
    expect(upstream.headers['content-type']).toContain('application/json');
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      vendor_extension: vendorExtension,
      metadata: { trace: 'e2e-42' },
    });
    expect(mistralMock.requests).toHaveLength(0);
  });

  it('the raw JSON body the SDK receives carries extra_fields next to the upstream fields', async () => {
    replayChat(openaiMock, '/v1/chat/completions', { json: CHAT_TEXT });
    const client = openAIClient(`${env.url}/openai/v1`);

    const response = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).asResponse();
    const raw = asRecord(await response.json(), 'raw body');

    expect(response.status).toBe(200);
    expect(raw['system_fingerprint']).toBe('fp_de604bd877');
    expect(raw['extra_fields']).toMatchObject({
      provider: 'openai',
      model_requested: 'gpt-4o-mini',
      request_type: 'chat_completion',
      chunk_index: 0,
    });
    expect(typeof extraFieldsOf(raw)['latency']).toBe('number');
  });

  it('on /openai: a bare model reaches the OpenAI provider as written', async () => {
    replayChat(openaiMock, '/v1/chat/completions', { json: CHAT_TEXT });
    const client = openAIClient(`${env.url}/openai`);

    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/chat/completions'))['model']).toBe('gpt-4o-mini');
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'openai', model_requested: 'gpt-4o-mini' });
  });
});

describe('Azure: the AzureOpenAI client and azure/<model> on /v1', () => {
  const modelName = 'gpt-4o-mini';
  const deployment = AZURE_DEPLOYMENTS[modelName]!;
  const upstreamPath = `/openai/deployments/${deployment}/chat/completions`;

  const azureClient = (options: { deployment?: string } = {}) => azureClientFor(env.url, options);

  function expectAzureUpstream(): Record<string, unknown> {
    const upstream = onlyRequestTo(azureMock, upstreamPath);
    expect(upstream.query.get('api-version')).toBe(AZURE_API_VERSION);
    expect(upstream.headers['api-key']).toBe(UPSTREAM_KEYS.azure);
    expect(upstream.headers['authorization']).toBeUndefined();
    return jsonBodyOf(upstream);
  }

  it('AzureOpenAI chat reaches the deployment path with the configured api-key and api-version', async () => {
    replayChat(azureMock, upstreamPath, { json: AZURE_CHAT });
    const recorded = fixtureMessage(AZURE_CHAT);

    const completion = await azureClient().chat.completions.create({
      model: deployment,
      messages: [{ role: 'user', content: 'Invent a holiday around the latest Knicks game.' }],
    });

    expect(completion.choices[0]?.message.content).toBe(recorded['content']);
    expect(asRecord(completion.choices[0]?.message)['reasoning']).toBe(recorded['reasoning_content']);
    expect(completion.usage?.total_tokens).toBe(1988);
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'azure', model_requested: deployment });
    expectAzureUpstream();
  });

  it('AzureOpenAI with a model name as deployment is mapped to the configured deployment', async () => {
    replayChat(azureMock, upstreamPath, { json: AZURE_CHAT });

    const completion = await azureClient({ deployment: modelName }).chat.completions.create({
      model: modelName,
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(extraFieldsOf(completion)).toMatchObject({
      provider: 'azure',
      model_requested: modelName,
      model_deployment: deployment,
    });
    expectAzureUpstream();
  });

  it('AzureOpenAI streams the model-router recording: filter-only first chunk, text, finish and usage', async () => {
    replayChat(azureMock, upstreamPath, { chunks: AZURE_STREAM });

    const stream = await azureClient().chat.completions.create({
      model: deployment,
      messages: [{ role: 'user', content: 'What is the capital of Denmark?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks, text, finishReasons, usage } = await collectChatStream(stream);

    expect(text).toBe('Capital of Denmark.');
    expect(finishReasons).toEqual(['stop']);
    expect(chunks).toHaveLength(readJsonlEvents(AZURE_STREAM).length);
    expect(asRecord(chunks[0])['prompt_filter_results']).toBeDefined();
    expect(usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 78, total_tokens: 93 });
    expect(expectAzureUpstream()['stream']).toBe(true);
  });

  it('/v1 with azure/<model> reaches the mapped deployment and reports model_deployment', async () => {
    replayChat(azureMock, upstreamPath, { json: AZURE_CHAT, chunks: AZURE_STREAM });
    const client = openAIClient(`${env.url}/v1`);

    const completion = await client.chat.completions.create({
      model: `azure/${modelName}`,
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(extraFieldsOf(completion)).toMatchObject({
      provider: 'azure',
      model_requested: modelName,
      model_deployment: deployment,
      request_type: 'chat_completion',
    });
    expectAzureUpstream();
  });

  it('/v1 with azure/<model> streams through the mapped deployment', async () => {
    replayChat(azureMock, upstreamPath, { chunks: AZURE_STREAM });
    const client = openAIClient(`${env.url}/v1`);

    const stream = await client.chat.completions.create({
      model: `azure/${modelName}`,
      messages: [{ role: 'user', content: 'What is the capital of Denmark?' }],
      stream: true,
    });
    const { chunks, text } = await collectChatStream(stream);

    expect(text).toBe('Capital of Denmark.');
    expect(new Set(chunks.map((c) => extraFieldsOf(c)['model_deployment']))).toEqual(new Set([deployment]));
    expectAzureUpstream();
  });
});
