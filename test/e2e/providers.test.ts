/**
 * The `openai` SDK on `/v1` against every OpenAI-family provider, each replaced by a mock replaying
 * that provider's own recorded responses: what the SDK user gets back, and what Iris sent upstream.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { readJsonBody, readJsonlEvents } from '../support/fixtures.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import {
  CHAT_PATHS,
  UPSTREAM_KEYS,
  asRecord,
  collectChatStream,
  extraFieldsOf,
  fixtureMessage,
  jsonBodyOf,
  onlyRequestTo,
  openAIClient,
  postJson,
  replayChat,
  startE2EGateway,
} from './harness.js';
import type { E2EGateway } from './harness.js';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'weather',
    description: 'Current weather for a location',
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
} as const;

let env: E2EGateway;
let client: OpenAI;

beforeAll(async () => {
  env = await startE2EGateway(['openai', 'groq', 'xai', 'mistral', 'deepseek', 'perplexity']);
  client = openAIClient(`${env.url}/v1`);
});

afterEach(() => env.resetMocks());

afterAll(async () => {
  await env?.close();
});

function ask(model: string, content = 'Invent a new holiday and describe its traditions.') {
  return client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
}

function askStreaming(model: string, content = 'What is the weather in San Francisco?') {
  return client.chat.completions.create({
    model,
    messages: [{ role: 'user', content }],
    tools: [WEATHER_TOOL],
    stream: true,
    stream_options: { include_usage: true },
  });
}

/** The one upstream chat request a provider's mock got, checked for path and configured key. */
function upstreamChat(mock: MockUpstream, provider: keyof typeof CHAT_PATHS): Record<string, unknown> {
  const request = onlyRequestTo(mock, CHAT_PATHS[provider]);
  expect(request.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS[provider]}`);
  return jsonBodyOf(request);
}

describe('groq', () => {
  let mock: MockUpstream;
  beforeAll(() => {
    mock = env.mock('groq');
  });

  it('returns the recorded text completion and its usage', async () => {
    replayChat(mock, CHAT_PATHS.groq, { json: 'groq/groq-text.json' });

    const completion = await ask('groq/llama-3.3-70b-versatile');

    expect(completion.choices[0]?.message.content).toBe(fixtureMessage('groq/groq-text.json')['content']);
    expect(completion.model).toBe('llama-3.3-70b-versatile');
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'groq', model_requested: 'llama-3.3-70b-versatile' });
    expect(upstreamChat(mock, 'groq')['model']).toBe('llama-3.3-70b-versatile');
  });

  it('streams a tool call with its id, name, arguments, finish reason and usage', async () => {
    replayChat(mock, CHAT_PATHS.groq, { chunks: 'groq/groq-tool-call.chunks.txt' });

    const assembled = await collectChatStream(await askStreaming('groq/llama-3.3-70b-versatile'));

    expect(assembled.toolCalls).toEqual([{ id: 'tk85n1k4m', name: 'weather', arguments: '{}' }]);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 210, completion_tokens: 15, total_tokens: 225 });
    expect(asRecord(assembled.chunks[0])['x_groq']).toEqual({ id: 'req_01kh52nj5yfcat8hrmvrk2j2hj', seed: 689520654 });
    expect(upstreamChat(mock, 'groq')['stream']).toBe(true);
  });

  it('keeps the reasoning text of a reasoning model in message.reasoning', async () => {
    replayChat(mock, CHAT_PATHS.groq, { json: 'groq/groq-reasoning.json' });
    const recorded = fixtureMessage('groq/groq-reasoning.json');

    const completion = await ask('groq/qwen/qwen3-32b', 'How many r are in strawberry?');

    const message = asRecord(completion.choices[0]?.message);
    expect(message['content']).toBe(recorded['content']);
    expect(message['reasoning']).toBe(recorded['reasoning']);
    expect(String(message['reasoning'])).toContain('S-T-R-A-W-B-E-R-R-Y');
    expect(upstreamChat(mock, 'groq')['model']).toBe('qwen/qwen3-32b');
  });
});

describe('xai', () => {
  let mock: MockUpstream;
  beforeAll(() => {
    mock = env.mock('xai');
  });

  it('returns the recorded text with reasoning_content also exposed as reasoning', async () => {
    replayChat(mock, CHAT_PATHS.xai, { json: 'xai/chat/xai-text.json' });
    const recorded = fixtureMessage('xai/chat/xai-text.json');

    const completion = await ask('xai/grok-3-mini', 'Say a single word.');

    const message = asRecord(completion.choices[0]?.message);
    expect(message['content']).toBe('Hello');
    expect(message['reasoning']).toBe(recorded['reasoning_content']);
    expect(message['reasoning_content']).toBe(recorded['reasoning_content']);
    expect(completion.usage).toMatchObject({ total_tokens: 241, completion_tokens_details: { reasoning_tokens: 228 } });
    expect(upstreamChat(mock, 'xai')['model']).toBe('grok-3-mini');
  });

  it('streams reasoning deltas, then a tool call, the finish reason and the usage chunk', async () => {
    replayChat(mock, CHAT_PATHS.xai, { chunks: 'xai/chat/xai-tool-call.chunks.txt' });

    const assembled = await collectChatStream(await askStreaming('xai/grok-3-mini'));

    expect(assembled.reasoning).toBe('First, the user is');
    expect(assembled.toolCalls).toEqual([{ id: 'call_55117580', name: 'weather', arguments: '{"location":"San Francisco"}' }]);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 291, completion_tokens: 26, total_tokens: 513 });
    expect(assembled.chunks).toHaveLength(readJsonlEvents('xai/chat/xai-tool-call.chunks.txt').length);
  });
});

describe('mistral', () => {
  let mock: MockUpstream;
  beforeAll(() => {
    mock = env.mock('mistral');
  });

  it('returns the recorded text completion', async () => {
    replayChat(mock, CHAT_PATHS.mistral, { json: 'mistral/mistral-text.json' });

    const completion = await ask('mistral/mistral-small-latest');

    expect(completion.choices[0]?.message.content).toBe(fixtureMessage('mistral/mistral-text.json')['content']);
    expect(completion.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 434, total_tokens: 447 });
    expect(upstreamChat(mock, 'mistral')['model']).toBe('mistral-small-latest');
  });

  it('returns a tool call typed as a function (Mistral omits type) with its 9-character id', async () => {
    replayChat(mock, CHAT_PATHS.mistral, { json: 'mistral/mistral-tool-call.json' });

    const completion = await client.chat.completions.create({
      model: 'mistral/mistral-small-latest',
      messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
      tools: [WEATHER_TOOL],
    });

    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams an incremental tool call (id and name first, arguments later) with cached-token usage', async () => {
    replayChat(mock, CHAT_PATHS.mistral, { chunks: 'mistral/mistral-incremental-tool-call.chunks.txt' });

    const assembled = await collectChatStream(await askStreaming('mistral/zai-glm-5-2', 'Weather in Berlin?'));

    expect(assembled.toolCalls).toEqual([{ id: 'chatcmpl-tool-9f149c74c42f265b', name: 'webSearchTool', arguments: '{"query": "current Berlin weather"}' }]);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    expect(assembled.usage).toMatchObject({ total_tokens: 185, prompt_tokens_details: { cached_tokens: 128 } });
  });

  it('turns thinking content chunks into a string content and a reasoning field', async () => {
    replayChat(mock, CHAT_PATHS.mistral, { json: 'mistral/mistral-reasoning-history-live.json' });
    const recordedContent = fixtureMessage('mistral/mistral-reasoning-history-live.json')['content'];
    const thinking = Array.isArray(recordedContent) ? asRecord(recordedContent[0])['thinking'] : undefined;
    const thinkingText = Array.isArray(thinking) ? asRecord(thinking[0])['text'] : undefined;

    const completion = await ask('mistral/mistral-small-latest', 'What is 17 * 23?');

    const message = asRecord(completion.choices[0]?.message);
    expect(message['content']).toBe('391');
    expect(message['reasoning']).toBe(thinkingText);
    expect(String(message['reasoning'])).toContain('17 * 23 = 391');
  });

  it('receives a request in its own dialect: max_tokens, tool_choice any, no stream_options, 9-char tool ids', async () => {
    replayChat(mock, CHAT_PATHS.mistral, { chunks: 'mistral/mistral-incremental-tool-call.chunks.txt' });
    const openAIToolId = 'call_NZa7xqfefoaMI2YYHowVXVlU';
    const history: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is the weather in San Francisco?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: openAIToolId, type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } },
          { id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location":"Berlin"}' } },
        ],
      },
      { role: 'tool', tool_call_id: openAIToolId, content: '{"temperature":18}' },
      { role: 'tool', tool_call_id: 'gSIMJiOkT', content: '{"temperature":11}' },
      { role: 'user', content: 'And tomorrow?' },
    ];

    const assembled = await collectChatStream(
      await client.chat.completions.create({
        model: 'mistral/mistral-small-latest',
        messages: history,
        tools: [WEATHER_TOOL],
        tool_choice: 'required',
        max_completion_tokens: 64,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );

    expect(assembled.usage?.total_tokens).toBe(185);
    const sent = upstreamChat(mock, 'mistral');
    expect(sent['max_tokens']).toBe(64);
    expect(sent).not.toHaveProperty('max_completion_tokens');
    expect(sent['tool_choice']).toBe('any');
    expect(sent).not.toHaveProperty('stream_options');
    expect(sent['stream']).toBe(true);
    const messages = sent['messages'];
    if (!Array.isArray(messages)) throw new Error('upstream messages is not an array');
    const assistantIds = (asRecord(messages[1])['tool_calls'] as unknown[]).map((c) => asRecord(c)['id']);
    const toolIds = [asRecord(messages[2])['tool_call_id'], asRecord(messages[3])['tool_call_id']];
    for (const id of [...assistantIds, ...toolIds]) expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(toolIds).toEqual(assistantIds);
    expect(assistantIds[1]).toBe('gSIMJiOkT');
    expect(assistantIds[0]).not.toBe(assistantIds[1]);
  });
});

describe('deepseek', () => {
  let mock: MockUpstream;
  beforeAll(() => {
    mock = env.mock('deepseek');
  });

  it('returns the recorded text completion cut at the length limit', async () => {
    replayChat(mock, CHAT_PATHS.deepseek, { json: 'deepseek/deepseek-text.json' });

    const completion = await ask('deepseek/deepseek-chat');

    expect(completion.choices[0]?.message.content).toBe(fixtureMessage('deepseek/deepseek-text.json')['content']);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(upstreamChat(mock, 'deepseek')['model']).toBe('deepseek-chat');
  });

  it('exposes reasoning_content as reasoning, with the same text', async () => {
    replayChat(mock, CHAT_PATHS.deepseek, { json: 'deepseek/deepseek-reasoning.json' });
    const recorded = fixtureMessage('deepseek/deepseek-reasoning.json');

    const completion = await ask('deepseek/deepseek-reasoner', "How many 'r's are in the word 'strawberry'?");

    const message = asRecord(completion.choices[0]?.message);
    expect(message['content']).toBe(recorded['content']);
    expect(message['reasoning']).toBe(recorded['reasoning_content']);
    expect(message['reasoning']).toBe(message['reasoning_content']);
  });

  it('streams reasoning deltas, then a tool call with arguments split over many chunks', async () => {
    replayChat(mock, CHAT_PATHS.deepseek, { chunks: 'deepseek/deepseek-tool-call.chunks.txt' });

    const assembled = await collectChatStream(await askStreaming('deepseek/deepseek-reasoner'));

    expect(assembled.reasoning).toBe(
      'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. ' +
        'Let me invoke the weather tool with the location parameter set to "San Francisco".',
    );
    expect(assembled.toolCalls).toEqual([{ id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', arguments: '{"location": "San Francisco"}' }]);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 339, completion_tokens: 83, total_tokens: 422 });
    expect(assembled.chunks).toHaveLength(readJsonlEvents('deepseek/deepseek-tool-call.chunks.txt').length);
  });
});

describe('perplexity', () => {
  let mock: MockUpstream;
  beforeAll(() => {
    mock = env.mock('perplexity');
  });

  it('is called at /chat/completions (no /v1) and its citations reach the caller', async () => {
    replayChat(mock, CHAT_PATHS.perplexity, { json: 'perplexity/perplexity-text.json' });
    const recorded = asRecord(readJsonBody('perplexity/perplexity-text.json'));

    const completion = await ask('perplexity/sonar');

    expect(completion.choices[0]?.message.content).toBe(fixtureMessage('perplexity/perplexity-text.json')['content']);
    expect(asRecord(completion)['citations']).toEqual(recorded['citations']);
    expect(upstreamChat(mock, 'perplexity')['model']).toBe('sonar');
    expect(mock.requests.map((r) => r.path)).toEqual(['/chat/completions']);
  });

  it('streams text with the citations on every chunk and the finish reason of the done chunk', async () => {
    const fixture = 'perplexity/perplexity-citations.chunks.txt';
    replayChat(mock, CHAT_PATHS.perplexity, { chunks: fixture });
    const recordedCitations = asRecord(readJsonlEvents(fixture)[0])['citations'];

    const assembled = await collectChatStream(
      await client.chat.completions.create({
        model: 'perplexity/sonar',
        messages: [{ role: 'user', content: 'What is the population of San Francisco?' }],
        stream: true,
      }),
    );

    expect(assembled.text).toBe('The current population of **[2][3]');
    expect(assembled.finishReasons).toEqual(['stop']);
    expect(assembled.chunks).toHaveLength(readJsonlEvents(fixture).length);
    for (const chunk of assembled.chunks) expect(asRecord(chunk)['citations']).toEqual(recordedCitations);
    expect(assembled.usage).toMatchObject({ completion_tokens: 336, total_tokens: 346 });
    expect(mock.requests.map((r) => r.path)).toEqual(['/chat/completions']);
  });
});

describe('upstream errors', () => {
  const ERROR_FIXTURE = 'openai/chat/reasoning-model-legacy-parameter-error.json';
  const upstreamMessage = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
  let mock: MockUpstream;
  beforeAll(() => {
    mock = env.mock('openai');
  });

  function serveError(): void {
    mock.on('POST', CHAT_PATHS.openai, (_req, res) => {
      const body = JSON.stringify(readJsonBody(ERROR_FIXTURE));
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }

  async function caught(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (err) {
      return err;
    }
    throw new Error('expected the SDK call to fail');
  }

  it('reach the SDK as an APIError with the upstream status, message, code and param', async () => {
    serveError();

    const err = await caught(
      client.chat.completions.create({
        model: 'openai/o3-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 100,
      }),
    );

    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain(upstreamMessage);
    expect(apiError.code).toBe('unsupported_parameter');
    expect(apiError.param).toBe('max_tokens');
    expect(apiError.type).toBe('invalid_request_error');
  });

  it('reach a streaming request as the same APIError before any chunk', async () => {
    serveError();

    const err = await caught(
      client.chat.completions.create({
        model: 'openai/o3-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 100,
        stream: true,
      }),
    );

    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.code).toBe('unsupported_parameter');
    expect(apiError.param).toBe('max_tokens');
  });

  it('carry is_bifrost_error false and the upstream details in the raw body', async () => {
    serveError();

    const { status, json } = await postJson(`${env.url}/v1/chat/completions`, {
      model: 'openai/o3-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 100,
    });

    expect(status).toBe(400);
    expect(json['is_bifrost_error']).toBe(false);
    expect(json['status_code']).toBe(400);
    expect(json['error']).toMatchObject({
      message: upstreamMessage,
      type: 'invalid_request_error',
      code: 'unsupported_parameter',
      param: 'max_tokens',
    });
    expect(json['extra_fields']).toMatchObject({ provider: 'openai', model_requested: 'o3-mini' });
  });
});
