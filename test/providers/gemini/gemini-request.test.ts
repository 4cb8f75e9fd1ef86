/**
 * Canonical (OpenAI-shaped) requests → Gemini requests: what a caller asks for reaches Gemini
 * (checked against the requests real clients sent in the recorded cassettes), and what Gemini
 * cannot honour is refused with a 400 naming the parameter instead of being dropped.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure } from '../../../src/schema/error.js';
import type { ProviderCall } from '../../../src/providers/types.js';
import { isRecord, readVcr } from '../../support/fixtures.js';
import { configuredProvider } from '../stream-reassembly.js';

const gemini = configuredProvider('gemini', { network_config: { base_url: 'http://gemini.test/' } });

type Json = Record<string, unknown>;

function chatCall(body: Json, extra: Partial<ProviderCall> = {}): ProviderCall {
  return gemini.call('chat', 'gemini-2.5-flash', { body: { model: 'gemini/gemini-2.5-flash', ...body }, ...extra });
}

function nativeBody(body: Json): Json {
  const req = gemini.adapter.buildRequest(chatCall(body));
  return JSON.parse(req.body ?? '{}') as Json;
}

function refusal(body: Json): { status: number; param: string | null; message: string } {
  try {
    gemini.adapter.buildRequest(chatCall(body));
  } catch (err) {
    if (err instanceof GatewayFailure) return { status: err.status, param: err.body.error.param, message: err.body.error.message };
    throw err;
  }
  throw new Error('expected the request to be refused');
}

/** Python's Gemini client writes some keys in snake_case; the API reads both. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), camelKeys(v)]));
}

/** The recorded request body; `camel` for cassettes whose client wrote snake_case keys (not for tool data). */
function recordedRequest(rel: string, interaction = 0, camel = true): Json {
  const json = readVcr(rel).interactions[interaction]?.request.json;
  if (!isRecord(json)) throw new Error(`${rel}#${interaction}: request has no JSON body`);
  return (camel ? camelKeys(json) : json) as Json;
}

const user = (content: unknown): Json => ({ role: 'user', content });

