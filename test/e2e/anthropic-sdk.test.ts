/**
 * The official `@anthropic-ai/sdk` against Iris's `/anthropic` surface, served by an OpenAI mock
 * (model `openai/...`), a DeepSeek mock (`deepseek/...`) and an Anthropic mock (bare `claude-...`); and the `openai` SDK on `/v1`
 * with `anthropic/claude-...`, served by the Anthropic mock. Every mock replays real recordings.
 */
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../src/index.js';
import { readJsonBody, readVcr } from '../support/fixtures.js';
import type { VcrInteraction } from '../support/fixtures.js';
import { replyFixtureJson, replyFixtureSse, replyJson, replyVcr, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { asRecord, collectChatStream, extraFieldsOf, fixtureMessage, jsonBodyOf, onlyRequestTo, openAIClient, postJson } from './harness.js';
import { startTestGateway } from '../support/test-gateway.js';

const OPENAI_KEY = 'sk-openai-e2e-key';
const ANTHROPIC_KEY = 'sk-ant-e2e-key';
const DEEPSEEK_KEY = 'sk-deepseek-e2e-key';
const CLIENT_KEY = 'sk-client-key-not-forwarded';

const OPENAI_TEXT = 'openai/chat/openai-text.json';
const OPENAI_TOOL_ROUND_TRIP = 'openai/chat/pydantic-ai/test_run_stream_sync_streams_real_model.yaml';
const ANTHROPIC_TEXT = 'anthropic/anthropic-text.json';
const ANTHROPIC_TEXT_STREAM = 'anthropic/anthropic-text.chunks.txt';
const ANTHROPIC_TOOL = 'anthropic/anthropic-tool-no-args.json';
const ANTHROPIC_TOOL_STREAM = 'anthropic/anthropic-tool-no-args.chunks.txt';
const ANTHROPIC_PARALLEL_STREAM = 'anthropic/anthropic-issue-15652-false.chunks.txt';
const ANTHROPIC_THINKING = 'anthropic/anthropic-clear-thinking.1.json';
const ANTHROPIC_THINKING_STREAM = 'anthropic/anthropic-clear-thinking.1.chunks.txt';
const ANTHROPIC_REDACTED_STREAM = 'anthropic/pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.yaml';
const ANTHROPIC_PARALLEL = 'anthropic/pydantic-ai/test_multiple_parallel_tool_calls.yaml';
const ANTHROPIC_CACHE_READ = 'anthropic/anthropic-issue-5942-cache-read.chunks.txt';
const ANTHROPIC_CACHE_WRITE = 'anthropic/anthropic-issue-5942-cache-write.chunks.txt';
const ANTHROPIC_ERROR = 'anthropic/anthropic-issue-17366-error.json';
const DEEPSEEK_REASONING = 'deepseek/deepseek-reasoning.json';
const DEEPSEEK_TOOL_STREAM = 'deepseek/deepseek-tool-call.chunks.txt';
/** The reasoning_content deltas of DEEPSEEK_TOOL_STREAM, joined. */
const DEEPSEEK_STREAMED_REASONING =
  'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. ' +
  'Let me invoke the weather tool with the location parameter set to "San Francisco".';

/** A question with a base64 image and an image URL, as OpenAI chat content parts and as Anthropic content blocks. */
const PHOTOS_AS_OPENAI_PARTS: ChatCompletionContentPart[] = [
  { type: 'text', text: 'Which vegetables are these?' },
  { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
  { type: 'image_url', image_url: { url: 'https://example.com/potato.jpg' } },
];
const PHOTOS_AS_ANTHROPIC_BLOCKS: Anthropic.ContentBlockParam[] = [
  { type: 'text', text: 'Which vegetables are these?' },
  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
  { type: 'image', source: { type: 'url', url: 'https://example.com/potato.jpg' } },
];

const MESSAGES_PATH = '/v1/messages';
const CHAT_PATH = '/v1/chat/completions';

let gateway: RunningGateway;
let openaiMock: MockUpstream;
let anthropicMock: MockUpstream;
let deepseekMock: MockUpstream;

beforeAll(async () => {
  openaiMock = await startMockUpstream();
  anthropicMock = await startMockUpstream();
  deepseekMock = await startMockUpstream();
  gateway = await startTestGateway({
    providers: {
      openai: { keys: [{ name: 'openai-e2e', models: ['*'], value: OPENAI_KEY }], network_config: { base_url: openaiMock.url } },
      anthropic: { keys: [{ name: 'anthropic-e2e', models: ['*'], value: ANTHROPIC_KEY }], network_config: { base_url: anthropicMock.url } },
      deepseek: { keys: [{ name: 'deepseek-e2e', models: ['*'], value: DEEPSEEK_KEY }], network_config: { base_url: deepseekMock.url } },
    },
  });
});

afterEach(() => {
  openaiMock.reset();
  anthropicMock.reset();
  deepseekMock.reset();
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([openaiMock?.close(), anthropicMock?.close(), deepseekMock?.close()]);
});

function anthropicClient(): Anthropic {
  return new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10_000 });
}

