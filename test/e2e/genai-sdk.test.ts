/**
 * The official `@google/genai` SDK against Iris's `/genai` surface, served by an OpenAI mock
 * (model `openai/...`), an Anthropic mock (`anthropic/...`), a DeepSeek mock (`deepseek/...`) and a Gemini mock (bare Gemini names);
 * and the `openai` SDK on `/v1` with `gemini/...`, served by the Gemini mock. Every mock replays
 * real recordings.
 */
import { ApiError, GoogleGenAI, Type, type Content } from '@google/genai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../src/index.js';
import { readJsonBody, readVcr } from '../support/fixtures.js';
import { replyFixtureJson, replyFixtureSse, replyJson, replySse, replyVcr, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream.js';
import { asRecord, collectChatStream, extraFieldsOf, jsonBodyOf, onlyRequestTo, openAIClient } from './harness.js';
import { startTestGateway } from '../support/test-gateway.js';

const OPENAI_KEY = 'sk-openai-e2e-key';
const ANTHROPIC_KEY = 'sk-ant-e2e-key';
const GEMINI_KEY = 'gemini-e2e-key';

const OPENAI_TEXT = 'openai/chat/openai-text.json';
const OPENAI_TOOL_JSON = 'openai/chat/pydantic-ai/test_image_url_tool_response.yaml';
const OPENAI_TOOL_STREAM = 'openai/chat/pydantic-ai/test_run_stream_sync_streams_real_model.yaml';
const OPENAI_JSON_OUTPUT = 'openai/chat/pydantic-ai/test_openai_native_output.yaml';
const ANTHROPIC_TEXT = 'anthropic/anthropic-text.json';
const ANTHROPIC_TEXT_STREAM = 'anthropic/anthropic-text.chunks.txt';
const ANTHROPIC_TOOL = 'anthropic/anthropic-tool-no-args.json';
const ANTHROPIC_THINKING = 'anthropic/anthropic-clear-thinking.1.json';
const ANTHROPIC_THINKING_STREAM = 'anthropic/anthropic-clear-thinking.1.chunks.txt';
const SIGNATURE_CASSETTE = 'google/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml';

const CHAT_PATH = '/v1/chat/completions';
const MESSAGES_PATH = '/v1/messages';
const geminiPath = (model: string, method: string): string => `/v1beta/models/${model}:${method}`;

let gateway: RunningGateway;
let openaiMock: MockUpstream;
let anthropicMock: MockUpstream;
let geminiMock: MockUpstream;
let deepseekMock: MockUpstream;

beforeAll(async () => {
  [openaiMock, anthropicMock, geminiMock, deepseekMock] = await Promise.all([
    startMockUpstream(),
    startMockUpstream(),
    startMockUpstream(),
    startMockUpstream(),
  ]);
  gateway = await startTestGateway({
    providers: {
      openai: { keys: [{ name: 'openai-e2e', models: ['*'], value: OPENAI_KEY }], network_config: { base_url: openaiMock.url } },
      anthropic: { keys: [{ name: 'anthropic-e2e', models: ['*'], value: ANTHROPIC_KEY }], network_config: { base_url: anthropicMock.url } },
      gemini: { keys: [{ name: 'gemini-e2e', models: ['*'], value: GEMINI_KEY }], network_config: { base_url: geminiMock.url } },
      deepseek: { keys: [{ name: 'deepseek-e2e', models: ['*'], value: 'sk-deepseek-e2e-key' }], network_config: { base_url: deepseekMock.url } },
    },
  });
});

afterEach(() => {
  openaiMock.reset();
  anthropicMock.reset();
  geminiMock.reset();
  deepseekMock.reset();
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([openaiMock?.close(), anthropicMock?.close(), geminiMock?.close(), deepseekMock?.close()]);
});

function genai(): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'client-key-not-forwarded', httpOptions: { baseUrl: `${gateway.url}/genai`, timeout: 10_000 } });
}

function recordedMessage(rel: string): Record<string, unknown> {
  const choices = asRecord(readJsonBody(rel))['choices'] as unknown[];
  return asRecord(asRecord(choices[0])['message']);
}

/** Serves a two-step recorded tool round trip: the tool-result turn gets interaction 1. */
function serveOpenAIRoundTrip(rel: string): void {
  const { interactions } = readVcr(rel);
  openaiMock.on('POST', CHAT_PATH, (req, res) => {
    const messages = jsonBodyOf(req)['messages'] as unknown[];
    const turn = messages.some((m) => asRecord(m)['role'] === 'tool') ? 1 : 0;
    return replyVcr(res, interactions[turn]!.response);
  });
}