describe('requests match what real Gemini clients send (recorded cassettes)', () => {
  it('system prompt and safety settings (test_google_model_safety_settings)', () => {
    const recorded = recordedRequest('google/pydantic-ai/test_google_model_safety_settings.yaml');
    const body = nativeBody({
      messages: [{ role: 'system', content: 'You hate the world!' }, user('Tell me a joke about a Brazilians.')],
      safety_settings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_LOW_AND_ABOVE' }],
    });
    expect(body).toEqual({ contents: recorded['contents'], systemInstruction: recorded['systemInstruction'], safetySettings: recorded['safetySettings'] });
  });

  it('max tokens and a zero thinking budget (test_google_model_max_tokens)', () => {
    const recorded = recordedRequest('google/pydantic-ai/test_google_model_max_tokens.yaml');
    const body = nativeBody({
      messages: [{ role: 'system', content: 'You are a helpful chatbot.' }, user('What is the capital of France?')],
      max_tokens: 5,
      reasoning_effort: 'none',
    });
    expect(body['contents']).toEqual(recorded['contents']);
    expect(body['systemInstruction']).toEqual(recorded['systemInstruction']);
    expect(body['generationConfig']).toEqual({ maxOutputTokens: 5, thinkingConfig: { thinkingBudget: 0, includeThoughts: false } });
    expect(recorded['generationConfig']).toMatchObject({ maxOutputTokens: 5, thinkingConfig: { thinkingBudget: 0 } });
  });

  it('a YouTube URL as a file part becomes fileData video/mp4 (test_google_model_mobile_youtube_video_url_input)', () => {
    const recorded = recordedRequest('google/pydantic-ai/test_google_model_mobile_youtube_video_url_input.yaml');
    const body = nativeBody({
      messages: [
        { role: 'system', content: 'You are a helpful chatbot.' },
        user([
          { type: 'text', text: 'Explain me this video in a few sentences' },
          { type: 'file', file: { file_id: 'https://m.youtube.com/watch?v=lCdaVNyHtjU' } },
        ]),
      ],
    });
    expect(body['contents']).toEqual(recorded['contents']);
  });

  it('an image URL becomes fileData with the type from its extension (Vertex test_google_url_input[ImageUrl])', () => {
    const recorded = recordedRequest('google-vertex/pydantic-ai/test_google_url_input[ImageUrl].yaml');
    const url = 'https://upload.wikimedia.org/wikipedia/commons/6/6a/Www.wikipedia_screenshot_%282021%29.png';
    const body = nativeBody({
      messages: [
        user([
          { type: 'text', text: 'What is the main content of this URL?' },
          { type: 'image_url', image_url: { url } },
        ]),
      ],
    });
    expect(body['contents']).toEqual(recorded['contents']);
  });

  it('a tool round trip sends the call back with its thought signature and the result as functionResponse (test_google_streaming_tool_call_thought_signature)', () => {
    const rel = 'google/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml';
    const recorded = recordedRequest(rel, 1, false);
    const sentBack = (recorded['contents'] as Json[])[1]!['parts'] as Json[];
    const recordedSignature = String(sentBack[0]!['thoughtSignature']);
    const responseWire = readVcr(rel).interactions[0]!.response.bodyText!;
    const signature = /"thoughtSignature": "([^"]+)"/.exec(responseWire)![1]!;
    const body = nativeBody({
      messages: [
        user('What is the capital of the user country? Call the tool'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_country', arguments: '{}' }, extra_content: { google: { thought_signature: signature } } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"return_value":"Mexico"}' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_country', description: '', parameters: { additionalProperties: false, properties: {}, type: 'object' } } },
      ],
    });
    const contents = body['contents'] as Json[];
    const withoutIds = JSON.parse(JSON.stringify(recorded['contents']).replace(/"id":"pyd_ai_[0-9a-f]+",?/g, '')) as Json[];
    expect(contents[0]).toEqual(withoutIds[0]);
    expect(contents[2]).toEqual(withoutIds[2]);
    const part = (contents[1]!['parts'] as Json[])[0]!;
    expect(part['functionCall']).toEqual({ name: 'get_country', args: {} });
    expect(Buffer.from(String(part['thoughtSignature']), 'base64')).toEqual(Buffer.from(recordedSignature, 'base64url'));
    expect(body['tools']).toEqual([{ functionDeclarations: [{ name: 'get_country' }] }]);
  });
});

describe('sampling, length, stop, format and reasoning settings reach generationConfig', () => {
  it('maps every supported parameter', () => {
    const body = nativeBody({
      messages: [user('hi')],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      max_completion_tokens: 300,
      n: 2,
      seed: 7,
      stop: ['END', 'STOP'],
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      logprobs: true,
      top_logprobs: 3,
    });
    expect(body['generationConfig']).toEqual({
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 300,
      candidateCount: 2,
      seed: 7,
      stopSequences: ['END', 'STOP'],
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseLogprobs: true,
      logprobs: 3,
    });
  });

  it('a single stop string becomes a one-element stopSequences', () => {
    expect(nativeBody({ messages: [user('hi')], stop: 'END' })['generationConfig']).toEqual({ stopSequences: ['END'] });
  });

  it('json_object asks for JSON; json_schema also sends the schema in Gemini’s subset', () => {
    expect(nativeBody({ messages: [user('hi')], response_format: { type: 'json_object' } })['generationConfig']).toEqual({
      responseMimeType: 'application/json',
    });
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        city: { type: 'string', description: 'city name' },
        when: { type: ['string', 'null'], format: 'date-time' },
        unit: { $ref: '#/$defs/unit' },
        tags: { type: 'array', items: { type: 'string', format: 'uri' } },
        kind: { const: 'weather' },
      },
      required: ['city'],
      $defs: { unit: { type: 'string', enum: ['c', 'f'] } },
    };
    const config = nativeBody({ messages: [user('hi')], response_format: { type: 'json_schema', json_schema: { name: 'w', strict: true, schema } } })[
      'generationConfig'
    ];
    expect(config).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'city name' },
          when: { type: 'string', nullable: true, format: 'date-time' },
          unit: { type: 'string', enum: ['c', 'f'] },
          tags: { type: 'array', items: { type: 'string' } },
          kind: { enum: ['weather'] },
        },
        required: ['city'],
      },
    });
  });

  it('reasoning effort picks a thinking budget and asks for the thoughts; reasoning.max_tokens is exact', () => {
    expect(nativeBody({ messages: [user('hi')], reasoning_effort: 'low' })['generationConfig']).toEqual({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    expect(nativeBody({ messages: [user('hi')], reasoning: { max_tokens: 2000 } })['generationConfig']).toEqual({
      thinkingConfig: { thinkingBudget: 2000, includeThoughts: true },
    });
    expect(nativeBody({ messages: [user('hi')], reasoning: { max_tokens: 2000, exclude: true } })['generationConfig']).toEqual({
      thinkingConfig: { thinkingBudget: 2000, includeThoughts: false },
    });
    expect(refusal({ messages: [user('hi')], reasoning_effort: 'extreme' })).toMatchObject({ status: 400, param: 'reasoning_effort' });
  });
});