/** The recorded interaction whose request matches: the tool-result turn, or the first turn. */
function serveToolRoundTrip(mock: MockUpstream, interactions: readonly VcrInteraction[]): void {
  mock.on('POST', CHAT_PATH, (req, res) => {
    const messages = jsonBodyOf(req)['messages'];
    const hasToolResult = Array.isArray(messages) && messages.some((m) => asRecord(m)['role'] === 'tool');
    return replyVcr(res, interactions[hasToolResult ? 1 : 0]!.response);
  });
}

function anthropicMessages(mock: MockUpstream, reply: Parameters<MockUpstream['on']>[2]): void {
  mock.on('POST', MESSAGES_PATH, reply);
}

describe('Anthropic SDK on /anthropic, served by OpenAI', () => {
  it('answers a message with the recorded text, stop reason and usage', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, OPENAI_TEXT));
    const recorded = asRecord(asRecord((asRecord(readJsonBody(OPENAI_TEXT))['choices'] as unknown[])[0])['message']);

    const message = await anthropicClient().messages.create({
      model: 'openai/gpt-4o',
      max_tokens: 1024,
      system: 'You invent holidays.',
      messages: [{ role: 'user', content: 'Invent a new holiday and describe its traditions.' }],
    });

    expect(message.content).toEqual([{ type: 'text', text: recorded['content'] }]);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', model: 'gpt-4.1-nano-2025-04-14' });
    expect(message.usage).toMatchObject({ input_tokens: 16, output_tokens: 363, cache_read_input_tokens: 0 });
    const upstream = onlyRequestTo(openaiMock, CHAT_PATH);
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'gpt-4o',
      max_tokens: 1024,
      messages: [
        { role: 'system', content: 'You invent holidays.' },
        { role: 'user', content: 'Invent a new holiday and describe its traditions.' },
      ],
    });
    expect(upstream.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it('streams a tool call, then the answer to the tool result, with the recorded requests going upstream', async () => {
    const { interactions } = readVcr(OPENAI_TOOL_ROUND_TRIP);
    serveToolRoundTrip(openaiMock, interactions);
    const client = anthropicClient();
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_capital',
        description: '',
        input_schema: { type: 'object', additionalProperties: false, properties: { country: { type: 'string' } }, required: ['country'] },
        strict: true,
      },
    ];
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the capital of the UK? Use the tool, then answer.' };

    const first = await client.messages
      .stream({ model: 'openai/gpt-4o-mini', max_tokens: 1024, tools, tool_choice: { type: 'auto' }, messages: [question] })
      .finalMessage();

    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', input: { country: 'UK' } }]);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toMatchObject({ input_tokens: 53, output_tokens: 15 });

    const textEvents: string[] = [];
    const stream = client.messages.stream({
      model: 'openai/gpt-4o-mini',
      max_tokens: 1024,
      tools,
      tool_choice: { type: 'auto' },
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', content: 'London' }] },
      ],
    });
    stream.on('text', (text) => textEvents.push(text));
    const second = await stream.finalMessage();

    expect(second.content).toEqual([{ type: 'text', text: 'The capital of the UK is London.' }]);
    expect(textEvents.join('')).toBe('The capital of the UK is London.');
    expect(second.stop_reason).toBe('end_turn');
    const upstreamBodies = openaiMock.requests.map((r) => jsonBodyOf(r));
    expect(upstreamBodies).toEqual(interactions.map((i) => ({ ...asRecord(i.request.json), max_tokens: 1024 })));
  });

  it('sends base64 and URL images and a JSON schema output format to OpenAI in its own shape', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, OPENAI_TEXT));
    const schema = { type: 'object', properties: { vegetable: { type: 'string' } }, required: ['vegetable'], additionalProperties: false };

    await anthropicClient().messages.create({
      model: 'openai/gpt-4o',
      max_tokens: 256,
      output_config: { format: { type: 'json_schema', schema } },
      messages: [{ role: 'user', content: PHOTOS_AS_ANTHROPIC_BLOCKS }],
    });

    expect(jsonBodyOf(onlyRequestTo(openaiMock, CHAT_PATH))).toEqual({
      model: 'gpt-4o',
      max_tokens: 256,
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } },
      messages: [{ role: 'user', content: PHOTOS_AS_OPENAI_PARTS }],
    });
  });

  it('ends a stream whose upstream breaks mid-way with an Anthropic error event', async () => {
    const { interactions } = readVcr(OPENAI_TOOL_ROUND_TRIP);
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyVcr(res, interactions[1]!.response, { destroyAfterPieces: 3, chunkDelayMs: 20 }));

    const stream = anthropicClient().messages.stream({
      model: 'openai/gpt-4o-mini',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Capital of the UK?' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const err = await stream.finalMessage().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).type).toBe('api_error');
    // The text that reached the client before the break, and nothing invented after it.
    expect(texts.join('')).toMatch(/^The( capital)?$/);
  });

  it('answers upstream failures in Anthropic’s error shape with the matching status', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) =>
      replyJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key', param: null } }),
    );

    const err = await anthropicClient()
      .messages.create({ model: 'openai/gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as APIError).error).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'Incorrect API key provided' } });
  });

  it('answers a rate limit as rate_limit_error with status 429', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) =>
      replyJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    );

    const err = await anthropicClient()
      .messages.create({ model: 'openai/gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as APIError).type).toBe('rate_limit_error');
  });
});

