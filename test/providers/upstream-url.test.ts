/**
 * Upstream URLs are built from encoded parts only: a model id or resource id from a client (or an id
 * a provider answered with) is exactly one path segment of the provider's own path, whatever it
 * holds — `/`, `..`, `?`, `#`, `%` cannot change the path or the query — and an id no provider could
 * have issued is a 400 naming the parameter, thrown before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { GatewayFailure } from '../../src/schema/error.js';
import type { Operation } from '../../src/schema/request-type.js';
import type { BuiltUpstreamRequest, ProviderCall } from '../../src/providers/types.js';
import { MAX_PATH_SEGMENT_LENGTH } from '../../src/providers/upstream-url.js';
import { configuredProvider, type ConfiguredProvider } from './stream-reassembly.js';

/** Odd but legal values, and the one segment each must arrive as. */
const ODD_BUT_LEGAL: ReadonlyArray<readonly [value: string, segment: string]> = [
  ['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd'],
  ['x?key=attacker#', 'x%3Fkey%3Dattacker%23'],
  ['a/b', 'a%2Fb'],
  ['%2e%2e', '%252e%252e'],
  ['file-abc:1 é', 'file-abc%3A1%20%C3%A9'],
];

/** Values no provider issues: refused unsent. */
const NEVER_ISSUED: ReadonlyArray<readonly [label: string, value: string]> = [
  ['..', '..'],
  ['.', '.'],
  ['empty', ''],
  ['NUL', '\u0000'],
  ['a newline', 'a\nb'],
  ['DEL', 'a\u007fb'],
  ['10,000 characters', 'x'.repeat(10_000)],
];

const USER_MESSAGES = { messages: [{ role: 'user', content: 'hi' }] };

const openai = configuredProvider('openai');
const azure = configuredProvider('azure');
const anthropic = configuredProvider('anthropic');
const gemini = configuredProvider('gemini');
const vertex = configuredProvider('vertex', {
  keys: [{ name: 'v', value: 'vertex-token', vertex_key_config: { project_id: 'iris-test', region: 'us-central1', deployments: { tuned: '1234567890' } } }],
});
const bedrock = configuredProvider('bedrock', {
  keys: [{ name: 'aws', bedrock_key_config: { access_key: 'AKIDTEST', secret_key: 'secret', region: 'us-east-1' } }],
});

const VERTEX_LOCATION = 'https://us-central1-aiplatform.googleapis.com/v1/projects/iris-test/locations/us-central1';

interface UrlCase {
  name: string;
  provider: ConfiguredProvider;
  /** The call with the value where a client puts it. */
  call(value: string): ProviderCall;
  /** The parameter a refusal names. */
  param: string;
  /** The whole URL, without its query, for a value that arrives as `segment`. */
  url(segment: string): string;
  /** Query parameters the URL must carry, and nothing else. */
  query?: Record<string, string>;
}

function resourceCase(name: string, provider: ConfiguredProvider, op: Operation, param: string, url: (segment: string) => string): UrlCase {
  return { name, provider, param, url, call: (value) => provider.call(op, '', { resourceId: value }) };
}

function modelCase(
  name: string,
  provider: ConfiguredProvider,
  op: Operation,
  body: Record<string, unknown>,
  url: (segment: string) => string,
  extra: Partial<ProviderCall> = {},
): UrlCase {
  return { name, provider, param: 'model', url, call: (value) => provider.call(op, value, { body, ...extra }) };
}

const OPENAI = 'https://api.openai.com/v1';
const AZURE = 'https://iris-test.openai.azure.com/openai';
const ANTHROPIC = 'https://api.anthropic.com/v1';
const GEMINI = 'https://generativelanguage.googleapis.com';

