/**
 * Shared setup for the end-to-end tests: one mock upstream per provider on 127.0.0.1, and a real
 * Iris gateway whose config points every provider at its mock. Tests drive the gateway with the
 * real client SDKs and then look at what the mock received.
 */
import type { ServerResponse } from 'node:http';
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

import type { RunningGateway } from '../../src/index.js';
import { readJsonBody } from '../support/fixtures.js';
import { replyFixtureJson, replyFixtureSse, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

export type E2EProvider = 'openai' | 'azure' | 'groq' | 'xai' | 'mistral' | 'deepseek' | 'perplexity';

/** The API key configured for each provider; the mock checks it arrives upstream. */
export const UPSTREAM_KEYS: Readonly<Record<E2EProvider, string>> = {
  openai: 'sk-openai-e2e-key',
  azure: 'azure-e2e-key',
  groq: 'gsk-groq-e2e-key',
  xai: 'xai-e2e-key',
  mistral: 'mistral-e2e-key',
  deepseek: 'sk-deepseek-e2e-key',
  perplexity: 'pplx-e2e-key',
};

export const AZURE_API_VERSION = '2024-10-21';

/** Azure key deployments: model name → deployment name (they differ on purpose). */
export const AZURE_DEPLOYMENTS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-eastus',
};

/** The official AzureOpenAI client pointed at a gateway's `/openai` (its key is the client's own, never forwarded). */
export function azureClientFor(gatewayUrl: string, options: { deployment?: string } = {}): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: `${gatewayUrl}/openai`,
    apiKey: 'azure-client-key-not-forwarded',
    apiVersion: '2025-01-01-preview',
    maxRetries: 0,
    timeout: 10_000,
    ...options,
  });
}

/** Path each OpenAI-family provider serves chat completions at, under its base URL. */
export const CHAT_PATHS: Readonly<Record<Exclude<E2EProvider, 'azure'>, string>> = {
  openai: '/v1/chat/completions',
  groq: '/v1/chat/completions',
  xai: '/v1/chat/completions',
  mistral: '/v1/chat/completions',
  deepseek: '/v1/chat/completions',
  perplexity: '/chat/completions',
};

export interface E2EGateway {
  /** Gateway origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly gateway: RunningGateway;
  /** The mock standing in for one provider. */
  mock(provider: E2EProvider): MockUpstream;
  /** Forget every mock's routes and recorded requests. */
  resetMocks(): void;
  close(): Promise<void>;
}

/** Starts one mock per provider and a gateway configured for all of them. */
export async function startE2EGateway(providers: readonly E2EProvider[]): Promise<E2EGateway> {
  const mocks = new Map<E2EProvider, MockUpstream>();
  try {
    for (const provider of providers) mocks.set(provider, await startMockUpstream());
    const gateway = await startTestGateway({ providers: Object.fromEntries([...mocks].map(([name, mock]) => [name, providerConfig(name, mock.url)])) });
    return {
      url: gateway.url,
      gateway,
      mock(provider) {
        const mock = mocks.get(provider);
        if (!mock) throw new Error(`no mock started for provider ${provider}`);
        return mock;
      },
      resetMocks() {
        for (const mock of mocks.values()) mock.reset();
      },
      async close() {
        await gateway.close();
        await closeAll(mocks.values());
      },
    };
  } catch (err) {
    await closeAll(mocks.values());
    throw err;
  }
}

async function closeAll(mocks: Iterable<MockUpstream>): Promise<void> {
  await Promise.all([...mocks].map((mock) => mock.close()));
}

function providerConfig(provider: E2EProvider, mockUrl: string): Record<string, unknown> {
  const key = { name: `${provider}-e2e`, value: UPSTREAM_KEYS[provider], models: ['*'], weight: 1 };
  if (provider === 'azure') {
    return {
      keys: [
        {
          ...key,
          azure_key_config: { endpoint: mockUrl, deployments: AZURE_DEPLOYMENTS, api_version: AZURE_API_VERSION },
        },
      ],
    };
  }
  return { keys: [key], network_config: { base_url: mockUrl } };
}

/** An OpenAI SDK client on the gateway; SDK retries are off so failures surface at once. */
export function openAIClient(baseURL: string): OpenAI {
  return new OpenAI({ baseURL, apiKey: 'sk-client-key-not-forwarded', maxRetries: 0, timeout: 10_000 });
}