describe('Anthropic SDK on /anthropic, served by DeepSeek (OpenAI-compatible)', () => {
  const thinking = { type: 'enabled' as const, budget_tokens: 1024 };

  it('a thinking budget asks DeepSeek for reasoning, and its reasoning_content comes back as a thinking block', async () => {
    deepseekMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, DEEPSEEK_REASONING));
    const recorded = fixtureMessage(DEEPSEEK_REASONING);

    const message = await anthropicClient().messages.create({
      model: 'deepseek/deepseek-reasoner',
      max_tokens: 4096,
      thinking,
      messages: [{ role: 'user', content: "How many 'r's are in the word 'strawberry'?" }],
    });

    expect(message.content).toEqual([
      { type: 'thinking', thinking: recorded['reasoning_content'], signature: '' },
      { type: 'text', text: recorded['content'] },
    ]);
    expect(message).toMatchObject({ stop_reason: 'end_turn', model: 'deepseek-reasoner', usage: { input_tokens: 18, output_tokens: 345 } });
    const upstream = onlyRequestTo(deepseekMock, CHAT_PATH);
    // 1024 of 4096 output tokens is a low share: the budget becomes DeepSeek's reasoning_effort.
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'deepseek-reasoner',
      max_tokens: 4096,
      reasoning_effort: 'low',
      messages: [{ role: 'user', content: "How many 'r's are in the word 'strawberry'?" }],
    });
    expect(upstream.headers['authorization']).toBe(`Bearer ${DEEPSEEK_KEY}`);
  });

  it('streams DeepSeek reasoning as thinking deltas, then the tool call', async () => {
    deepseekMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, DEEPSEEK_TOOL_STREAM, 'openai', { splitEvery: 31 }));
    const stream = anthropicClient().messages.stream({
      model: 'deepseek/deepseek-reasoner',
      max_tokens: 2048,
      thinking,
      tools: [{ name: 'weather', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
      messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
    });
    const thinkingDeltas: string[] = [];
    stream.on('thinking', (delta) => thinkingDeltas.push(delta));
    const message = await stream.finalMessage();

    expect(thinkingDeltas.length).toBeGreaterThan(1);
    expect(thinkingDeltas.join('')).toBe(DEEPSEEK_STREAMED_REASONING);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: DEEPSEEK_STREAMED_REASONING, signature: '' },
      { type: 'tool_use', id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', input: { location: 'San Francisco' } },
    ]);
    // Anthropic counts cache reads apart from input_tokens: DeepSeek's 339 prompt tokens hold 320 cached ones.
    expect(message).toMatchObject({ stop_reason: 'tool_use', usage: { input_tokens: 19, cache_read_input_tokens: 320, output_tokens: 83 } });
    // 1024 of 2048 output tokens is about half: medium.
    expect(jsonBodyOf(onlyRequestTo(deepseekMock, CHAT_PATH))).toMatchObject({ stream: true, max_tokens: 2048, reasoning_effort: 'medium' });
    expect(jsonBodyOf(onlyRequestTo(deepseekMock, CHAT_PATH))).not.toHaveProperty('reasoning');
  });
});