const CASES: readonly UrlCase[] = [
  resourceCase('openai file retrieve', openai, 'file_retrieve', 'file_id', (id) => `${OPENAI}/files/${id}`),
  resourceCase('openai file delete', openai, 'file_delete', 'file_id', (id) => `${OPENAI}/files/${id}`),
  resourceCase('openai file content', openai, 'file_content', 'file_id', (id) => `${OPENAI}/files/${id}/content`),
  resourceCase('openai batch retrieve', openai, 'batch_retrieve', 'batch_id', (id) => `${OPENAI}/batches/${id}`),
  resourceCase('openai batch cancel', openai, 'batch_cancel', 'batch_id', (id) => `${OPENAI}/batches/${id}/cancel`),
  resourceCase('openai batch results', openai, 'batch_results', 'batch_id', (id) => `${OPENAI}/batches/${id}`),
  resourceCase('openai container retrieve', openai, 'container_retrieve', 'container_id', (id) => `${OPENAI}/containers/${id}`),
  resourceCase('openai container delete', openai, 'container_delete', 'container_id', (id) => `${OPENAI}/containers/${id}`),
  resourceCase('openai container file list', openai, 'container_file_list', 'container_id', (id) => `${OPENAI}/containers/${id}/files`),
  {
    name: 'openai container file retrieve',
    provider: openai,
    param: 'file_id',
    call: (value) => openai.call('container_file_retrieve', '', { resourceId: 'cntr_1', childId: value }),
    url: (id) => `${OPENAI}/containers/cntr_1/files/${id}`,
  },
  {
    name: 'openai container file content',
    provider: openai,
    param: 'file_id',
    call: (value) => openai.call('container_file_content', '', { resourceId: 'cntr_1', childId: value }),
    url: (id) => `${OPENAI}/containers/cntr_1/files/${id}/content`,
  },
  resourceCase('openai responses retrieve', openai, 'responses_retrieve', 'response_id', (id) => `${OPENAI}/responses/${id}`),
  resourceCase('openai responses delete', openai, 'responses_delete', 'response_id', (id) => `${OPENAI}/responses/${id}`),
  resourceCase('openai responses cancel', openai, 'responses_cancel', 'response_id', (id) => `${OPENAI}/responses/${id}/cancel`),
  resourceCase('openai responses input items', openai, 'responses_input_items', 'response_id', (id) => `${OPENAI}/responses/${id}/input_items`),
  {
    ...modelCase('azure chat deployment', azure, 'chat', USER_MESSAGES, (m) => `${AZURE}/deployments/${m}/chat/completions`),
    query: { 'api-version': DEFAULTS.azureApiVersion },
  },
  {
    ...modelCase('azure embedding deployment', azure, 'embedding', { input: 'hi' }, (m) => `${AZURE}/deployments/${m}/embeddings`),
    query: { 'api-version': DEFAULTS.azureApiVersion },
  },
  resourceCase('azure file retrieve', azure, 'file_retrieve', 'file_id', (id) => `${AZURE}/v1/files/${id}`),
  resourceCase('azure batch cancel', azure, 'batch_cancel', 'batch_id', (id) => `${AZURE}/v1/batches/${id}/cancel`),
  resourceCase('anthropic file retrieve', anthropic, 'file_retrieve', 'file_id', (id) => `${ANTHROPIC}/files/${id}`),
  resourceCase('anthropic file content', anthropic, 'file_content', 'file_id', (id) => `${ANTHROPIC}/files/${id}/content`),
  resourceCase('anthropic file delete', anthropic, 'file_delete', 'file_id', (id) => `${ANTHROPIC}/files/${id}`),
  resourceCase('anthropic batch retrieve', anthropic, 'batch_retrieve', 'batch_id', (id) => `${ANTHROPIC}/messages/batches/${id}`),
  resourceCase('anthropic batch cancel', anthropic, 'batch_cancel', 'batch_id', (id) => `${ANTHROPIC}/messages/batches/${id}/cancel`),
  resourceCase('anthropic batch results', anthropic, 'batch_results', 'batch_id', (id) => `${ANTHROPIC}/messages/batches/${id}/results`),
  modelCase('gemini chat model', gemini, 'chat', USER_MESSAGES, (m) => `${GEMINI}/v1beta/models/${m}:generateContent`),
  {
    ...modelCase('gemini streamed chat model', gemini, 'chat', USER_MESSAGES, (m) => `${GEMINI}/v1beta/models/${m}:streamGenerateContent`, { stream: true }),
    query: { alt: 'sse' },
  },
  modelCase('gemini embedding model', gemini, 'embedding', { input: 'hi' }, (m) => `${GEMINI}/v1beta/models/${m}:embedContent`),
  modelCase('gemini batch embedding model', gemini, 'embedding', { input: ['a', 'b'] }, (m) => `${GEMINI}/v1beta/models/${m}:batchEmbedContents`),
  modelCase('gemini count tokens model', gemini, 'count_tokens', USER_MESSAGES, (m) => `${GEMINI}/v1beta/models/${m}:countTokens`),
  modelCase(
    'gemini batch create model',
    gemini,
    'batch_create',
    { requests: [{ custom_id: 'a', body: USER_MESSAGES }] },
    (m) => `${GEMINI}/v1beta/models/${m}:batchGenerateContent`,
  ),
  resourceCase('gemini file retrieve', gemini, 'file_retrieve', 'file_id', (id) => `${GEMINI}/v1beta/files/${id}`),
  resourceCase('gemini file delete', gemini, 'file_delete', 'file_id', (id) => `${GEMINI}/v1beta/files/${id}`),
  {
    ...resourceCase('gemini file content', gemini, 'file_content', 'file_id', (id) => `${GEMINI}/download/v1beta/files/${id}:download`),
    query: { alt: 'media' },
  },
  {
    name: 'gemini file retrieve by resource name (files/…)',
    provider: gemini,
    param: 'file_id',
    call: (value) => gemini.call('file_retrieve', '', { resourceId: `files/${value}` }),
    url: (id) => `${GEMINI}/v1beta/files/${id}`,
  },
  resourceCase('gemini batch retrieve', gemini, 'batch_retrieve', 'batch_id', (id) => `${GEMINI}/v1beta/batches/${id}`),
  resourceCase('gemini batch cancel', gemini, 'batch_cancel', 'batch_id', (id) => `${GEMINI}/v1beta/batches/${id}:cancel`),
  {
    name: 'gemini batch cancel by resource name (batches/…)',
    provider: gemini,
    param: 'batch_id',
    call: (value) => gemini.call('batch_cancel', '', { resourceId: `batches/${value}` }),
    url: (id) => `${GEMINI}/v1beta/batches/${id}:cancel`,
  },
  modelCase('vertex chat model', vertex, 'chat', USER_MESSAGES, (m) => `${VERTEX_LOCATION}/publishers/google/models/${m}:generateContent`),
  modelCase('vertex embedding model', vertex, 'embedding', { input: 'hi' }, (m) => `${VERTEX_LOCATION}/publishers/google/models/${m}:predict`),
  modelCase('bedrock chat model', bedrock, 'chat', USER_MESSAGES, (m) => `https://bedrock-runtime.us-east-1.amazonaws.com/model/${m}/converse`),
  modelCase(
    'bedrock streamed chat model',
    bedrock,
    'chat',
    USER_MESSAGES,
    (m) => `https://bedrock-runtime.us-east-1.amazonaws.com/model/${m}/converse-stream`,
    { stream: true },
  ),
];

