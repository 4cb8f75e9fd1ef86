/**
 * The Vercel `ai` SDK (v6) with `@ai-sdk/openai` pointed at Iris's `/v1`: chat completions, the
 * Responses API and embeddings, with OpenAI replaced by a mock replaying recorded responses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAI } from '@ai-sdk/openai';
import type { OpenAIProvider } from '@ai-sdk/openai';
import { embed, embedMany, generateText, jsonSchema, streamText, tool } from 'ai';
import { replyFixtureJson, replyFixtureSse, replyJson } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { UPSTREAM_KEYS, fixtureMessage, jsonBodyOf, onlyRequestTo, replayChat, startE2EGateway } from './harness.js';
import type { E2EGateway } from './harness.js';

const CHAT_TEXT = 'openai/chat/openai-text.json';
const CHAT_TOOL_STREAM = 'openai/chat/issue-15789-step-1.chunks.txt';
const RESPONSE_JSON = 'openai/responses/openai-pdf-input-file.1.json';
const RESPONSE_STREAM = 'openai/responses/openai-pdf-input-file.1.chunks.txt';

const VECTORS: readonly number[][] = [
  [0.5, -0.25, 0.125, 3.75],
  [-1.5, 0, 1, 2.25],
];

const weatherTool = tool({
  description: 'Current weather for a location',
  inputSchema: jsonSchema<{ location?: string }>({ type: 'object', properties: { location: { type: 'string' } } }),
});

let env: E2EGateway;
let mock: MockUpstream;
let provider: OpenAIProvider;

beforeAll(async () => {
  env = await startE2EGateway(['openai']);
  mock = env.mock('openai');
  provider = createOpenAI({ baseURL: `${env.url}/v1`, apiKey: 'x' });
});

afterEach(() => env.resetMocks());

afterAll(async () => {
  await env?.close();
});

/** Collects stream errors the AI SDK would otherwise only log. */
function errorSink(): { errors: unknown[]; onError: (event: { error: unknown }) => void } {
  const errors: unknown[] = [];
  return { errors, onError: ({ error }) => void errors.push(error) };
}

describe('ai SDK chat completions (provider.chat) on /v1', () => {
  it('generateText returns the recorded text, finish reason and usage', async () => {
    replayChat(mock, '/v1/chat/completions', { json: CHAT_TEXT });

    const result = await generateText({
      model: provider.chat('openai/gpt-4o-mini'),
      prompt: 'Invent a new holiday and describe its traditions.',
      maxRetries: 0,
    });

    expect(result.text).toBe(fixtureMessage(CHAT_TEXT)['content']);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(16);
    expect(result.usage.outputTokens).toBe(363);
    const upstream = onlyRequestTo(mock, '/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
    expect(jsonBodyOf(upstream)['model']).toBe('gpt-4o-mini');
  });

  it('streamText yields the text, the tool call and the usage of the recorded stream', async () => {
    replayChat(mock, '/v1/chat/completions', { chunks: CHAT_TOOL_STREAM });
    const sink = errorSink();

    const result = streamText({
      model: provider.chat('openai/gpt-4o-mini'),
      prompt: 'What is the weather?',
      tools: { weather: weatherTool },
      maxRetries: 0,
      onError: sink.onError,
    });

    expect(await result.text).toBe('PRE_TOOL');
    const toolCalls = await result.toolCalls;
    expect(toolCalls.map((c) => ({ id: c.toolCallId, name: c.toolName, input: c.input }))).toEqual([
      { id: 'call_NZa7xqfefoaMI2YYHowVXVlU', name: 'weather', input: {} },
    ]);
    expect(await result.finishReason).toBe('tool-calls');
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(58);
    expect(usage.outputTokens).toBe(12);
    expect(sink.errors).toEqual([]);
    const sent = jsonBodyOf(onlyRequestTo(mock, '/v1/chat/completions'));
    expect(sent['model']).toBe('gpt-4o-mini');
    expect(sent['stream']).toBe(true);
  });
});

describe('ai SDK Responses API on /v1', () => {
  it('generateText with provider.responses returns the recorded output text and usage', async () => {
    mock.on('POST', '/v1/responses', (_req, res) => replyFixtureJson(res, RESPONSE_JSON));

    const result = await generateText({
      model: provider.responses('openai/gpt-4.1-nano'),
      prompt: 'What is in this PDF?',
      maxRetries: 0,
    });

    expect(result.text).toBe('Dummy PDF file');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(44);
    expect(result.usage.outputTokens).toBe(4);
    expect(jsonBodyOf(onlyRequestTo(mock, '/v1/responses'))['model']).toBe('gpt-4.1-nano');
  });

  it('streamText with provider.responses assembles the named-event stream', async () => {
    mock.on('POST', '/v1/responses', (_req, res) => replyFixtureSse(res, RESPONSE_STREAM, 'named-events'));
    const sink = errorSink();

    const result = streamText({
      model: provider.responses('openai/gpt-4.1-nano'),
      prompt: 'What is in this PDF?',
      maxRetries: 0,
      onError: sink.onError,
    });

    expect(await result.text).toBe('Dummy PDF file');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBe(4);
    expect(sink.errors).toEqual([]);
    expect(jsonBodyOf(onlyRequestTo(mock, '/v1/responses'))['stream']).toBe(true);
  });

  it('the default provider model uses the Responses API through Iris', async () => {
    mock.on('POST', '/v1/responses', (_req, res) => replyFixtureJson(res, RESPONSE_JSON));

    const result = await generateText({ model: provider('openai/gpt-4.1-nano'), prompt: 'What is in this PDF?', maxRetries: 0 });

    expect(result.text).toBe('Dummy PDF file');
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses']);
  });
});

describe('ai SDK embeddings (provider.embedding) on /v1', () => {
  function serveEmbeddings(): void {
    mock.on('POST', '/v1/embeddings', (req, res) => {
      const inputs = jsonBodyOf(req)['input'];
      const count = Array.isArray(inputs) ? inputs.length : 1;
      replyJson(res, 200, {
        object: 'list',
        data: VECTORS.slice(0, count).map((embedding, index) => ({ object: 'embedding', index, embedding })),
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2 * count, total_tokens: 2 * count },
      });
    });
  }

  it('embed returns the upstream vector', async () => {
    serveEmbeddings();

    const result = await embed({
      model: provider.embedding('openai/text-embedding-3-small'),
      value: 'one',
      maxRetries: 0,
    });

    expect(result.embedding).toEqual(VECTORS[0]);
    expect(result.usage.tokens).toBe(2);
    const sent = jsonBodyOf(onlyRequestTo(mock, '/v1/embeddings'));
    expect(sent['model']).toBe('text-embedding-3-small');
    expect(sent['input']).toEqual(['one']);
  });

  it('embedMany returns one upstream vector per value, in order', async () => {
    serveEmbeddings();

    const result = await embedMany({
      model: provider.embedding('openai/text-embedding-3-small'),
      values: ['one', 'two'],
      maxRetries: 0,
    });

    expect(result.embeddings).toEqual(VECTORS);
    expect(jsonBodyOf(onlyRequestTo(mock, '/v1/embeddings'))['input']).toEqual(['one', 'two']);
  });
});