describe('Anthropic SDK on /anthropic, served by Anthropic', () => {
  it('streams thinking with its signature and the text, forwarding anthropic-beta and using the configured key', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureSse(res, ANTHROPIC_THINKING_STREAM, 'named-events'));

    const message = await anthropicClient()
      .messages.stream(
        {
          model: 'claude-sonnet-4-6',
          max_tokens: 2048,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          messages: [{ role: 'user', content: 'And divided by 5?' }],
        },
        { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
      )
      .finalMessage();

    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
        signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N.*BgB$/) as unknown as string,
      },
      { type: 'text', text: '925 ÷ 5 = 185' },
    ]);
    expect(message).toMatchObject({ id: 'msg_01Y6V41gqPaKWEw7iPouH7iW', stop_reason: 'end_turn', usage: { input_tokens: 69, output_tokens: 53 } });
    const upstream = onlyRequestTo(anthropicMock, MESSAGES_PATH);
    expect(jsonBodyOf(upstream)).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      stream: true,
    });
    expect(upstream.headers).toMatchObject({
      'x-api-key': ANTHROPIC_KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'interleaved-thinking-2025-05-14',
    });
  });

  it('returns the four recorded parallel tool calls with their inputs', async () => {
    const recorded = readVcr(ANTHROPIC_PARALLEL).interactions[0]!;
    anthropicMessages(anthropicMock, (_req, res) => replyVcr(res, recorded.response));
    const request = asRecord(recorded.request.json);

    const message = await anthropicClient().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      system: String(request['system']),
      tools: request['tools'] as Anthropic.Tool[],
      tool_choice: { type: 'auto' },
      messages: [{ role: 'user', content: 'Alice, Bob, Charlie and Daisy are a family. Who is the youngest?' }],
    });

    expect(message.content.filter((b) => b.type === 'tool_use').map((b) => [b.id, b.input])).toEqual([
      ['toolu_0167cfEnoQaPviGdVXA95zcu', { name: 'Alice' }],
      ['toolu_01EEe2V5HD1Ac4rKiUR4HD2T', { name: 'Bob' }],
      ['toolu_01XFyAjstT3966qvRynZyVPo', { name: 'Charlie' }],
      ['toolu_013mnQZbgtK2oe3Mo3XKJsx3', { name: 'Daisy' }],
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(jsonBodyOf(onlyRequestTo(anthropicMock, MESSAGES_PATH))['tools']).toEqual(request['tools']);
  });

  it('passes Anthropic’s own error message and type through', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureJson(res, ANTHROPIC_ERROR, 400));

    const err = await anthropicClient()
      .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = asRecord((err as APIError).error);
    expect(body['type']).toBe('error');
    expect(asRecord(body['error'])).toEqual({ type: 'invalid_request_error', message: asRecord(asRecord(readJsonBody(ANTHROPIC_ERROR))['error'])['message'] });
  });

  it('lists Anthropic’s models with bare ids', async () => {
    anthropicMock.on('GET', '/v1/models', (_req, res) =>
      replyJson(res, 200, {
        data: [
          { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
          { type: 'model', id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' },
        ],
        has_more: false,
        first_id: 'claude-sonnet-4-5-20250929',
        last_id: 'claude-haiku-4-5-20251001',
      }),
    );

    const models: Anthropic.ModelInfo[] = [];
    for await (const model of anthropicClient().models.list()) models.push(model);

    expect(models.map((m) => [m.id, m.display_name, m.created_at])).toEqual([
      ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00.000Z'],
      ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00.000Z'],
    ]);
    expect(onlyRequestTo(anthropicMock, '/v1/models', 'GET').headers['x-api-key']).toBe(ANTHROPIC_KEY);
  });

  it('refuses a request without max_tokens the way Anthropic does, without calling upstream', async () => {
    const { status, json } = await postJson(`${gateway.url}/anthropic/v1/messages`, {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(status).toBe(400);
    expect(json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: field required (an integer)' } });
    expect(anthropicMock.requests).toHaveLength(0);
  });

  it('refuses an unconfigured provider with invalid_request_error', async () => {
    const err = await anthropicClient()
      .messages.create({ model: 'nope/some-model', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as APIError).type).toBe('invalid_request_error');
  });
});

describe('OpenAI SDK on /v1 with anthropic/claude-sonnet-4-5', () => {
  const client = () => openAIClient(`${gateway.url}/v1`);
  const hello: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello, how are you?' }];

  it('answers with the recorded text, finish reason, usage and extra_fields', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureJson(res, ANTHROPIC_TEXT));

    const completion = await client().chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: hello });

    expect(completion.choices[0]?.message.content).toBe(
      "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 29, total_tokens: 41 });
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'anthropic', model_requested: 'claude-sonnet-4-5', request_type: 'chat_completion' });
    const upstream = onlyRequestTo(anthropicMock, MESSAGES_PATH);
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, how are you?' }] }],
    });
    expect(upstream.headers).toMatchObject({ 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' });
    expect(upstream.headers['authorization']).toBeUndefined();
  });

  it('sends a data-URL image as a base64 source and an https image as a url source', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureJson(res, ANTHROPIC_TEXT));

    const completion = await client().chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'user', content: PHOTOS_AS_OPENAI_PARTS }],
    });

    expect(completion.choices[0]?.message.content).toBe(
      "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(jsonBodyOf(onlyRequestTo(anthropicMock, MESSAGES_PATH))['messages']).toEqual([{ role: 'user', content: PHOTOS_AS_ANTHROPIC_BLOCKS }]);
  });

  it('streams the recorded text with the finish reason and usage on the last chunk', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureSse(res, ANTHROPIC_TEXT_STREAM, 'named-events'));

    const assembled = await collectChatStream(await client().chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: hello, stream: true }));

    expect(assembled.text).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    expect(assembled.finishReasons).toEqual(['stop']);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });
    expect(assembled.chunks[assembled.chunks.length - 1]?.usage).toBeDefined();
    expect(jsonBodyOf(onlyRequestTo(anthropicMock, MESSAGES_PATH))['stream']).toBe(true);
  });

  it('returns a no-argument tool call with {} arguments, streamed and not', async () => {
    anthropicMessages(anthropicMock, (req, res) =>
      jsonBodyOf(req)['stream'] === true ? replyFixtureSse(res, ANTHROPIC_TOOL_STREAM, 'named-events') : replyFixtureJson(res, ANTHROPIC_TOOL),
    );
    const request = {
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'user' as const, content: 'Update the issue list.' }],
      tools: [{ type: 'function' as const, function: { name: 'updateIssueList', parameters: { type: 'object', properties: {} } } }],
    };

    const completion = await client().chat.completions.create(request);
    const streamed = await collectChatStream(await client().chat.completions.create({ ...request, stream: true }));

    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', type: 'function', function: { name: 'updateIssueList', arguments: '{}' } },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(streamed.toolCalls).toEqual([{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }]);
    expect(streamed.text).toBe("I'll update the issue list for you.");
    expect(streamed.finishReasons).toEqual(['tool_calls']);
    expect(jsonBodyOf(anthropicMock.requests[0]!)['tools']).toEqual([{ name: 'updateIssueList', input_schema: { type: 'object', properties: {} } }]);
  });

  it('streams three parallel tool calls, each with its own arguments', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureSse(res, ANTHROPIC_PARALLEL_STREAM, 'named-events', { splitEvery: 17 }));

    const assembled = await collectChatStream(
      await client().chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [{ role: 'user', content: 'Search alpha, beta and gamma.' }],
        tools: [{ type: 'function', function: { name: 'searchDocs', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }],
        stream: true,
      }),
    );

    expect(assembled.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ['searchDocs', { query: 'alpha' }],
      ['searchDocs', { query: 'beta' }],
      ['searchDocs', { query: 'gamma' }],
    ]);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 798, completion_tokens: 110 });
  });

  it('returns thinking with its signature and sends it back as a thinking block on the next turn', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureJson(res, ANTHROPIC_THINKING));
    const question: ChatCompletionMessageParam = { role: 'user', content: 'What is 925 divided by 5?' };

    const first = await client().chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [question], reasoning_effort: 'low' });
    const answer = asRecord(first.choices[0]?.message);
    await client().chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [question, answer as unknown as ChatCompletionMessageParam, { role: 'user', content: 'Thanks.' }],
      reasoning_effort: 'low',
    });

    expect(answer['reasoning']).toBe('925 divided by 5 = 185');
    const signature = asRecord(readJsonBody(ANTHROPIC_THINKING))['content'] as Array<Record<string, unknown>>;
    const secondUpstream = jsonBodyOf(anthropicMock.requests[1]!);
    expect(jsonBodyOf(anthropicMock.requests[0]!)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2048 + 4096 });
    expect(asRecord((secondUpstream['messages'] as unknown[])[1])).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: '925 divided by 5 = 185', signature: signature[0]!['signature'] },
        { type: 'text', text: '925 ÷ 5 = 185' },
      ],
    });
  });

  it('streams thinking as reasoning deltas and the signature as a reasoning detail', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureSse(res, ANTHROPIC_THINKING_STREAM, 'named-events'));

    const stream = await client().chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: hello, stream: true, reasoning_effort: 'low' });
    const assembled = await collectChatStream(stream);
    const signatures = assembled.chunks.flatMap((chunk) => {
      const details = asRecord(chunk.choices[0]?.delta ?? {})['reasoning_details'];
      return Array.isArray(details) ? details.map((d) => asRecord(d)['signature']).filter((s) => typeof s === 'string') : [];
    });

    expect(assembled.reasoning).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(assembled.text).toBe('925 ÷ 5 = 185');
    expect(signatures).toHaveLength(1);
    expect(signatures[0]).toMatch(/^EvQBCkYICxgCKkAxhD4N/);
  });

  it('streams redacted thinking from the raw recorded SSE as encrypted reasoning details', async () => {
    const recorded = readVcr(ANTHROPIC_REDACTED_STREAM).interactions[0]!;
    anthropicMessages(anthropicMock, (_req, res) => replyVcr(res, recorded.response, { splitEvery: 29 }));

    const assembled = await collectChatStream(
      await client().chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5-20250929',
        messages: [{ role: 'user', content: 'trigger' }],
        stream: true,
        max_tokens: 4096,
        reasoning: { max_tokens: 1024 },
      } as unknown as Parameters<ReturnType<typeof client>['chat']['completions']['create']>[0] & { stream: true }),
    );
    const encrypted = assembled.chunks.flatMap((chunk) => {
      const details = asRecord(chunk.choices[0]?.delta ?? {})['reasoning_details'];
      return Array.isArray(details) ? details.map((d) => asRecord(d)).filter((d) => d['type'] === 'reasoning.encrypted') : [];
    });

    expect(encrypted.map((d) => [d['index'], String(d['data']).slice(0, 12)])).toEqual([
      [0, 'EqkECkYIBxgC'],
      [1, 'EtgBCkYIBxgC'],
    ]);
    expect(assembled.text).toMatch(/^I notice that you've sent what appears to be some kind of test string/);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 92, completion_tokens: 189 });
    expect(jsonBodyOf(onlyRequestTo(anthropicMock, MESSAGES_PATH))['thinking']).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  it.each([
    [ANTHROPIC_CACHE_WRITE, { cached_tokens: 0, cache_creation_tokens: 18639 }],
    [ANTHROPIC_CACHE_READ, { cached_tokens: 18639, cache_creation_tokens: 0 }],
  ])('reports prompt-cache usage from %s inside prompt_tokens', async (fixture, details) => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureSse(res, fixture, 'named-events'));

    const assembled = await collectChatStream(
      await client().chat.completions.create({ model: 'anthropic/claude-sonnet-4-6', messages: hello, stream: true, max_tokens: 1 }),
    );

    expect(assembled.usage).toMatchObject({ prompt_tokens: 18642, completion_tokens: 1, total_tokens: 18643, prompt_tokens_details: details });
    expect(assembled.finishReasons).toEqual(['length']);
  });

  it('asks Anthropic for structured output and returns the JSON document, streamed and not', async () => {
    anthropicMessages(anthropicMock, (req, res) =>
      jsonBodyOf(req)['stream'] === true
        ? replyFixtureSse(res, 'anthropic/anthropic-json-output-format.1.chunks.txt', 'named-events')
        : replyFixtureJson(res, 'anthropic/anthropic-json-output-format.1.json'),
    );
    const schema = { type: 'object', properties: { recipe: { type: 'object' } }, required: ['recipe'], additionalProperties: false };
    const request = {
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'user' as const, content: 'A lasagna recipe, please.' }],
      response_format: { type: 'json_schema' as const, json_schema: { name: 'recipe', schema, strict: true } },
    };

    const completion = await client().chat.completions.create(request);
    const streamed = await collectChatStream(await client().chat.completions.create({ ...request, stream: true }));

    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toMatchObject({ recipe: { name: 'Classic Lasagna' } });
    expect(JSON.parse(streamed.text)).toMatchObject({ characters: expect.any(Array) as unknown });
    for (const req of anthropicMock.requests) expect(jsonBodyOf(req)['output_config']).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('forwards x-bf-eh-anthropic-beta upstream as anthropic-beta', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureJson(res, ANTHROPIC_TEXT));

    await client().chat.completions.create(
      { model: 'anthropic/claude-sonnet-4-5', messages: hello },
      { headers: { 'x-bf-eh-anthropic-beta': 'context-1m-2025-08-07' } },
    );

    expect(onlyRequestTo(anthropicMock, MESSAGES_PATH).headers['anthropic-beta']).toBe('context-1m-2025-08-07');
  });

  it('returns Anthropic’s error as a BifrostError with its status and message', async () => {
    anthropicMessages(anthropicMock, (_req, res) => replyFixtureJson(res, ANTHROPIC_ERROR, 400));

    const { status, json } = await postJson(`${gateway.url}/v1/chat/completions`, { model: 'anthropic/claude-sonnet-4-5', messages: hello });

    expect(status).toBe(400);
    expect(json).toMatchObject({ is_bifrost_error: false, status_code: 400, error: { type: 'invalid_request_error' } });
    expect(String(asRecord(json['error'])['message'])).toMatch(/^messages\.2\.content\.0: unexpected `tool_use_id`/);
  });

  it('refuses logprobs with a 400 naming the parameter, without calling Anthropic', async () => {
    const { status, json } = await postJson(`${gateway.url}/v1/chat/completions`, { model: 'anthropic/claude-sonnet-4-5', messages: hello, logprobs: true });

    expect(status).toBe(400);
    expect(json).toMatchObject({ is_bifrost_error: true, error: { message: 'anthropic does not support logprobs', param: 'logprobs' } });
    expect(anthropicMock.requests).toHaveLength(0);
  });
});
