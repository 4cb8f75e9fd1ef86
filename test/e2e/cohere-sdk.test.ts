/**
 * The official `cohere-ai` SDK (CohereClientV2) against Iris's `/cohere` surface, served by an OpenAI
 * mock replaying OpenAI recordings (text, stream, tool round trips, images, JSON, embeddings, errors),
 * by a DeepSeek mock replaying DeepSeek reasoning recordings and by a Cohere mock; the OpenAI SDK on `/v1` with `cohere/...` models against the Cohere mock
 * replaying Cohere recordings; and `/v1/rerank` in Bifrost's shape.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CohereClientV2, CohereError } from 'cohere-ai';
import type OpenAI from 'openai';
import type { RunningGateway } from '../../src/index.js';

import { readVcr } from '../support/fixtures.js';
import { replyFixtureJson, replyFixtureSse, replyJson, startMockUpstream, type MockUpstream, type RecordedRequest } from '../support/mock-upstream.js';
import { asRecord, collectChatStream, extraFieldsOf, fixtureMessage, float32Base64, jsonBodyOf, onlyRequestTo, openAIClient, postJson } from './harness.js';
import { startTestGateway } from '../support/test-gateway.js';

const OPENAI_KEY = 'sk-openai-e2e-key';
const COHERE_KEY = 'cohere-e2e-key';
const DEEPSEEK_KEY = 'sk-deepseek-e2e-key';
const COHERE_MODEL = 'command-a-03-2025';

const OPENAI_TEXT = 'openai/chat/openai-text.json';
const OPENAI_TOOL_STREAM = 'openai/chat/issue-15789-step-1.chunks.txt';
const OPENAI_AFTER_TOOL_STREAM = 'openai/chat/issue-15789-step-2.chunks.txt';
const OPENAI_TOOL_ROUND_TRIP = 'openai/chat/pydantic-ai/test_openai_native_output.yaml';
const OPENAI_IMAGE_TOOL = 'openai/chat/pydantic-ai/test_image_url_tool_response.yaml';
const DEEPSEEK_REASONING = 'deepseek/deepseek-reasoning.json';
const DEEPSEEK_TOOL_STREAM = 'deepseek/deepseek-tool-call.chunks.txt';
/** The reasoning_content deltas of DEEPSEEK_TOOL_STREAM, joined. */
const DEEPSEEK_STREAMED_REASONING =
  'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. ' +
  'Let me invoke the weather tool with the location parameter set to "San Francisco".';

/** Float32-exact values, so float and base64 encodings carry the very same numbers. */
const VECTORS: readonly number[][] = [
  [0.5, -0.25, Math.fround(0.1), 3.75],
  [Math.fround(-0.333), 0, 1, Math.fround(2.2)],
];

/** A `/v2/rerank` answer as Cohere gives it (docs example shape: ranked, scores, search units). */
const COHERE_RERANK_BODY = {
  id: '07734bd2-2473-4f07-94e1-0d9f0e6843cf',
  results: [
    { index: 2, relevance_score: 0.999071 },
    { index: 1, relevance_score: 0.7867867 },
    { index: 0, relevance_score: 0.32713068 },
  ],
  meta: { api_version: { version: '2', is_experimental: false }, billed_units: { search_units: 1 } },
};
const RERANK_DOCUMENTS = [
  'Carson City is the capital city of the American state of Nevada.',
  'The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.',
  'Washington, D.C. is the capital of the United States. It is a federal district.',
];

let gateway: RunningGateway;
let openaiMock: MockUpstream;
let cohereMock: MockUpstream;
let deepseekMock: MockUpstream;
let cohereClient: CohereClientV2;
let openai: OpenAI;

beforeAll(async () => {
  openaiMock = await startMockUpstream();
  cohereMock = await startMockUpstream();
  deepseekMock = await startMockUpstream();
  gateway = await startTestGateway({
    providers: {
      openai: { keys: [{ name: 'openai-e2e', value: OPENAI_KEY, models: ['*'], weight: 1 }], network_config: { base_url: openaiMock.url } },
      cohere: { keys: [{ name: 'cohere-e2e', value: COHERE_KEY, models: ['*'], weight: 1 }], network_config: { base_url: cohereMock.url } },
      deepseek: { keys: [{ name: 'deepseek-e2e', value: DEEPSEEK_KEY, models: ['*'], weight: 1 }], network_config: { base_url: deepseekMock.url } },
    },
  });
  cohereClient = new CohereClientV2({ token: 'co-client-key-not-forwarded', environment: `${gateway.url}/cohere`, maxRetries: 0, timeoutInSeconds: 10 });
  openai = openAIClient(`${gateway.url}/v1`);
});