function build(c: UrlCase, value: string): BuiltUpstreamRequest {
  return c.provider.adapter.buildRequest(c.call(value));
}

function refusalOf(act: () => unknown): GatewayFailure {
  try {
    act();
  } catch (err) {
    if (err instanceof GatewayFailure) return err;
    throw err;
  }
  throw new Error('expected a GatewayFailure, but the request was built');
}

function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}

describe.each(CASES)('$name', (c) => {
  it.each(ODD_BUT_LEGAL)('%j arrives as the one segment %s, under the provider’s own path, with no query of its own', (value, segment) => {
    const sent = new URL(build(c, value).url);
    expect(`${sent.origin}${sent.pathname}`).toBe(c.url(segment));
    expect(queryOf(sent)).toEqual(c.query ?? {});
    expect(sent.hash).toBe('');
  });

  it.each(NEVER_ISSUED)('refuses %s with a 400 naming the parameter, before anything is sent', (_label, value) => {
    const refused = refusalOf(() => build(c, value));
    expect(refused.status).toBe(400);
    expect(refused.body.is_bifrost_error).toBe(true);
    expect(refused.body.error.param).toBe(c.param);
    // The message never echoes a hostile value back.
    expect(refused.body.error.message.length).toBeLessThan(200);
  });
});

describe('legitimate ids and models', () => {
  it.each([
    ['openai file', build(CASES[0]!, 'file-abc123').url, 'https://api.openai.com/v1/files/file-abc123'],
    [
      'gemini model',
      gemini.adapter.buildRequest(gemini.call('chat', 'gemini-2.5-flash', { body: USER_MESSAGES })).url,
      `${GEMINI}/v1beta/models/gemini-2.5-flash:generateContent`,
    ],
    [
      'gemini model written models/…',
      gemini.adapter.buildRequest(gemini.call('chat', 'models/gemini-2.5-flash', { body: USER_MESSAGES })).url,
      `${GEMINI}/v1beta/models/gemini-2.5-flash:generateContent`,
    ],
    ['gemini file name', gemini.adapter.buildRequest(gemini.call('file_retrieve', '', { resourceId: 'files/abc-123' })).url, `${GEMINI}/v1beta/files/abc-123`],
    [
      'vertex claude model version (@ stays literal)',
      vertex.adapter.buildRequest(vertex.call('chat', 'claude-sonnet-4-5@20250929', { body: USER_MESSAGES })).url,
      `${VERTEX_LOCATION}/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`,
    ],
    [
      'vertex endpoint id',
      vertex.adapter.buildRequest(vertex.call('chat', 'tuned', { body: USER_MESSAGES })).url,
      `${VERTEX_LOCATION}/endpoints/1234567890:generateContent`,
    ],
    [
      'bedrock model id (":" encoded, as AWS SDKs send it)',
      bedrock.adapter.buildRequest(bedrock.call('chat', 'anthropic.claude-3-haiku-20240307-v1:0', { body: USER_MESSAGES })).url,
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
    ],
    [
      'azure deployment with the api-version',
      azure.adapter.buildRequest(azure.call('chat', 'gpt-4o', { body: USER_MESSAGES })).url,
      `${AZURE}/deployments/gpt-4o/chat/completions?api-version=${DEFAULTS.azureApiVersion}`,
    ],
  ])('%s is sent as before', (_name, url, expected) => {
    expect(url).toBe(expected);
  });

  it(`takes an id of exactly ${MAX_PATH_SEGMENT_LENGTH} characters and refuses one more`, () => {
    const longest = 'f'.repeat(MAX_PATH_SEGMENT_LENGTH);
    expect(build(CASES[0]!, longest).url).toBe(`${OPENAI}/files/${longest}`);
    expect(refusalOf(() => build(CASES[0]!, `${longest}f`)).status).toBe(400);
  });

  it('keeps the caller’s list query on responses input items, after Azure’s api-version', () => {
    const call = azure.call('responses_input_items', 'gpt-4o', { resourceId: 'resp_1', query: new URLSearchParams({ after: 'item_1', limit: '5' }) });
    expect(azure.adapter.buildRequest(call).url).toBe(`${AZURE}/v1/responses/resp_1/input_items?after=item_1&limit=5`);
    const onOpenAI = openai.call('responses_input_items', '', { resourceId: 'resp_1', query: new URLSearchParams({ after: 'item_1' }) });
    expect(openai.adapter.buildRequest(onOpenAI).url).toBe(`${OPENAI}/responses/resp_1/input_items?after=item_1`);
  });
});