function requestsTo(mock: MockUpstream, path: string): RecordedRequest[] {
  return mock.requests.filter((r) => r.path === path);
}

describe('@google/genai → /genai → OpenAI', () => {
  it('generateContent: text, usage and generation settings translated both ways', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, OPENAI_TEXT));
    const response = await genai().models.generateContent({
      model: 'openai/gpt-4.1-nano',
      contents: 'Invent a holiday.',
      config: { systemInstruction: 'Be creative.', temperature: 0.7, topP: 0.9, maxOutputTokens: 400, stopSequences: ['THE END'] },
    });
    expect(response.text).toBe(recordedMessage(OPENAI_TEXT)['content']);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 16, candidatesTokenCount: 363, totalTokenCount: 379 });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, CHAT_PATH))).toMatchObject({
      model: 'gpt-4.1-nano',
      messages: [
        { role: 'system', content: 'Be creative.' },
        { role: 'user', content: 'Invent a holiday.' },
      ],
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 400,
      stop: ['THE END'],
    });
    expect(onlyRequestTo(openaiMock, CHAT_PATH).headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it('a model written URL-encoded in one path segment reaches the same provider', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, OPENAI_TEXT));
    const res = await fetch(`${gateway.url}/genai/v1beta/models/openai%2Fgpt-4.1-nano:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(res.status).toBe(200);
    expect(jsonBodyOf(onlyRequestTo(openaiMock, CHAT_PATH))['model']).toBe('gpt-4.1-nano');
  });

  it('generateContent with tools: functionCall → functionResponse → final answer, call ids carried across', async () => {
    serveOpenAIRoundTrip(OPENAI_TOOL_JSON);
    const ai = genai();
    const question = 'What food is in the image you can get from the get_image tool?';
    const tools = [{ functionDeclarations: [{ name: 'get_image', description: '', parameters: { type: Type.OBJECT, properties: {} } }] }];
    const first = await ai.models.generateContent({ model: 'openai/gpt-4o', contents: question, config: { tools } });
    expect(first.functionCalls).toEqual([{ id: 'call_4hrT4QP9jfojtK69vGiFCFjG', name: 'get_image', args: {} }]);
    expect(first.candidates?.[0]?.finishReason).toBe('STOP');

    const imageUrl = 'https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg';
    const history: Content[] = [
      { role: 'user', parts: [{ text: question }] },
      first.candidates![0]!.content!,
      {
        role: 'user',
        parts: [
          { functionResponse: { id: first.functionCalls![0]!.id!, name: 'get_image', response: { content: 'See file bd38f5' } } },
          { text: 'This is file bd38f5:' },
          { fileData: { fileUri: imageUrl, mimeType: 'image/jpeg' } },
        ],
      },
    ];
    const second = await ai.models.generateContent({ model: 'openai/gpt-4o', contents: history, config: { tools } });
    const recordedFinal = readVcr(OPENAI_TOOL_JSON).interactions[1]!.response.parsedBody as { choices: Array<{ message: { content: string } }> };
    expect(second.text).toBe(recordedFinal.choices[0]!.message.content);

    const sent = jsonBodyOf(requestsTo(openaiMock, CHAT_PATH)[1]!);
    const recordedSecond = asRecord(readVcr(OPENAI_TOOL_JSON).interactions[1]!.request.json);
    const messages = sent['messages'] as unknown[];
    expect(messages[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_4hrT4QP9jfojtK69vGiFCFjG', type: 'function', function: { name: 'get_image', arguments: '{}' } }],
    });
    expect(messages.slice(2)).toEqual((recordedSecond['messages'] as unknown[]).slice(2));
    expect(sent['tools']).toEqual([{ type: 'function', function: { name: 'get_image', description: '', parameters: { type: 'object', properties: {} } } }]);
  });

  it('generateContentStream: text streams out, tool calls arrive whole, then the final answer after the result', async () => {
    serveOpenAIRoundTrip(OPENAI_TOOL_STREAM);
    const ai = genai();
    const question = 'What is the capital of the UK? Use the tool, then answer.';
    const tools = [
      {
        functionDeclarations: [
          { name: 'get_capital', description: '', parameters: { type: Type.OBJECT, properties: { country: { type: Type.STRING } }, required: ['country'] } },
        ],
      },
    ];
    const calls: unknown[] = [];
    let lastFinish: string | undefined;
    let modelTurn: Content | undefined;
    for await (const chunk of await ai.models.generateContentStream({ model: 'openai/gpt-4o-mini', contents: question, config: { tools } })) {
      calls.push(...(chunk.functionCalls ?? []));
      if (chunk.functionCalls?.length) modelTurn = chunk.candidates![0]!.content!;
      lastFinish = chunk.candidates?.[0]?.finishReason ?? lastFinish;
    }
    expect(calls).toEqual([{ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', args: { country: 'UK' } }]);
    expect(lastFinish).toBe('STOP');
    const firstRequest = jsonBodyOf(requestsTo(openaiMock, CHAT_PATH)[0]!);
    expect(firstRequest).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    let text = '';
    let usage: unknown;
    const history: Content[] = [
      { role: 'user', parts: [{ text: question }] },
      modelTurn!,
      { role: 'user', parts: [{ functionResponse: { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', response: { content: 'London' } } }] },
    ];
    for await (const chunk of await ai.models.generateContentStream({ model: 'openai/gpt-4o-mini', contents: history, config: { tools } })) {
      text += chunk.text ?? '';
      usage = chunk.usageMetadata ?? usage;
    }
    expect(text).toBe('The capital of the UK is London.');
    expect(usage).toMatchObject({ promptTokenCount: expect.any(Number), totalTokenCount: expect.any(Number) });
    const recordedSecond = asRecord(readVcr(OPENAI_TOOL_STREAM).interactions[1]!.request.json);
    expect(jsonBodyOf(requestsTo(openaiMock, CHAT_PATH)[1]!)['messages']).toEqual(recordedSecond['messages']);
  });

  it('generateContent with a responseSchema: OpenAI gets a json_schema response format, and the JSON answer parses', async () => {
    const answer = readVcr(OPENAI_JSON_OUTPUT).interactions[1]!.response;
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyJson(res, 200, answer.parsedBody));
    const response = await genai().models.generateContent({
      model: 'openai/gpt-4o',
      contents: 'What is the largest city in Mexico?',
      config: {
        responseMimeType: 'application/json',
        responseSchema: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, country: { type: Type.STRING } }, required: ['city', 'country'] },
      },
    });
    expect(JSON.parse(response.text ?? '')).toEqual({ city: 'Mexico City', country: 'Mexico' });
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(jsonBodyOf(onlyRequestTo(openaiMock, CHAT_PATH))['response_format']).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'response',
        schema: { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'] },
      },
    });
  });

  it('embedContent with several texts: one embedding per text, in order', async () => {
    openaiMock.on('POST', '/v1/embeddings', (req, res) =>
      replyJson(res, 200, {
        object: 'list',
        data: (jsonBodyOf(req)['input'] as string[]).map((_t, index) => ({ object: 'embedding', index, embedding: [index, 0.5] })),
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      }),
    );
    const result = await genai().models.embedContent({
      model: 'openai/text-embedding-3-small',
      contents: ['first', 'second'],
      config: { outputDimensionality: 2 },
    });
    expect(result.embeddings?.map((e) => e.values)).toEqual([
      [0, 0.5],
      [1, 0.5],
    ]);
    expect(jsonBodyOf(onlyRequestTo(openaiMock, '/v1/embeddings'))).toMatchObject({
      model: 'text-embedding-3-small',
      input: ['first', 'second'],
      dimensions: 2,
    });
  });

  it('an upstream error comes back in Google’s error shape with its status', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) =>
      replyJson(res, 429, { error: { message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded' } }),
    );
    const error = await genai()
      .models.generateContent({ model: 'openai/gpt-4o', contents: 'hi' })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect(JSON.parse((error as ApiError).message)).toEqual({ error: { code: 429, message: 'Rate limit reached for gpt-4o', status: 'RESOURCE_EXHAUSTED' } });
  });

  it('a setting no OpenAI model can honour is refused with INVALID_ARGUMENT, before any upstream call', async () => {
    const error = await genai()
      .models.generateContent({
        model: 'openai/gpt-4o',
        contents: 'hi',
        config: { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH' as never, threshold: 'BLOCK_NONE' as never }] },
      })
      .catch((err: unknown) => err);
    expect((error as ApiError).status).toBe(400);
    expect(JSON.parse((error as ApiError).message)).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('safetySettings') },
    });
    expect(openaiMock.requests).toEqual([]);
  });

  it('a mid-stream upstream failure ends the stream with an error the SDK raises', async () => {
    openaiMock.on('POST', CHAT_PATH, (_req, res) =>
      replySse(
        res,
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}\n\ndata: {"error":{"message":"server exploded","type":"server_error"}}\n\n',
      ),
    );
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of await genai().models.generateContentStream({ model: 'openai/gpt-4o', contents: 'hi' })) seen.push(chunk.text ?? '');
    })().catch((err: unknown) => err);
    expect(seen).toEqual(['partial']);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toContain('server exploded');
  });
});

describe('@google/genai → /genai → Anthropic', () => {
  it('text, not streamed and streamed', async () => {
    anthropicMock.on('POST', MESSAGES_PATH, (req, res) =>
      jsonBodyOf(req)['stream'] === true ? replyFixtureSse(res, ANTHROPIC_TEXT_STREAM, 'named-events') : replyFixtureJson(res, ANTHROPIC_TEXT),
    );
    const ai = genai();
    const model = 'anthropic/claude-sonnet-4-5-20250929';
    const response = await ai.models.generateContent({ model, contents: 'Hello, how are you?', config: { maxOutputTokens: 256 } });
    expect(response.text).toMatch(/^Hello! I'm doing well, thanks for asking\./);
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 29 });
    expect(jsonBodyOf(requestsTo(anthropicMock, MESSAGES_PATH)[0]!)).toMatchObject({ model: 'claude-sonnet-4-5-20250929', max_tokens: 256 });

    let text = '';
    let finish: string | undefined;
    for await (const chunk of await ai.models.generateContentStream({ model, contents: 'Hello, how are you?' })) {
      text += chunk.text ?? '';
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(text).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    expect(finish).toBe('STOP');
  });

  it('tool round trip: the functionResponse reaches Claude as a tool_result for its tool_use id', async () => {
    anthropicMock.on('POST', MESSAGES_PATH, (req, res) => {
      const messages = jsonBodyOf(req)['messages'] as unknown[];
      return messages.length > 1 ? replyFixtureJson(res, ANTHROPIC_TEXT) : replyFixtureJson(res, ANTHROPIC_TOOL);
    });
    const ai = genai();
    const model = 'anthropic/claude-3-opus-20240229';
    const tools = [
      { functionDeclarations: [{ name: 'updateIssueList', description: 'Update the issue list', parameters: { type: Type.OBJECT, properties: {} } }] },
    ];
    const first = await ai.models.generateContent({ model, contents: 'Update the issue list', config: { tools } });
    expect(first.functionCalls).toEqual([{ id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', args: {} }]);
    expect(first.text).toContain('Okay, I will update the current issue list:');
    const second = await ai.models.generateContent({
      model,
      contents: [
        { role: 'user', parts: [{ text: 'Update the issue list' }] },
        first.candidates![0]!.content!,
        { role: 'user', parts: [{ functionResponse: { id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', response: { updated: 3 } } }] },
      ],
      config: { tools },
    });
    expect(second.text).toMatch(/^Hello!/);
    const sent = jsonBodyOf(requestsTo(anthropicMock, MESSAGES_PATH)[1]!)['messages'] as Array<{ role: string; content: unknown }>;
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      content: expect.arrayContaining([{ type: 'tool_use', id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', input: {} }]),
    });
    expect(sent[2]).toMatchObject({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', content: '{"updated":3}' }],
    });
  });

  it('thinkingConfig: the budget reaches Claude as thinking, and the thinking comes back as a thought part, streamed and not', async () => {
    anthropicMock.on('POST', MESSAGES_PATH, (req, res) =>
      jsonBodyOf(req)['stream'] === true ? replyFixtureSse(res, ANTHROPIC_THINKING_STREAM, 'named-events') : replyFixtureJson(res, ANTHROPIC_THINKING),
    );
    const ai = genai();
    const model = 'anthropic/claude-sonnet-4-5';
    const config = { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } };
    const recorded = (readJsonBody(ANTHROPIC_THINKING) as { content: Array<{ signature?: string }> }).content;

    const response = await ai.models.generateContent({ model, contents: 'What is 925 divided by 5?', config });

    expect(response.candidates?.[0]?.content?.parts).toEqual([
      { text: '925 divided by 5 = 185', thought: true, thoughtSignature: recorded[0]!.signature },
      { text: '925 ÷ 5 = 185' },
    ]);
    expect(response.text).toBe('925 ÷ 5 = 185');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 69, candidatesTokenCount: 33 });

    let thoughts = '';
    let text = '';
    for await (const chunk of await ai.models.generateContentStream({ model, contents: 'And divided by 5?', config })) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.thought) thoughts += part.text ?? '';
        else text += part.text ?? '';
      }
    }
    expect(thoughts).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(text).toBe('925 ÷ 5 = 185');

    // Anthropic counts thinking inside max_tokens: with no limit set, the default answer room is added to the budget.
    for (const req of requestsTo(anthropicMock, MESSAGES_PATH)) {
      expect(jsonBodyOf(req)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 1024 + 4096 });
    }
    expect(requestsTo(anthropicMock, MESSAGES_PATH)).toHaveLength(2);
  });

  it('application/json without a schema is refused with INVALID_ARGUMENT naming the format, before any upstream call', async () => {
    const error = await genai()
      .models.generateContent({ model: 'anthropic/claude-sonnet-4-5', contents: 'A recipe as JSON.', config: { responseMimeType: 'application/json' } })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect(JSON.parse((error as ApiError).message)).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('json_schema') },
    });
    expect(anthropicMock.requests).toEqual([]);
  });
});

describe('@google/genai → /genai → DeepSeek, thinking without includeThoughts', () => {
  const thinkingConfig = { includeThoughts: false, thinkingBudget: 1024 };

  it('generateContent: DeepSeek reasons at the asked effort, and none of its reasoning reaches the client', async () => {
    deepseekMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, 'deepseek/deepseek-reasoning.json'));
    const response = await genai().models.generateContent({
      model: 'deepseek/deepseek-reasoner',
      contents: "How many 'r's are in the word 'strawberry'?",
      config: { thinkingConfig },
    });
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts.filter((part) => part.thought)).toEqual([]);
    expect(response.text).toBe(recordedMessage('deepseek/deepseek-reasoning.json')['content']);
    expect(response.usageMetadata).toMatchObject({ thoughtsTokenCount: 315 });
    expect(jsonBodyOf(onlyRequestTo(deepseekMock, CHAT_PATH))).toMatchObject({ reasoning_effort: 'low' });
  });

  it('generateContentStream: the tool call streams out, none of the reasoning does', async () => {
    deepseekMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureSse(res, 'deepseek/deepseek-tool-call.chunks.txt', 'openai', { splitEvery: 31 }));
    const parts: Record<string, unknown>[] = [];
    const stream = await genai().models.generateContentStream({
      model: 'deepseek/deepseek-reasoner',
      contents: 'What is the weather in San Francisco?',
      config: {
        thinkingConfig,
        tools: [{ functionDeclarations: [{ name: 'weather', parameters: { type: Type.OBJECT, properties: { location: { type: Type.STRING } } } }] }],
      },
    });
    for await (const chunk of stream) parts.push(...((chunk.candidates?.[0]?.content?.parts ?? []) as Record<string, unknown>[]));
    expect(parts.filter((part) => part['thought'])).toEqual([]);
    expect(parts.filter((part) => part['functionCall'])).toEqual([
      { functionCall: expect.objectContaining({ name: 'weather', args: { location: 'San Francisco' } }) },
    ]);
  });
});

describe('@google/genai → /genai → Gemini (bare model names)', () => {
  it('responseMimeType and responseSchema reach Gemini in generationConfig, and the JSON answer parses', async () => {
    geminiMock.on('POST', geminiPath('gemini-2.5-flash', 'generateContent'), (_req, res) => replyFixtureJson(res, 'google/google-response-schema-7689.json'));
    const response = await genai().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Where is the Eiffel Tower? Answer with the city.',
      config: {
        responseMimeType: 'application/json',
        responseSchema: { type: Type.OBJECT, properties: { location: { type: Type.STRING } }, required: ['location'] },
      },
    });
    expect(JSON.parse(response.text ?? '')).toEqual({ location: 'Paris' });
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 6, candidatesTokenCount: 5, thoughtsTokenCount: 40 });
    expect(jsonBodyOf(onlyRequestTo(geminiMock, geminiPath('gemini-2.5-flash', 'generateContent')))['generationConfig']).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    });
  });

  it("a responseSchema's propertyOrdering reaches Gemini unchanged", async () => {
    geminiMock.on('POST', geminiPath('gemini-2.5-flash', 'generateContent'), (_req, res) => replyFixtureJson(res, 'google/google-response-schema-7689.json'));
    const responseSchema = {
      type: Type.OBJECT,
      properties: { location: { type: Type.STRING }, country: { type: Type.STRING } },
      propertyOrdering: ['location', 'country'],
    };
    await genai().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Where is the Eiffel Tower?',
      config: { responseMimeType: 'application/json', responseSchema },
    });
    expect(jsonBodyOf(onlyRequestTo(geminiMock, geminiPath('gemini-2.5-flash', 'generateContent')))['generationConfig']).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { location: { type: 'string' }, country: { type: 'string' } }, propertyOrdering: ['location', 'country'] },
    });
  });

  it('the thought signature of a function call survives the round trip through the SDK', async () => {
    geminiMock.on('POST', geminiPath('gemini-3-pro-preview', 'generateContent'), (req, res) => {
      const contents = jsonBodyOf(req)['contents'] as unknown[];
      return contents.length > 1 ? replyFixtureJson(res, 'google/google-text.json') : replyFixtureJson(res, 'google/google-tool-call.json');
    });
    const ai = genai();
    const tools = [{ functionDeclarations: [{ name: 'weather', parameters: { type: Type.OBJECT, properties: { location: { type: Type.STRING } } } }] }];
    const first = await ai.models.generateContent({
      model: 'gemini-3-pro-preview',
      contents: 'Weather in SF?',
      config: { tools, safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH' as never, threshold: 'BLOCK_NONE' as never }] },
    });
    expect(first.functionCalls?.map((c) => [c.name, c.args])).toEqual([['weather', { location: 'San Francisco' }]]);
    const signature = (readJsonBody('google/google-tool-call.json') as { candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }> })
      .candidates[0]!.content.parts[0]!.thoughtSignature;
    expect(first.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBe(signature);
    expect(jsonBodyOf(geminiMock.requests[0]!)['safetySettings']).toEqual([{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }]);

    const second = await ai.models.generateContent({
      model: 'gemini-3-pro-preview',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in SF?' }] },
        first.candidates![0]!.content!,
        { role: 'user', parts: [{ functionResponse: { id: first.functionCalls![0]!.id!, name: 'weather', response: { forecast: 'sunny' } } }] },
      ],
      config: { tools },
    });
    expect(second.text).toContain('**3**');
    const sent = jsonBodyOf(geminiMock.requests[1]!)['contents'] as Array<{ role: string; parts: unknown[] }>;
    expect(sent[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: signature }],
    });
    expect(sent[2]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'weather', response: { forecast: 'sunny' } } }] });
    expect(geminiMock.requests[1]!.headers['x-goog-api-key']).toBe(GEMINI_KEY);
  });

  it('thoughts stream back as thought parts', async () => {
    geminiMock.on('POST', geminiPath('gemma-4-26b-a4b-it', 'streamGenerateContent'), (_req, res) =>
      replyFixtureSse(res, 'google/gemma-4-output-usage.chunks.txt', 'gemini'),
    );
    let thoughts = '';
    let text = '';
    let usage: unknown;
    for await (const chunk of await genai().models.generateContentStream({
      model: 'gemma-4-26b-a4b-it',
      contents: 'Reply with exactly: hello',
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    })) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.thought) thoughts += part.text ?? '';
        else text += part.text ?? '';
      }
      usage = chunk.usageMetadata ?? usage;
    }
    expect(text).toBe('hello');
    expect(thoughts).toMatch(/^\* {3}User input: "Reply with exactly: hello"/);
    expect(usage).toEqual({ promptTokenCount: 6, candidatesTokenCount: 1, thoughtsTokenCount: 76, totalTokenCount: 83 });
    expect(jsonBodyOf(geminiMock.requests[0]!)['generationConfig']).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
  });

  it('fallbacks in the body: a failing Gemini model falls back to another provider', async () => {
    geminiMock.on('POST', geminiPath('gemini-2.5-flash', 'generateContent'), (_req, res) =>
      replyJson(res, 503, { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }),
    );
    openaiMock.on('POST', CHAT_PATH, (_req, res) => replyFixtureJson(res, OPENAI_TEXT));
    const response = await genai().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Invent a holiday.',
      config: { httpOptions: { extraBody: { fallbacks: ['openai/gpt-4.1-nano'] } } },
    });
    expect(response.text).toBe(recordedMessage(OPENAI_TEXT)['content']);
    expect(geminiMock.requests).toHaveLength(1);
    expect(jsonBodyOf(onlyRequestTo(openaiMock, CHAT_PATH))['model']).toBe('gpt-4.1-nano');
  });

  it('a Gemini error keeps Google’s message and status', async () => {
    geminiMock.on('POST', geminiPath('gemini-2.5-flash', 'generateContent'), (_req, res) => replyFixtureJson(res, 'google/google-429-retry-info.json', 429));
    const error = (await genai()
      .models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })
      .catch((err: unknown) => err)) as ApiError;
    expect(error.status).toBe(429);
    expect(JSON.parse(error.message)).toEqual({
      error: { code: 429, message: 'You exceeded your current quota, please check your plan.', status: 'RESOURCE_EXHAUSTED' },
    });
  });
});

describe('openai SDK → /v1 → Gemini', () => {
  const client = (): ReturnType<typeof openAIClient> => openAIClient(`${gateway.url}/v1`);

  it('text: content and usage with reasoning tokens counted in completion tokens', async () => {
    geminiMock.on('POST', geminiPath('gemini-3-pro-preview', 'generateContent'), (_req, res) => replyFixtureJson(res, 'google/google-text.json'));
    const completion = await client().chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      messages: [{ role: 'user', content: "How many r's in strawberry?" }],
    });
    expect(completion.choices[0]!.message.content).toBe("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 272,
      total_tokens: 281,
      completion_tokens_details: { reasoning_tokens: 244 },
    });
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'gemini', model_requested: 'gemini-3-pro-preview', request_type: 'chat_completion' });
  });

  it('stream: text deltas then one final chunk with finish reason and usage', async () => {
    geminiMock.on('POST', geminiPath('gemini-3-pro-preview', 'streamGenerateContent'), (_req, res) =>
      replyFixtureSse(res, 'google/google-text.chunks.txt', 'gemini', { splitEvery: 13 }),
    );
    const stream = await client().chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    const assembled = await collectChatStream(stream);
    expect(assembled.text).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(assembled.finishReasons).toEqual(['stop']);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 208, total_tokens: 217 });
  });

  it('reasoning: thought parts stream as delta.reasoning', async () => {
    geminiMock.on('POST', geminiPath('gemma-4-26b-a4b-it', 'streamGenerateContent'), (_req, res) =>
      replyFixtureSse(res, 'google/gemma-4-output-usage.chunks.txt', 'gemini'),
    );
    const stream = await client().chat.completions.create({
      model: 'gemini/gemma-4-26b-a4b-it',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      reasoning_effort: 'low',
    });
    const assembled = await collectChatStream(stream);
    expect(assembled.text).toBe('hello');
    expect(assembled.reasoning).toMatch(/Output: "hello"$/);
    expect(jsonBodyOf(onlyRequestTo(geminiMock, geminiPath('gemma-4-26b-a4b-it', 'streamGenerateContent')))['generationConfig']).toEqual({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
  });

  it('reasoning without thought text: google-reasoning.json reports reasoning tokens', async () => {
    geminiMock.on('POST', geminiPath('gemini-3-pro-preview', 'generateContent'), (_req, res) => replyFixtureJson(res, 'google/google-reasoning.json'));
    const completion = await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages: [{ role: 'user', content: 'count' }] });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(282);
  });

  it('tool call: the thought signature comes back on the tool call and goes to Gemini on the next turn', async () => {
    geminiMock.on('POST', geminiPath('gemini-3-pro-preview', 'generateContent'), (req, res) => {
      const contents = jsonBodyOf(req)['contents'] as unknown[];
      return replyFixtureJson(res, contents.length > 1 ? 'google/google-text.json' : 'google/google-tool-call.json');
    });
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
      },
    ];
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in San Francisco?' }];
    const first = await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools });
    const message = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const call = message.tool_calls![0]!;
    expect(call).toMatchObject({
      id: 'call_m36LaZGyCLz1xs0PtNSB-QU_0',
      type: 'function',
      function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
    });
    const signature = asRecord(asRecord(asRecord(call)['extra_content'])['google'])['thought_signature'];
    expect(signature).toMatch(/^EskgCsYgAb4\+9vtF7/);

    messages.push(message, { role: 'tool', tool_call_id: call.id, content: '{"temperature":"18C"}' });
    await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools });
    const contents = jsonBodyOf(geminiMock.requests[1]!)['contents'] as unknown[];
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: signature }],
    });
    expect(contents[2]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'weather', response: { temperature: '18C' } } }] });
  });

  it('streamed tool call (pydantic-ai cassette): the second request carries the thoughtSignature from the first response', async () => {
    const { interactions } = readVcr(SIGNATURE_CASSETTE);
    geminiMock.on('POST', geminiPath('gemini-3-pro-preview', 'streamGenerateContent'), (req, res) => {
      const contents = jsonBodyOf(req)['contents'] as unknown[];
      return replyVcr(res, interactions[contents.length > 1 ? 1 : 0]!.response, { splitEvery: 64 });
    });
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'get_country', description: '', parameters: { type: 'object', properties: {}, additionalProperties: false } },
      },
    ];
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the capital of the user country? Call the tool' }];
    const stream = await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools, stream: true });
    const assembled = await collectChatStream(stream);
    expect(assembled.toolCalls).toEqual([{ id: 'call_QUVVadTSNJ6_qtsPvN7J8Q0_0', name: 'get_country', arguments: '{}' }]);
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    const extra = assembled.chunks
      .flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))
      .map((t) => asRecord(t)['extra_content'])
      .find((e) => e !== undefined);
    const signature = String(asRecord(asRecord(extra)['google'])['thought_signature']);

    messages.push(
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: assembled.toolCalls[0]!.id,
            type: 'function',
            function: { name: 'get_country', arguments: '{}' },
            extra_content: { google: { thought_signature: signature } },
          } as never,
        ],
      },
      { role: 'tool', tool_call_id: assembled.toolCalls[0]!.id, content: '{"return_value":"Mexico"}' },
    );
    const answer = await collectChatStream(await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools, stream: true }));
    expect(answer.text).toBe('The capital of Mexico is Mexico City.');
    expect(answer.usage).toMatchObject({ prompt_tokens: 257, completion_tokens: 8, total_tokens: 265 });

    const sent = jsonBodyOf(geminiMock.requests[1]!)['contents'] as Array<{ parts: Array<Record<string, unknown>> }>;
    const recorded = asRecord(interactions[1]!.request.json)['contents'] as Array<{ parts: Array<Record<string, unknown>> }>;
    const recordedSignature = String(recorded[1]!.parts[0]!['thoughtSignature']);
    expect(Buffer.from(String(sent[1]!.parts[0]!['thoughtSignature']), 'base64')).toEqual(Buffer.from(recordedSignature, 'base64url'));
    expect(sent[2]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_country', response: { return_value: 'Mexico' } } }] });
  });

  it('a safety block is finish_reason content_filter; MAX_TOKENS is length', async () => {
    const safety = readVcr('google/pydantic-ai/test_google_model_safety_settings.yaml').interactions[0]!.response;
    const truncated = readVcr('google/pydantic-ai/test_google_model_max_tokens.yaml').interactions[0]!.response;
    geminiMock.on('POST', geminiPath('gemini-1.5-flash', 'generateContent'), (_req, res) => replyVcr(res, safety));
    geminiMock.on('POST', geminiPath('gemini-2.5-flash', 'generateContent'), (_req, res) => replyVcr(res, truncated));
    const blocked = await client().chat.completions.create({
      model: 'gemini/gemini-1.5-flash',
      messages: [{ role: 'user', content: 'Tell me a joke about a Brazilians.' }],
    });
    expect(blocked.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } });
    const cut = await client().chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      max_tokens: 5,
    });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'The capital of France is' } });
    expect(jsonBodyOf(requestsTo(geminiMock, geminiPath('gemini-2.5-flash', 'generateContent'))[0]!)['generationConfig']).toEqual({ maxOutputTokens: 5 });
  });

  it('an unsupported parameter is a 400 naming it; nothing is sent to Gemini', async () => {
    const error = await client()
      .chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], logit_bias: { '1': 5 } })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400, error: { message: 'gemini does not support logit_bias', param: 'logit_bias' } });
    expect(geminiMock.requests).toEqual([]);
  });

  it('embeddings: the SDK’s base64 request is answered with base64 floats it decodes', async () => {
    geminiMock.on('POST', geminiPath('gemini-embedding-001', 'batchEmbedContents'), (_req, res) =>
      replyJson(res, 200, { embeddings: [{ values: [0.5, -0.25] }, { values: [1, 2] }] }),
    );
    const result = await client().embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['a', 'b'] });
    expect(result.data.map((d) => d.embedding)).toEqual([
      [0.5, -0.25],
      [1, 2],
    ]);
  });
});