describe('tools and tool choice', () => {
  const weather = {
    type: 'function',
    function: {
      name: 'weather',
      description: 'Weather by city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    },
  };

  it('function tools become functionDeclarations with a cleaned schema', () => {
    expect(nativeBody({ messages: [user('hi')], tools: [weather] })['tools']).toEqual([
      {
        functionDeclarations: [
          { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        ],
      },
    ]);
  });

  it('tool_choice maps to functionCallingConfig', () => {
    const choice = (tool_choice: unknown): unknown => nativeBody({ messages: [user('hi')], tools: [weather], tool_choice })['toolConfig'];
    expect(choice('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(choice('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(choice('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(choice({ type: 'function', function: { name: 'weather' } })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } });
  });

  it('non-function tools are refused', () => {
    expect(refusal({ messages: [user('hi')], tools: [{ type: 'web_search' }] })).toMatchObject({ status: 400, param: 'tools[0].type' });
  });
});

describe('messages and content parts', () => {
  it('system and developer messages form the system instruction; images, files and audio become inline or file data', () => {
    const body = nativeBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        user([
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpeg?size=large' } },
          { type: 'file', file: { filename: 'doc.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        ]),
      ],
    });
    expect(body['systemInstruction']).toEqual({ role: 'user', parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }] });
    expect(body['contents']).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Look:' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { fileUri: 'https://example.com/cat.jpeg?size=large', mimeType: 'image/jpeg' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
        ],
      },
    ]);
  });

  it('parallel tool results are answered by function name in one user turn, after the model turn with both calls', () => {
    const body = nativeBody({
      messages: [
        user('weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'b', type: 'function', function: { name: 'time', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'b', content: '12:00' },
        { role: 'tool', tool_call_id: 'a', content: '{"temp":21}' },
        user('thanks'),
      ],
    });
    expect(body['contents']).toEqual([
      { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'time', args: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'time', response: { content: '12:00' } } },
          { functionResponse: { name: 'weather', response: { temp: 21 } } },
          { text: 'thanks' },
        ],
      },
    ]);
  });

  it('a tool result for an unknown call id is refused, naming the message', () => {
    expect(refusal({ messages: [user('hi'), { role: 'tool', tool_call_id: 'nope', content: 'x' }] })).toMatchObject({
      status: 400,
      param: 'messages[1].tool_call_id',
    });
  });

  it('arguments that are not a JSON object are refused', () => {
    const messages = [user('hi'), { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '[1' } }] }];
    expect(refusal({ messages })).toMatchObject({ status: 400, param: 'messages[1].tool_calls[0].function.arguments' });
  });
});