describe('Claude on Vertex', () => {
  it('puts a hostile claude model in one segment under the Anthropic publisher', () => {
    const sent = new URL(vertex.adapter.buildRequest(vertex.call('chat', 'claude-x/../../y?key=a#', { body: USER_MESSAGES })).url);
    expect(sent.pathname).toBe('/v1/projects/iris-test/locations/us-central1/publishers/anthropic/models/claude-x%2F..%2F..%2Fy%3Fkey%3Da%23:rawPredict');
    expect(sent.search).toBe('');
  });

  it('refuses a claude model with control characters', () => {
    expect(refusalOf(() => vertex.adapter.buildRequest(vertex.call('chat', 'claude\r\nx', { body: USER_MESSAGES }))).body.error.param).toBe('model');
  });
});

describe('ids a provider answered with, fed to the next request of a chain', () => {
  const openaiResults = openai.adapter.buildRequest(openai.call('batch_results', '', { resourceId: 'batch_1' }));
  const geminiResults = gemini.adapter.buildRequest(gemini.call('batch_results', '', { resourceId: 'batch-1' }));

  function nextOf(request: BuiltUpstreamRequest, answer: { headers?: Record<string, string>; body: unknown }): BuiltUpstreamRequest | undefined {
    if (!request.next) throw new Error('expected a chained request');
    return request.next({ headers: answer.headers ?? {}, body: answer.body });
  }

  it.each(ODD_BUT_LEGAL)('an OpenAI output_file_id %j is one segment of the results download', (value, segment) => {
    const next = nextOf(openaiResults, { body: { status: 'completed', output_file_id: value } });
    const sent = new URL(next!.url);
    expect(sent.pathname).toBe(`/v1/files/${segment}/content`);
    expect(sent.search).toBe('');
  });

  it.each(ODD_BUT_LEGAL)('a Gemini responsesFile files/%j is one segment of the results download', (value, segment) => {
    const next = nextOf(geminiResults, { body: { name: 'batches/batch-1', done: true, response: { responsesFile: `files/${value}` } } });
    const sent = new URL(next!.url);
    expect(sent.pathname).toBe(`/download/v1beta/files/${segment}:download`);
    expect(queryOf(sent)).toEqual({ alt: 'media' });
  });

  it.each(NEVER_ISSUED.filter(([label]) => label !== 'empty'))('an answered id that is %s is the provider’s fault: 502, nothing requested', (_label, value) => {
    expect(refusalOf(() => nextOf(openaiResults, { body: { status: 'completed', output_file_id: value } })).status).toBe(502);
    expect(refusalOf(() => nextOf(geminiResults, { body: { done: true, response: { responsesFile: `files/${value}` } } })).status).toBe(502);
  });

  it('follows Gemini’s resumable upload URL only when it is an http(s) URL', () => {
    const upload = { path: '/nonexistent/iris-upload', filename: 'a.txt', contentType: 'text/plain', bytes: 1 };
    const start = gemini.adapter.buildRequest(gemini.call('file_upload', '', { upload }));
    const uploadUrl = `${GEMINI}/upload/v1beta/files?upload_id=abc`;
    const finalize = nextOf(start, { headers: { 'x-goog-upload-url': uploadUrl }, body: {} });
    expect(finalize!.url).toBe(uploadUrl);
    finalize!.streamBody?.destroy();
    for (const bad of ['javascript:alert(1)', '/relative/path', 'file:///etc/passwd', `${GEMINI}/x\r\nHost: evil`]) {
      expect(refusalOf(() => nextOf(start, { headers: { 'x-goog-upload-url': bad }, body: {} })).status).toBe(502);
    }
  });
});