/** Chat completions route that answers a JSON fixture, or an SSE fixture when the request streams. */
export function replayChat(mock: MockUpstream, path: string, fixtures: { json?: string; chunks?: string }): void {
  mock.on('POST', path, (req, res) => replayJsonOrStream(req, res, fixtures));
}

function replayJsonOrStream(req: RecordedRequest, res: ServerResponse, fixtures: { json?: string; chunks?: string }): void | Promise<void> {
  const streaming = isRecord(req.json) && req.json['stream'] === true;
  const fixture = streaming ? fixtures.chunks : fixtures.json;
  if (fixture === undefined) throw new Error(`no ${streaming ? 'stream' : 'JSON'} fixture for ${req.path}`);
  return streaming ? replyFixtureSse(res, fixture, 'openai') : replyFixtureJson(res, fixture);
}

export interface AssembledToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What a caller rebuilds from a chat completion stream. */
export interface AssembledChatStream {
  chunks: ChatCompletionChunk[];
  text: string;
  /** Concatenated `delta.reasoning` (Iris's canonical reasoning field). */
  reasoning: string;
  /** Tool calls by index: first id and name seen, arguments concatenated. */
  toolCalls: AssembledToolCall[];
  finishReasons: string[];
  /** Usage of the last chunk that carried one. */
  usage: CompletionUsage | undefined;
}

/** Reads a chat completion stream to the end and reassembles it the way SDK users do. */
export async function collectChatStream(stream: AsyncIterable<ChatCompletionChunk>): Promise<AssembledChatStream> {
  const out: AssembledChatStream = { chunks: [], text: '', reasoning: '', toolCalls: [], finishReasons: [], usage: undefined };
  for await (const chunk of stream) {
    out.chunks.push(chunk);
    if (chunk.usage) out.usage = chunk.usage;
    for (const choice of chunk.choices) {
      out.text += choice.delta.content ?? '';
      const reasoning = asRecord(choice.delta, 'delta')['reasoning'];
      if (typeof reasoning === 'string') out.reasoning += reasoning;
      if (choice.finish_reason) out.finishReasons.push(choice.finish_reason);
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = (out.toolCalls[delta.index] ??= { id: '', name: '', arguments: '' });
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
      }
    }
  }
  return out;
}

/** The `extra_fields` Iris adds to a response or chunk the SDK typed without it. */
export function extraFieldsOf(value: unknown): Record<string, unknown> {
  return asRecord(asRecord(value, 'response')['extra_fields'], 'extra_fields');
}

/** The first choice's message of a recorded chat completion fixture. */
export function fixtureMessage(rel: string): Record<string, unknown> {
  const choices = asRecord(readJsonBody(rel), rel)['choices'];
  if (!Array.isArray(choices)) throw new Error(`${rel} has no choices`);
  return asRecord(asRecord(choices[0], `${rel} choices[0]`)['message'], `${rel} message`);
}

/** The single request a mock received on a path; fails the test when there is not exactly one. */
export function onlyRequestTo(mock: MockUpstream, path: string, method = 'POST'): RecordedRequest {
  const matching = mock.requests.filter((r) => r.path === path && r.method === method);
  if (matching.length !== 1) {
    const seen = mock.requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing';
    throw new Error(`expected exactly one ${method} ${path} upstream, saw: ${seen}`);
  }
  return matching[0]!;
}

/** The JSON body a mock received, as an object. */
export function jsonBodyOf(req: RecordedRequest): Record<string, unknown> {
  if (!isRecord(req.json)) throw new Error(`upstream ${req.method} ${req.path} body is not a JSON object: ${req.bodyText.slice(0, 200)}`);
  return req.json;
}

/** Narrows a value the SDK typed without gateway fields (extra_fields, reasoning) to a plain object. */
export function asRecord(value: unknown, what = 'value'): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what} is not an object: ${JSON.stringify(value)?.slice(0, 200)}`);
  return value;
}

/** A plain HTTP POST to the gateway returning status and parsed JSON body (for raw-body checks). */
export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-not-forwarded' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: asRecord(await res.json(), `body of POST ${url}`) };
}

/** A float32 vector encoded the way OpenAI encodes base64 embeddings (little-endian float32). */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
