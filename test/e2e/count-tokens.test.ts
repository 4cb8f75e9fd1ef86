/**
 * Input-token counting through the official SDKs: `openai` `responses.inputTokens.count`,
 * `@anthropic-ai/sdk` `messages.countTokens` and `@google/genai` `models.countTokens`. Providers with
 * a counting endpoint (OpenAI, Anthropic, Gemini mocks) are asked; the rest (Groq) are counted with
 * the bundled tokenizer, and the answer says which.
 */
import Anthropic, { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { ApiError as GenaiApiError, GoogleGenAI } from '@google/genai';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI, { APIError as OpenAIAPIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { replyJson, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { asRecord, extraFieldsOf, jsonBodyOf, onlyRequestTo, postJson } from './harness.js';

const OPENAI_KEY = 'sk-openai-e2e-key';
const ANTHROPIC_KEY = 'sk-ant-e2e-key';
const GEMINI_KEY = 'gemini-e2e-key';
const GROQ_KEY = 'gsk-groq-e2e-key';
const AZURE_KEY = 'azure-e2e-key';
const CLIENT_KEY = 'sk-client-key-not-forwarded';

const OPENAI_COUNT_PATH = '/v1/responses/input_tokens';
const ANTHROPIC_COUNT_PATH = '/v1/messages/count_tokens';
const GEMINI_COUNT_PATH = '/v1beta/models/gemini-2.5-flash:countTokens';

const INSTRUCTIONS = 'You are a terse assistant. Answer in one sentence.';
const QUESTION = 'How many moons does Mars have, and what are they called? <|endoftext|> is plain text here.';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** OpenAI's documented chat framing around the texts, with o200k_base: what a local count must equal. */
function framedO200k(messages: ReadonlyArray<{ role: string; text: string }>, tools: readonly unknown[] = []): number {
  let total = 3;
  for (const m of messages) total += 3 + countO200k(m.role) + countO200k(m.text, { disallowedSpecial: new Set() });
  for (const t of tools) total += countO200k(JSON.stringify(t));
  return total;
}

let gateway: RunningGateway;
let openaiMock: MockUpstream;
let anthropicMock: MockUpstream;
let geminiMock: MockUpstream;
let groqMock: MockUpstream;
let azureMock: MockUpstream;

beforeAll(async () => {
  [openaiMock, anthropicMock, geminiMock, groqMock, azureMock] = await Promise.all([
    startMockUpstream(),
    startMockUpstream(),
    startMockUpstream(),
    startMockUpstream(),
    startMockUpstream(),
  ]);
  gateway = await startTestGateway({
    providers: {
      openai: { keys: [{ name: 'openai-e2e', models: ['*'], value: OPENAI_KEY }], network_config: { base_url: openaiMock.url, max_retries: 0 } },
      anthropic: { keys: [{ name: 'anthropic-e2e', models: ['*'], value: ANTHROPIC_KEY }], network_config: { base_url: anthropicMock.url } },
      gemini: { keys: [{ name: 'gemini-e2e', models: ['*'], value: GEMINI_KEY }], network_config: { base_url: geminiMock.url } },
      groq: { keys: [{ name: 'groq-e2e', models: ['*'], value: GROQ_KEY }], network_config: { base_url: groqMock.url } },
      azure: {
        keys: [
          {
            name: 'azure-e2e',
            value: AZURE_KEY,
            models: ['*'],
            azure_key_config: {
              endpoint: azureMock.url,
              deployments: { 'gpt-4o-mini': 'gpt-4o-mini-eastus', 'gpt-4': 'gpt-4-westus' },
              api_version: '2024-10-21',
            },
          },
        ],
      },
    },
  });
});

afterEach(() => {
  for (const mock of [openaiMock, anthropicMock, geminiMock, groqMock, azureMock]) mock.reset();
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([openaiMock, anthropicMock, geminiMock, groqMock, azureMock].map((m) => m?.close()));
});

function openai(path: string): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}${path}`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10_000 });
}

function anthropic(): Anthropic {
  return new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10_000 });
}

function genai(): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'client-key-not-forwarded', httpOptions: { baseUrl: `${gateway.url}/genai`, timeout: 10_000 } });
}

function answerOpenAICount(inputTokens: number): void {
  openaiMock.on('POST', OPENAI_COUNT_PATH, (_req, res) => replyJson(res, 200, { object: 'response.input_tokens', input_tokens: inputTokens }));
}

describe('openai SDK responses.inputTokens.count', () => {
  it.each([
    ['/openai/v1', 'gpt-4o'],
    ['/openai', 'gpt-4o'],
    ['/v1', 'openai/gpt-4o'],
  ])('on %s with %s, asks OpenAI its own count and returns it', async (path, model) => {
    answerOpenAICount(42);
    const result = await openai(path).responses.inputTokens.count({
      model,
      instructions: INSTRUCTIONS,
      input: [{ role: 'user', content: [{ type: 'input_text', text: QUESTION }] }],
      tools: [{ type: 'function', strict: true, ...WEATHER_TOOL }],
    });

    expect(result.object).toBe('response.input_tokens');
    expect(result.input_tokens).toBe(42);
    expect(extraFieldsOf(result)).toMatchObject({ count_source: 'provider', provider: 'openai', model_requested: 'gpt-4o', request_type: 'count_tokens' });
    const upstream = onlyRequestTo(openaiMock, OPENAI_COUNT_PATH);
    expect(upstream.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'gpt-4o',
      instructions: INSTRUCTIONS,
      input: [{ role: 'user', content: [{ type: 'input_text', text: QUESTION }] }],
      tools: [{ type: 'function', strict: true, ...WEATHER_TOOL }],
    });
  });

  it('counts a provider without a counting endpoint (groq) locally, equal to o200k_base over the framed texts', async () => {
    const result = await openai('/v1').responses.inputTokens.count({
      model: 'groq/llama-3.3-70b-versatile',
      instructions: INSTRUCTIONS,
      input: QUESTION,
      tools: [{ type: 'function', strict: null, ...WEATHER_TOOL }],
    });

    const expected = framedO200k(
      [
        { role: 'system', text: INSTRUCTIONS },
        { role: 'user', text: QUESTION },
      ],
      [WEATHER_TOOL],
    );
    expect(result.input_tokens).toBe(expected);
    expect(extraFieldsOf(result)).toMatchObject({
      count_source: 'local',
      tokenizer: 'o200k_base',
      approximate: true,
      provider: 'groq',
      model_requested: 'llama-3.3-70b-versatile',
      request_type: 'count_tokens',
    });
    expect(groqMock.requests).toHaveLength(0);
  });

  it('counts a multi-turn conversation with a function call and its output locally', async () => {
    const args = '{"city":"Paris"}';
    const output = '{"temperature_c":21,"sky":"clear"}';
    const result = await openai('/v1').responses.inputTokens.count({
      model: 'groq/llama-3.3-70b-versatile',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: args },
        { type: 'function_call_output', call_id: 'call_1', output },
      ],
    });

    const framing = framedO200k([
      { role: 'user', text: 'Weather in Paris?' },
      { role: 'assistant', text: '' },
      { role: 'tool', text: output },
    ]);
    expect(result.input_tokens).toBe(framing + countO200k('get_weather') + countO200k(args));
  });

  it('falls back to a local count when the provider has no counting endpoint upstream (Azure answers 404)', async () => {
    const result = await openai('/v1').responses.inputTokens.count({ model: 'azure/gpt-4o-mini', input: QUESTION });

    expect(result.input_tokens).toBe(framedO200k([{ role: 'user', text: QUESTION }]));
    const extra = extraFieldsOf(result);
    expect(extra).toMatchObject({ count_source: 'local', tokenizer: 'o200k_base', approximate: false, provider: 'azure' });
    expect(String(extra['fallback_reason'])).toContain('404');
    expect(azureMock.requests.map((r) => r.path)).toEqual(['/openai/v1/responses/input_tokens']);
  });

  it('counts a GPT-4 generation model with its own encoding, cl100k_base', async () => {
    const text = 'Привет, как дела? 今日はいい天気ですね。';
    expect(countCl100k(text)).not.toBe(countO200k(text));
    const result = await openai('/v1').responses.inputTokens.count({ model: 'azure/gpt-4', input: text });

    expect(result.input_tokens).toBe(6 + countCl100k('user') + countCl100k(text));
    expect(extraFieldsOf(result)).toMatchObject({ count_source: 'local', tokenizer: 'cl100k_base', approximate: false });
  });

  it("passes OpenAI's own error through instead of guessing a count", async () => {
    openaiMock.on('POST', OPENAI_COUNT_PATH, (_req, res) =>
      replyJson(res, 400, {
        error: { message: "Unknown parameter: 'temperature'.", type: 'invalid_request_error', param: 'temperature', code: 'unknown_parameter' },
      }),
    );
    const err = await openai('/v1')
      .responses.inputTokens.count({ model: 'openai/gpt-4o', input: 'hi', temperature: 0.2 } as OpenAI.Responses.InputTokenCountParams)
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OpenAIAPIError);
    const body = asRecord((err as OpenAIAPIError).error);
    expect((err as OpenAIAPIError).status).toBe(400);
    expect(body).toMatchObject({ message: "Unknown parameter: 'temperature'.", param: 'temperature', code: 'unknown_parameter' });
  });

  it('answers bad input with a 400 BifrostError naming the field', async () => {
    const noProvider = await postJson(`${gateway.url}/v1/responses/input_tokens`, { model: 'gpt-4o', input: 'hi' });
    expect(noProvider.status).toBe(400);
    expect(noProvider.json).toMatchObject({
      status_code: 400,
      is_bifrost_error: true,
      error: { param: 'model' },
      extra_fields: { request_type: 'count_tokens' },
    });

    const unknownProvider = await postJson(`${gateway.url}/v1/responses/input_tokens`, { model: 'nosuch/model-x', input: 'hi' });
    expect(unknownProvider.status).toBe(400);
    expect(asRecord(unknownProvider.json['error'])['message']).toContain("provider 'nosuch' is not configured");

    const storedState = await postJson(`${gateway.url}/v1/responses/input_tokens`, {
      model: 'groq/llama-3.3-70b-versatile',
      previous_response_id: 'resp_1',
      input: 'and then?',
    });
    expect(storedState.status).toBe(400);
    expect(storedState.json).toMatchObject({ error: { param: 'previous_response_id' }, extra_fields: { request_type: 'count_tokens', provider: 'groq' } });
  });
});

describe('@anthropic-ai/sdk messages.countTokens', () => {
  const system = 'You answer questions about planets.';
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: QUESTION }];
  const tools: Anthropic.Tool[] = [
    {
      name: 'get_weather',
      description: 'Current weather for a city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ];

  it("asks Anthropic's count_tokens for a Claude model, without the Messages-only fields", async () => {
    anthropicMock.on('POST', ANTHROPIC_COUNT_PATH, (_req, res) => replyJson(res, 200, { input_tokens: 618 }));
    const result = await anthropic().messages.countTokens({ model: 'claude-sonnet-4-5', system, messages, tools });

    expect(result.input_tokens).toBe(618);
    expect(extraFieldsOf(result)).toMatchObject({ count_source: 'provider', provider: 'anthropic', model_requested: 'claude-sonnet-4-5' });
    const upstream = onlyRequestTo(anthropicMock, ANTHROPIC_COUNT_PATH);
    expect(upstream.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(upstream.headers['anthropic-version']).toBeTruthy();
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: system }],
      messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }] }],
      tools,
    });
  });

  it("asks OpenAI's counting endpoint for an openai/ model, with the conversation as Responses input", async () => {
    answerOpenAICount(57);
    const result = await anthropic().messages.countTokens({ model: 'openai/gpt-4o', system, messages, tools });

    expect(result.input_tokens).toBe(57);
    expect(extraFieldsOf(result)).toMatchObject({ count_source: 'provider', provider: 'openai' });
    expect(jsonBodyOf(onlyRequestTo(openaiMock, OPENAI_COUNT_PATH))).toEqual({
      model: 'gpt-4o',
      input: [
        { role: 'system', content: system },
        { role: 'user', content: QUESTION },
      ],
      tools: [{ type: 'function', ...WEATHER_TOOL }],
    });
    expect(anthropicMock.requests).toHaveLength(0);
  });

  it('counts a groq/ model locally with o200k_base', async () => {
    const result = await anthropic().messages.countTokens({ model: 'groq/llama-3.3-70b-versatile', system, messages });

    expect(result.input_tokens).toBe(
      framedO200k([
        { role: 'system', text: system },
        { role: 'user', text: QUESTION },
      ]),
    );
    expect(extraFieldsOf(result)).toMatchObject({ count_source: 'local', tokenizer: 'o200k_base', approximate: true });
    expect(groqMock.requests).toHaveLength(0);
  });

  it("answers in Anthropic's error shape: a malformed body, and Anthropic's own error", async () => {
    const bad = await anthropic()
      .messages.countTokens({ model: 'claude-sonnet-4-5' } as Anthropic.MessageCountTokensParams)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AnthropicAPIError);
    expect((bad as AnthropicAPIError).status).toBe(400);
    expect((bad as AnthropicAPIError).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('messages') },
    });

    anthropicMock.on('POST', ANTHROPIC_COUNT_PATH, (_req, res) =>
      replyJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
    );
    const denied = await anthropic()
      .messages.countTokens({ model: 'claude-sonnet-4-5', messages })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AnthropicAPIError);
    expect((denied as AnthropicAPIError).status).toBe(401);
    expect((denied as AnthropicAPIError).error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  });
});

describe('@google/genai models.countTokens', () => {
  it("asks Gemini's countTokens for a Gemini model and answers totalTokens", async () => {
    geminiMock.on('POST', GEMINI_COUNT_PATH, (_req, res) =>
      replyJson(res, 200, { totalTokens: 23, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 23 }] }),
    );
    const result = await genai().models.countTokens({ model: 'gemini-2.5-flash', contents: QUESTION });

    expect(result.totalTokens).toBe(23);
    const upstream = onlyRequestTo(geminiMock, GEMINI_COUNT_PATH);
    expect(upstream.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(jsonBodyOf(upstream)).toEqual({
      generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: QUESTION }] }] },
    });
  });

  it('counts a groq/ model locally', async () => {
    const result = await genai().models.countTokens({ model: 'groq/llama-3.3-70b-versatile', contents: QUESTION });

    expect(result.totalTokens).toBe(framedO200k([{ role: 'user', text: QUESTION }]));
    expect(groqMock.requests).toHaveLength(0);
  });

  it("answers Gemini's errors in Google's shape", async () => {
    geminiMock.on('POST', GEMINI_COUNT_PATH, (_req, res) =>
      replyJson(res, 400, { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } }),
    );
    const err = await genai()
      .models.countTokens({ model: 'gemini-2.5-flash', contents: QUESTION })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(GenaiApiError);
    expect((err as GenaiApiError).status).toBe(400);
    expect((err as GenaiApiError).message).toContain('Request contains an invalid argument.');
  });
});