afterEach(() => {
  openaiMock.reset();
  cohereMock.reset();
  deepseekMock.reset();
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([openaiMock?.close(), cohereMock?.close(), deepseekMock?.close()]);
});

/** Replays a two-turn OpenAI cassette: the first answer until the request carries a tool result. */
function replayToolRoundTrip(cassette: string): void {
  const [first, second] = readVcr(cassette).interactions;
  openaiMock.on('POST', '/v1/chat/completions', (req, res) => {
    const messages = jsonBodyOf(req)['messages'] as Record<string, unknown>[];
    replyJson(res, 200, messages.some((m) => m['role'] === 'tool') ? second!.response.parsedBody : first!.response.parsedBody);
  });
}

function replayCohereChat(fixtures: { json?: string; chunks?: string }): void {
  cohereMock.on('POST', '/v2/chat', (req: RecordedRequest, res: ServerResponse) => {
    const streaming = jsonBodyOf(req)['stream'] === true;
    const fixture = streaming ? fixtures.chunks : fixtures.json;
    if (!fixture) throw new Error(`no ${streaming ? 'stream' : 'JSON'} fixture for this test`);
    return streaming ? replyFixtureSse(res, fixture, 'named-events') : replyFixtureJson(res, fixture);
  });
}

interface CollectedCohereStream {
  types: string[];
  text: string;
  thinking: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  end: Record<string, unknown>;
}

/** Walks a Cohere SDK stream the way its users do. */
async function collectCohereStream(stream: AsyncIterable<unknown>): Promise<CollectedCohereStream> {
  const out: CollectedCohereStream = { types: [], text: '', thinking: '', toolCalls: [], end: {} };
  for await (const raw of stream) {
    const event = asRecord(raw, 'event');
    const type = String(event['type']);
    out.types.push(type);
    const message = asRecord(asRecord(event['delta'] ?? {}, 'delta')['message'] ?? {}, 'message');
    if (type === 'content-delta') {
      const content = asRecord(message['content'], 'content');
      out.text += typeof content['text'] === 'string' ? content['text'] : '';
      out.thinking += typeof content['thinking'] === 'string' ? content['thinking'] : '';
    }
    if (type === 'tool-call-start') {
      const call = asRecord(message['toolCalls'], 'toolCalls');
      const fn = asRecord(call['function'], 'function');
      out.toolCalls[Number(event['index'])] = { id: String(call['id']), name: String(fn['name']), arguments: String(fn['arguments'] ?? '') };
    }
    if (type === 'tool-call-delta') {
      const fn = asRecord(asRecord(message['toolCalls'], 'toolCalls')['function'], 'function');
      out.toolCalls[Number(event['index'])]!.arguments += String(fn['arguments']);
    }
    if (type === 'message-end') out.end = asRecord(event['delta'], 'delta');
  }
  return out;
}