describe('parameters Gemini cannot honour are refused, not dropped', () => {
  for (const [param, value] of [
    ['logit_bias', { '50256': -100 }],
    ['audio', { voice: 'alloy', format: 'wav' }],
    ['prediction', { type: 'content', content: 'x' }],
    ['functions', [{ name: 'f' }]],
  ] as const) {
    it(param, () => {
      expect(refusal({ messages: [user('hi')], [param]: value })).toEqual({ status: 400, param, message: `gemini does not support ${param}` });
    });
  }

  it('parallel_tool_calls: false and audio output modalities', () => {
    expect(refusal({ messages: [user('hi')], parallel_tool_calls: false })).toMatchObject({ status: 400, param: 'parallel_tool_calls' });
    expect(refusal({ messages: [user('hi')], modalities: ['text', 'audio'] })).toMatchObject({ status: 400, param: 'modalities' });
  });
});

describe('endpoints and authentication', () => {
  it('chat posts to generateContent, streams to streamGenerateContent?alt=sse, with x-goog-api-key', () => {
    const plain = gemini.adapter.buildRequest(chatCall({ messages: [user('hi')] }));
    expect(plain).toMatchObject({ method: 'POST', url: 'http://gemini.test/v1beta/models/gemini-2.5-flash:generateContent' });
    expect(plain.headers).toMatchObject({ 'x-goog-api-key': 'sk-gemini-test', 'content-type': 'application/json' });
    expect(plain.headers['authorization']).toBeUndefined();
    const streamed = gemini.adapter.buildRequest(chatCall({ messages: [user('hi')] }, { stream: true }));
    expect(streamed.url).toBe('http://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('the default base URL is the Gemini API', () => {
    const real = configuredProvider('gemini');
    expect(real.adapter.buildRequest(real.call('chat', 'models/gemini-2.5-pro', { body: { messages: [user('hi')] } })).url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent',
    );
  });

  it('one text embeds with embedContent, several with batchEmbedContents; dimensions carried', () => {
    const one = gemini.adapter.buildRequest(gemini.call('embedding', 'gemini-embedding-001', { body: { input: 'hello', dimensions: 8 } }));
    expect(one.url).toBe('http://gemini.test/v1beta/models/gemini-embedding-001:embedContent');
    expect(JSON.parse(one.body!)).toEqual({ content: { parts: [{ text: 'hello' }] }, outputDimensionality: 8 });
    const many = gemini.adapter.buildRequest(gemini.call('embedding', 'gemini-embedding-001', { body: { input: ['a', 'b'] } }));
    expect(many.url).toBe('http://gemini.test/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(many.body!)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } },
      ],
    });
    expect(() => gemini.adapter.buildRequest(gemini.call('embedding', 'e', { body: { input: [1, 2, 3] } }))).toThrow(/text input/);
  });

  it('embeddings decode to an OpenAI list, base64-encoded by Iris when asked', () => {
    const call = gemini.call('embedding', 'gemini-embedding-001', { body: { input: ['a', 'b'], encoding_format: 'base64' } });
    const decoded = gemini.adapter.decodeResponse('embedding', { embeddings: [{ values: [0.5, -1] }, { values: [2, 0.25] }] }, call);
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(0.5, 0);
    bytes.writeFloatLE(-1, 4);
    expect(decoded).toMatchObject({
      object: 'list',
      model: 'gemini-embedding-001',
      data: [{ object: 'embedding', index: 0, embedding: bytes.toString('base64') }, { index: 1 }],
    });
    const single = gemini.adapter.decodeResponse('embedding', { embedding: { values: [1, 2] } }, gemini.call('embedding', 'e', { body: { input: 'x' } }));
    expect(single['data']).toEqual([{ object: 'embedding', index: 0, embedding: [1, 2] }]);
  });

  it('lists models without the models/ prefix', () => {
    const req = gemini.adapter.buildRequest(gemini.call('list_models', ''));
    expect(req).toMatchObject({ method: 'GET', url: 'http://gemini.test/v1beta/models?pageSize=1000' });
    const list = gemini.adapter.decodeResponse(
      'list_models',
      { models: [{ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' }] },
      gemini.call('list_models', ''),
    );
    expect(list['data']).toEqual([{ id: 'gemini-2.5-flash', object: 'model', owned_by: 'google', display_name: 'Gemini 2.5 Flash' }]);
  });
});