describe('Cohere SDK on /cohere, served by OpenAI', () => {
  it('chat: the recorded answer, COMPLETE and the usage, from a Cohere request mapped onto OpenAI', async () => {
    openaiMock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, OPENAI_TEXT));

    const response = await cohereClient.chat({
      model: 'openai/gpt-4o',
      messages: [
        { role: 'system', content: 'Be inventive.' },
        { role: 'user', content: 'Invent a new holiday and describe its traditions.' },
      ],
      maxTokens: 400,
      temperature: 0.7,
      p: 0.9,
      stopSequences: ['THE END'],
      seed: 42,
    });

    expect(response.message.content).toEqual([{ type: 'text', text: fixtureMessage(OPENAI_TEXT)['content'] }]);
    expect(response.finishReason).toBe('COMPLETE');
    expect(response.usage?.tokens).toEqual({ inputTokens: 16, outputTokens: 363 });
    const upstream = onlyRequestTo(openaiMock, '/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(jsonBodyOf(upstream)).toMatchObject({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be inventive.' },
        { role: 'user', content: 'Invent a new holiday and describe its traditions.' },
      ],
      max_tokens: 400,
      temperature: 0.7,
      top_p: 0.9,
      stop: ['THE END'],
      seed: 42,
    });
  });

  it('chatStream: Cohere events in order, the text, COMPLETE and the usage', async () => {
    openaiMock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureSse(res, OPENAI_AFTER_TOOL_STREAM, 'openai'));

    const stream = await cohereClient.chatStream({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Say POST_TOOL' }] });
    const collected = await collectCohereStream(stream);

    expect(collected.types).toEqual(['message-start', 'content-start', 'content-delta', 'content-delta', 'content-end', 'message-end']);
    expect(collected.text).toBe('POST_TOOL');
    expect(collected.end).toMatchObject({ finishReason: 'COMPLETE', usage: { tokens: { inputTokens: 86, outputTokens: 2 } } });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/chat/completions'))).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('tool round trip with JSON output: call → tool result → the final JSON answer', async () => {
    replayToolRoundTrip(OPENAI_TOOL_ROUND_TRIP);
    const schema = { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'] };
    const tools = [{ type: 'function' as const, function: { name: 'get_user_country', description: '', parameters: { type: 'object', properties: {} } } }];
    const question = { role: 'user' as const, content: 'What is the largest city in the user country?' };

    const first = await cohereClient.chat({ model: 'openai/gpt-4o', messages: [question], tools, responseFormat: { type: 'json_object', jsonSchema: schema } });

    expect(first.finishReason).toBe('TOOL_CALL');
    expect(first.message.toolCalls).toEqual([
      { id: 'call_PkRGedQNRFUzJp2R7dO7avWR', type: 'function', function: { name: 'get_user_country', arguments: '{}' } },
    ]);

    const call = first.message.toolCalls![0]!;
    const second = await cohereClient.chat({
      model: 'openai/gpt-4o',
      messages: [question, { role: 'assistant', toolCalls: first.message.toolCalls }, { role: 'tool', toolCallId: call.id, content: 'Mexico' }],
      tools,
      responseFormat: { type: 'json_object', jsonSchema: schema },
    });

    expect(second.finishReason).toBe('COMPLETE');
    expect(JSON.parse(second.message.content![0]!.type === 'text' ? (second.message.content![0] as { text: string }).text : '')).toEqual({
      city: 'Mexico City',
      country: 'Mexico',
    });
    const upstream = openaiMock.requests.map((r) => jsonBodyOf(r));
    expect(upstream[0]).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_user_country' } }],
      response_format: { type: 'json_schema', json_schema: { schema } },
    });
    expect(upstream[1]!['messages']).toEqual([
      { role: 'user', content: 'What is the largest city in the user country?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_PkRGedQNRFUzJp2R7dO7avWR', type: 'function', function: { name: 'get_user_country', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_PkRGedQNRFUzJp2R7dO7avWR', content: 'Mexico' },
    ]);
  });

  it('streamed tool round trip: tool-call events with the arguments, then the answer after the result', async () => {
    openaiMock.on('POST', '/v1/chat/completions', (req, res) => {
      const messages = jsonBodyOf(req)['messages'] as Record<string, unknown>[];
      return replyFixtureSse(res, messages.some((m) => m['role'] === 'tool') ? OPENAI_AFTER_TOOL_STREAM : OPENAI_TOOL_STREAM, 'openai');
    });
    const tools = [{ type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: {} } } }];

    const first = await collectCohereStream(
      await cohereClient.chatStream({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Weather?' }], tools }),
    );

    expect(first.types).toEqual([
      'message-start',
      'content-start',
      'content-delta',
      'content-delta',
      'content-end',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'message-end',
    ]);
    expect(first.text).toBe('PRE_TOOL');
    expect(first.toolCalls).toEqual([{ id: 'call_NZa7xqfefoaMI2YYHowVXVlU', name: 'weather', arguments: '{}' }]);
    expect(first.end).toMatchObject({ finishReason: 'TOOL_CALL', usage: { tokens: { inputTokens: 58, outputTokens: 12 } } });

    const call = first.toolCalls[0]!;
    const second = await collectCohereStream(
      await cohereClient.chatStream({
        model: 'openai/gpt-4o',
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: first.text, toolCalls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] },
          { role: 'tool', toolCallId: call.id, content: [{ type: 'text', text: 'sunny' }] },
        ],
        tools,
      }),
    );

    expect(second.text).toBe('POST_TOOL');
    expect(jsonBodyOf(openaiMock.requests[1]!)['messages']).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'PRE_TOOL',
        tool_calls: [{ id: 'call_NZa7xqfefoaMI2YYHowVXVlU', type: 'function', function: { name: 'weather', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_NZa7xqfefoaMI2YYHowVXVlU', content: [{ type: 'text', text: 'sunny' }] },
    ]);
  });

  it('sends an image the user attached on to OpenAI as an image_url part', async () => {
    const [, withImage] = readVcr(OPENAI_IMAGE_TOOL).interactions;
    openaiMock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, withImage!.response.parsedBody));
    const url = 'https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg';

    const response = await cohereClient.chat({
      model: 'openai/gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What food is this?' },
            { type: 'image_url', imageUrl: { url, detail: 'low' } },
          ],
        },
      ],
    });

    expect(response.message.content).toEqual([{ type: 'text', text: 'The image shows a potato.' }]);
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/chat/completions'))['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What food is this?' },
          { type: 'image_url', image_url: { url, detail: 'low' } },
        ],
      },
    ]);
  });

  it('embed: float and base64 embeddings of the texts, from OpenAI embeddings', async () => {
    openaiMock.on('POST', '/v1/embeddings', (_req, res) =>
      replyJson(res, 200, {
        object: 'list',
        data: VECTORS.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      }),
    );

    const result = await cohereClient.embed({
      model: 'openai/text-embedding-3-small',
      texts: ['hello', 'goodbye'],
      inputType: 'search_query',
      embeddingTypes: ['float', 'base64'],
    });

    expect(result.embeddings.float).toEqual(VECTORS);
    expect(result.embeddings.base64).toEqual(VECTORS.map(float32Base64));
    expect(result.texts).toEqual(['hello', 'goodbye']);
    expect(result.meta?.billedUnits?.inputTokens).toBe(4);
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/embeddings'))).toEqual({
      model: 'text-embedding-3-small',
      input: ['hello', 'goodbye'],
      encoding_format: 'float',
    });
  });

  it('an upstream error reaches the SDK with its status and OpenAI message, in Cohere shape', async () => {
    openaiMock.on('POST', '/v1/chat/completions', (_req, res) =>
      replyJson(res, 401, {
        error: { message: 'Incorrect API key provided: sk-openai***', type: 'invalid_request_error', code: 'invalid_api_key', param: null },
      }),
    );

    const failure = await cohereClient.chat({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(CohereError);
    expect((failure as CohereError).statusCode).toBe(401);
    expect(asRecord((failure as CohereError).body, 'error body')['message']).toBe('Incorrect API key provided: sk-openai***');
  });

  it('a stream that breaks midway ends with message-end carrying the error, after the text so far', async () => {
    openaiMock.on('POST', '/v1/chat/completions', (_req, res) =>
      replyFixtureSse(res, OPENAI_AFTER_TOOL_STREAM, 'openai', { chunkDelayMs: 30, destroyAfterPieces: 3 }),
    );

    const collected = await collectCohereStream(
      await cohereClient.chatStream({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Say POST_TOOL' }] }),
    );

    expect(collected.text).toMatch(/^POST/);
    expect(collected.types.slice(-2)).toEqual(['content-end', 'message-end']);
    expect(collected.end).toMatchObject({ finishReason: 'ERROR', error: expect.any(String) });
  });

  it('refuses a Cohere-only feature (documents) for an OpenAI model with a 400 naming it', async () => {
    const failure = await cohereClient
      .chat({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Summarise' }], documents: ['AI automates tasks.'] })
      .catch((err: unknown) => err);

    expect((failure as CohereError).statusCode).toBe(400);
    expect(String(asRecord((failure as CohereError).body, 'error body')['message'])).toMatch(/documents.*openai/);
    expect(openaiMock.requests).toHaveLength(0);
  });
});

describe('Cohere SDK on /cohere, served by DeepSeek (OpenAI-compatible)', () => {
  const thinking = { type: 'enabled' as const, tokenBudget: 1024 };

  it('chat: a thinking budget asks DeepSeek for reasoning, and reasoning_content comes back as a thinking block', async () => {
    deepseekMock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureJson(res, DEEPSEEK_REASONING));
    const recorded = fixtureMessage(DEEPSEEK_REASONING);

    const response = await cohereClient.chat({
      model: 'deepseek/deepseek-reasoner',
      messages: [{ role: 'user', content: "How many 'r's are in the word 'strawberry'?" }],
      thinking,
    });

    expect(response.message.content).toEqual([
      { type: 'thinking', thinking: recorded['reasoning_content'] },
      { type: 'text', text: recorded['content'] },
    ]);
    expect(response.finishReason).toBe('COMPLETE');
    const upstream = onlyRequestTo(deepseekMock, '/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${DEEPSEEK_KEY}`);
    // No output limit was set: 1024 is a low share of the 4096 tokens a budget is weighed against.
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'deepseek-reasoner',
      messages: [{ role: 'user', content: "How many 'r's are in the word 'strawberry'?" }],
      reasoning_effort: 'low',
    });
  });

  it('chatStream: thinking content deltas, then the tool call', async () => {
    deepseekMock.on('POST', '/v1/chat/completions', (_req, res) => replyFixtureSse(res, DEEPSEEK_TOOL_STREAM, 'openai', { splitEvery: 37 }));
    const tools = [{ type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];

    const collected = await collectCohereStream(
      await cohereClient.chatStream({
        model: 'deepseek/deepseek-reasoner',
        messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
        tools,
        thinking,
      }),
    );

    expect(collected.thinking).toBe(DEEPSEEK_STREAMED_REASONING);
    expect(collected.toolCalls).toEqual([{ id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', arguments: '{"location": "San Francisco"}' }]);
    expect(collected.end).toMatchObject({ finishReason: 'TOOL_CALL' });
    const upstream = jsonBodyOf(onlyRequestTo(deepseekMock, '/v1/chat/completions'));
    expect(upstream).toMatchObject({ stream: true, reasoning_effort: 'low' });
    expect(upstream).not.toHaveProperty('reasoning');
  });
});

describe('Cohere SDK on /cohere, served by Cohere (bare model names)', () => {
  it('chat with a bare model goes to Cohere and comes back with Cohere billing', async () => {
    replayCohereChat({ json: 'cohere/cohere-text.json' });

    const response = await cohereClient.chat({ model: COHERE_MODEL, messages: [{ role: 'user', content: 'Capital of France?' }], k: 20 });

    expect(response.message.content).toEqual([{ type: 'text', text: 'The capital of France is Paris.' }]);
    expect(response.usage).toEqual({ billedUnits: { inputTokens: 12, outputTokens: 7 }, tokens: { inputTokens: 507, outputTokens: 10 }, cachedTokens: 448 });
    const upstream = onlyRequestTo(cohereMock, '/v2/chat');
    expect(upstream.headers['authorization']).toBe(`Bearer ${COHERE_KEY}`);
    expect(jsonBodyOf(upstream)).toMatchObject({ model: COHERE_MODEL, k: 20, stream: false });
  });

  it('chatStream of a reasoning model: thinking then text, as Cohere streamed them', async () => {
    replayCohereChat({ chunks: 'cohere/cohere-reasoning.chunks.txt' });

    const collected = await collectCohereStream(
      await cohereClient.chatStream({ model: COHERE_MODEL, messages: [{ role: 'user', content: '2+2?' }], thinking: { type: 'enabled', tokenBudget: 512 } }),
    );

    expect(collected.thinking).toMatch(/^The user is asking for the sum of 2 and 2\./);
    expect(collected.text).toBe('The answer to 2 + 2 is 4.');
    expect(collected.end).toMatchObject({ finishReason: 'COMPLETE', usage: { billedUnits: { inputTokens: 8, outputTokens: 50 }, cachedTokens: 1360 } });
    expect(jsonBodyOf(onlyRequestTo(cohereMock, '/v2/chat'))['thinking']).toEqual({ type: 'enabled', token_budget: 512 });
  });

  it('rerank: Cohere ranks the documents and the SDK reads indexes and scores', async () => {
    cohereMock.on('POST', '/v2/rerank', (_req, res) => replyJson(res, 200, COHERE_RERANK_BODY));

    const ranked = await cohereClient.rerank({
      model: 'rerank-v3.5',
      query: 'What is the capital of the United States?',
      documents: RERANK_DOCUMENTS,
      topN: 3,
    });

    expect(ranked.results).toEqual([
      { index: 2, relevanceScore: 0.999071 },
      { index: 1, relevanceScore: 0.7867867 },
      { index: 0, relevanceScore: 0.32713068 },
    ]);
    expect(ranked.meta?.billedUnits?.searchUnits).toBe(1);
    expect(jsonBodyOf(onlyRequestTo(cohereMock, '/v2/rerank'))).toEqual({
      model: 'rerank-v3.5',
      query: 'What is the capital of the United States?',
      documents: RERANK_DOCUMENTS,
      top_n: 3,
    });
  });
});

describe('OpenAI SDK on /v1 with cohere/ models, served by Cohere recordings', () => {
  const model = `cohere/${COHERE_MODEL}`;

  it('text: the recorded answer with usage and cached tokens, sent to /v2/chat in Cohere shape', async () => {
    replayCohereChat({ json: 'cohere/cohere-text.json' });

    const completion = await openai.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      max_completion_tokens: 100,
      top_p: 0.5,
      stop: ['\n\n'],
    });

    expect(completion.choices[0]?.message.content).toBe('The capital of France is Paris.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 507, completion_tokens: 10, total_tokens: 517, prompt_tokens_details: { cached_tokens: 448 } });
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'cohere', model_requested: COHERE_MODEL, request_type: 'chat_completion' });
    expect(jsonBodyOf(onlyRequestTo(cohereMock, '/v2/chat'))).toEqual({
      model: COHERE_MODEL,
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      stream: false,
      max_tokens: 100,
      p: 0.5,
      stop_sequences: ['\n\n'],
    });
  });

  it('text stream: the text, finish reason stop and the usage on the last chunk', async () => {
    replayCohereChat({ chunks: 'cohere/cohere-text.chunks.txt' });

    const assembled = await collectChatStream(
      await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Capital of France?' }], stream: true }),
    );

    expect(assembled.text).toBe('The capital of France is Paris.');
    expect(assembled.finishReasons).toEqual(['stop']);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 507, completion_tokens: 10, total_tokens: 517 });
    expect(assembled.chunks[assembled.chunks.length - 1]?.usage).toBeDefined();
    expect(extraFieldsOf(assembled.chunks[0])).toMatchObject({ provider: 'cohere', request_type: 'chat_completion_stream' });
  });

  it('parallel tool calls, then the answer once the tool results go back with the plan', async () => {
    cohereMock.on('POST', '/v2/chat', (req, res) => {
      const messages = jsonBodyOf(req)['messages'] as Record<string, unknown>[];
      return replyFixtureJson(res, messages.some((m) => m['role'] === 'tool') ? 'cohere/cohere-text.json' : 'cohere/cohere-tool-call.json');
    });
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
      { type: 'function', function: { name: 'cityAttractions', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    const question: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: 'user', content: 'Weather and attractions in San Francisco?' };

    const first = await openai.chat.completions.create({ model, messages: [question], tools, tool_choice: 'required' });
    const message = first.choices[0]!.message;

    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message.tool_calls?.map((c) => (c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : []))).toEqual([
      ['weather_dqgshstja6p9', 'weather', { location: 'San Francisco' }],
      ['cityAttractions_dcxfx4myvx68', 'cityAttractions', { city: 'San Francisco' }],
    ]);
    const plan = asRecord(message, 'message')['reasoning'];
    expect(plan).toMatch(/^I will use the weather tool/);

    const second = await openai.chat.completions.create({
      model,
      tools,
      messages: [
        question,
        message,
        { role: 'tool', tool_call_id: 'weather_dqgshstja6p9', content: '{"temp":"18C"}' },
        { role: 'tool', tool_call_id: 'cityAttractions_dcxfx4myvx68', content: '["Golden Gate Bridge"]' },
      ],
    });

    expect(second.choices[0]?.message.content).toBe('The capital of France is Paris.');
    expect(jsonBodyOf(cohereMock.requests[0]!)).toMatchObject({
      tool_choice: 'REQUIRED',
      tools: [{ function: { name: 'weather' } }, { function: { name: 'cityAttractions' } }],
    });
    expect((jsonBodyOf(cohereMock.requests[1]!)['messages'] as unknown[]).slice(1)).toEqual([
      {
        role: 'assistant',
        tool_plan: plan,
        tool_calls: [
          { id: 'weather_dqgshstja6p9', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } },
          { id: 'cityAttractions_dcxfx4myvx68', type: 'function', function: { name: 'cityAttractions', arguments: '{"city":"San Francisco"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'weather_dqgshstja6p9', content: '{"temp":"18C"}' },
      { role: 'tool', tool_call_id: 'cityAttractions_dcxfx4myvx68', content: '["Golden Gate Bridge"]' },
    ]);
  });

  it('streamed parallel tool calls arrive whole, with finish reason tool_calls', async () => {
    replayCohereChat({ chunks: 'cohere/cohere-tool-call.chunks.txt' });

    const assembled = await collectChatStream(await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'SF?' }], stream: true }));

    expect(assembled.toolCalls).toEqual([
      { id: 'weather_e8p4pn45zt0t', name: 'weather', arguments: '{"location": "San Francisco"}' },
      { id: 'cityAttractions_pyxssbwnq9fq', name: 'cityAttractions', arguments: '{"city": "San Francisco"}' },
    ]);
    expect(assembled.reasoning).toMatch(/^I will use the weather tool/);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
  });

  it("a call without arguments is {} for the SDK's JSON.parse, streamed or not", async () => {
    replayCohereChat({ json: 'cohere/cohere-null-args.json', chunks: 'cohere/cohere-empty-tool-call.chunks.txt' });

    const body = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Time?' }] });
    const streamed = await collectChatStream(await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Time?' }], stream: true }));

    const call = body.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({});
    expect(streamed.toolCalls).toEqual([{ id: 'currentTime_y46ar19t5gvw', name: 'currentTime', arguments: '{}' }]);
  });

  it('reasoning: thinking comes back as reasoning, and a reasoning budget goes to Cohere as thinking', async () => {
    replayCohereChat({ json: 'cohere/cohere-reasoning.json', chunks: 'cohere/cohere-reasoning.chunks.txt' });
    const params = { model, messages: [{ role: 'user' as const, content: '2+2?' }], reasoning: { max_tokens: 1024 } };

    const body = await openai.chat.completions.create(params as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
    const streamed = await collectChatStream(
      await openai.chat.completions.create({ ...params, stream: true } as OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming),
    );

    expect(asRecord(body.choices[0]?.message, 'message')['reasoning']).toMatch(/^Okay, so I need to figure out what 2 \+ 2 is/);
    expect(body.choices[0]?.message.content).toBe('2 + 2 = 4');
    expect(streamed.reasoning).toMatch(/^The user is asking for the sum of 2 and 2\./);
    expect(streamed.text).toBe('The answer to 2 + 2 is 4.');
    expect(streamed.usage?.completion_tokens).toBe(54);
    for (const req of cohereMock.requests) expect(jsonBodyOf(req)['thinking']).toEqual({ type: 'enabled', token_budget: 1024 });
  });

  it("a Cohere error reaches the caller with Cohere's status and message", async () => {
    cohereMock.on('POST', '/v2/chat', (_req, res) =>
      replyJson(res, 422, {
        id: 'b2b7a4c4-1f0e-4f3f-9d55-2f3c1a0c2d11',
        message: "invalid request: model 'command-x' not found, make sure the correct model ID was used",
      }),
    );

    const { status, json } = await postJson(`${gateway.url}/v1/chat/completions`, { model: 'cohere/command-x', messages: [{ role: 'user', content: 'Hi' }] });

    expect(status).toBe(422);
    expect(json).toMatchObject({
      is_bifrost_error: false,
      status_code: 422,
      error: { message: "invalid request: model 'command-x' not found, make sure the correct model ID was used" },
      extra_fields: { provider: 'cohere', model_requested: 'command-x' },
    });
  });

  it('refuses logprobs, which Cohere cannot return, with a 400 naming it', async () => {
    const { status, json } = await postJson(`${gateway.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'Hi' }], logprobs: true });

    expect(status).toBe(400);
    expect(json).toMatchObject({ is_bifrost_error: true, status_code: 400, error: { message: 'cohere does not support logprobs', param: 'logprobs' } });
    expect(cohereMock.requests).toHaveLength(0);
  });

  it('embeddings: /v2/embed floats come back as the base64 the SDK asks for, with the same numbers', async () => {
    cohereMock.on('POST', '/v2/embed', (_req, res) =>
      replyJson(res, 200, {
        id: 'a5e1d0a4-9d2c-4a4f-8f77-1b7b2f0f9c11',
        embeddings: { float: VECTORS },
        texts: ['one', 'two'],
        meta: { api_version: { version: '2' }, billed_units: { input_tokens: 2 } },
        response_type: 'embeddings_by_type',
      }),
    );

    const result = await openai.embeddings.create({ model: 'cohere/embed-v4.0', input: ['one', 'two'] });

    expect(result.data.map((d) => d.embedding)).toEqual(VECTORS);
    expect(jsonBodyOf(onlyRequestTo(cohereMock, '/v2/embed'))).toEqual({
      model: 'embed-v4.0',
      texts: ['one', 'two'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
  });
});

describe('POST /v1/rerank', () => {
  it('ranks with a Cohere model: most relevant first, documents returned, search units and extra_fields', async () => {
    cohereMock.on('POST', '/v2/rerank', (_req, res) => replyJson(res, 200, COHERE_RERANK_BODY));
    const documents = [RERANK_DOCUMENTS[0], { text: RERANK_DOCUMENTS[1] }, RERANK_DOCUMENTS[2]];

    const { status, json } = await postJson(`${gateway.url}/v1/rerank`, {
      model: 'cohere/rerank-v3.5',
      query: 'What is the capital of the United States?',
      documents,
      top_n: 3,
      return_documents: true,
    });

    expect(status).toBe(200);
    expect(json).toMatchObject({
      id: COHERE_RERANK_BODY.id,
      model: 'rerank-v3.5',
      results: [
        { index: 2, relevance_score: 0.999071, document: { text: RERANK_DOCUMENTS[2] } },
        { index: 1, relevance_score: 0.7867867, document: { text: RERANK_DOCUMENTS[1] } },
        { index: 0, relevance_score: 0.32713068, document: { text: RERANK_DOCUMENTS[0] } },
      ],
      usage: { search_units: 1 },
    });
    expect(extraFieldsOf(json)).toMatchObject({ provider: 'cohere', model_requested: 'rerank-v3.5', request_type: 'rerank' });
    expect(jsonBodyOf(onlyRequestTo(cohereMock, '/v2/rerank'))).toEqual({
      model: 'rerank-v3.5',
      query: 'What is the capital of the United States?',
      documents: RERANK_DOCUMENTS,
      top_n: 3,
    });
  });

  it('answers 400 for an OpenAI model: openai does not support rerank', async () => {
    const { status, json } = await postJson(`${gateway.url}/v1/rerank`, { model: 'openai/gpt-4o', query: 'q', documents: ['a'] });

    expect(status).toBe(400);
    expect(json).toMatchObject({
      is_bifrost_error: true,
      status_code: 400,
      error: { message: "provider 'openai' does not support rerank" },
      extra_fields: { provider: 'openai', request_type: 'rerank' },
    });
    expect(openaiMock.requests).toHaveLength(0);
  });

  it('answers 400 naming the field for a body without documents', async () => {
    const { status, json } = await postJson(`${gateway.url}/v1/rerank`, { model: 'cohere/rerank-v3.5', query: 'q' });

    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { param: 'documents' } });
    expect(cohereMock.requests).toHaveLength(0);
  });
});
