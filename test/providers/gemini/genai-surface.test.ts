/**
 * The /genai surface's converters (Gemini request → canonical, canonical → Gemini response and
 * errors) and its routing: how a caller names a model, and errors in Google's shape.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure, gatewayError, upstreamError } from '../../../src/schema/error.js';
import { canonicalToGenaiResponse } from '../../../src/integrations/genai/convert-canonical-to-genai-response.js';
import { genaiRequestToCanonical } from '../../../src/integrations/genai/convert-genai-request.js';
import { toGenaiError } from '../../../src/integrations/genai/genai-error.js';
import { parseGenaiModelPath } from '../../../src/integrations/genai/genai-model-path.js';
import { toGeminiSchema } from '../../../src/providers/gemini/convert-json-schema-to-gemini.js';
import { replyFixtureJson, replyFixtureSse } from '../../support/mock-upstream.js';
import { useTestbed } from '../../gateway/gateway-harness.js';

type Json = Record<string, unknown>;
const userTurn = (parts: unknown[]): Json => ({ role: 'user', parts });

function canonical(body: Json, provider = 'gemini'): Json {
  return genaiRequestToCanonical(body, `${provider}/m`, provider);
}

function refusal(body: Json, provider = 'gemini'): { status: number; param: string | null } {
  try {
    canonical(body, provider);
  } catch (err) {
    if (err instanceof GatewayFailure) return { status: err.status, param: err.body.error.param };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('Gemini request → canonical', () => {
  it('function responses without ids answer the earlier calls of the same name, in order', () => {
    const body = canonical({
      contents: [
        userTurn([{ text: 'Two cities' }]),
        { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'A' } } }, { functionCall: { name: 'weather', args: { city: 'B' } } }] },
        userTurn([{ functionResponse: { name: 'weather', response: { t: 1 } } }, { functionResponse: { name: 'weather', response: { t: 2 } } }]),
      ],
    });
    const messages = body['messages'] as Json[];
    const ids = (messages[1]!['tool_calls'] as Json[]).map((c) => c['id']);
    expect(new Set(ids).size).toBe(2);
    expect(messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: ids[0], content: '{"t":1}' },
      { role: 'tool', tool_call_id: ids[1], content: '{"t":2}' },
    ]);
  });

  it('a function response that answers no call is refused', () => {
    expect(refusal({ contents: [userTurn([{ functionResponse: { name: 'ghost', response: {} } }])] })).toMatchObject({ status: 400 });
  });

  it('media parts: inline image, inline PDF, inline audio, and file URIs with their media type', () => {
    const body = canonical({
      systemInstruction: { parts: [{ text: 'One.' }, { text: 'Two.' }] },
      contents: [
        userTurn([
          { inlineData: { mimeType: 'image/png', data: 'AAA' } },
          { inlineData: { mimeType: 'application/pdf', data: 'BBB' } },
          { inlineData: { mimeType: 'audio/mp3', data: 'CCC' } },
          { fileData: { fileUri: 'gs://bucket/clip', mimeType: 'video/mp4' } },
          { fileData: { fileUri: 'https://x.test/p.jpg', mimeType: 'image/jpeg' } },
        ]),
      ],
    });
    expect(body['messages']).toEqual([
      {
        role: 'system',
        content: [
          { type: 'text', text: 'One.' },
          { type: 'text', text: 'Two.' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,BBB' } },
          { type: 'input_audio', input_audio: { data: 'CCC', format: 'mp3' } },
          { type: 'file', file: { file_id: 'gs://bucket/clip', mime_type: 'video/mp4' } },
          { type: 'image_url', image_url: { url: 'https://x.test/p.jpg' } },
        ],
      },
    ]);
  });

  it('thinking settings map to reasoning controls', () => {
    const contents = [userTurn([{ text: 'hi' }])];
    expect(canonical({ contents, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } })).toMatchObject({ reasoning_effort: 'none' });
    expect(canonical({ contents, generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } })).toMatchObject({ reasoning_effort: 'high' });
    expect(canonical({ contents, generationConfig: { thinkingConfig: { thinkingBudget: 900, includeThoughts: true } } })).toMatchObject({
      reasoning: { max_tokens: 900 },
    });
  });

  it('tool config: ANY with several names allows only those; NONE turns tools off', () => {
    const contents = [userTurn([{ text: 'hi' }])];
    expect(canonical({ contents, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } } })['tool_choice']).toEqual({
      type: 'allowed_tools',
      allowed_tools: {
        mode: 'required',
        tools: [
          { type: 'function', function: { name: 'a' } },
          { type: 'function', function: { name: 'b' } },
        ],
      },
    });
    expect(canonical({ contents, toolConfig: { functionCallingConfig: { mode: 'NONE' } } })['tool_choice']).toBe('none');
  });

  it('what the gateway cannot carry is refused with the field named', () => {
    const contents = [userTurn([{ text: 'hi' }])];
    expect(refusal({ contents, generationConfig: { speechConfig: {} } })).toEqual({ status: 400, param: 'generationConfig.speechConfig' });
    expect(refusal({ contents, generationConfig: { responseModalities: ['IMAGE'] } })).toEqual({ status: 400, param: 'generationConfig.responseModalities' });
    expect(refusal({ contents, tools: [{ googleSearch: {} }] })).toEqual({ status: 400, param: 'tools[0]' });
    expect(refusal({ contents, safetySettings: [] }, 'anthropic')).toEqual({ status: 400, param: 'safetySettings' });
    expect(refusal({ contents: [] })).toEqual({ status: 400, param: 'contents' });
  });

  it("a responseSchema's propertyOrdering survives the round trip to Gemini, and orders the canonical properties", () => {
    const responseSchema = {
      type: 'OBJECT',
      properties: {
        name: { type: 'STRING' },
        age: { type: 'INTEGER' },
        address: { type: 'OBJECT', properties: { zip: { type: 'STRING' }, city: { type: 'STRING' } }, propertyOrdering: ['city', 'zip'] },
      },
      propertyOrdering: ['age', 'name', 'address'],
    };
    const body = canonical({ contents: [userTurn([{ text: 'hi' }])], generationConfig: { responseMimeType: 'application/json', responseSchema } });
    const schema = ((body['response_format'] as Json)['json_schema'] as Json)['schema'] as Json;
    expect(schema['propertyOrdering']).toEqual(['age', 'name', 'address']);
    expect(Object.keys(schema['properties'] as Json)).toEqual(['age', 'name', 'address']);
    expect(Object.keys(((schema['properties'] as Json)['address'] as Json)['properties'] as Json)).toEqual(['city', 'zip']);
    expect(toGeminiSchema(schema)).toMatchObject({
      propertyOrdering: ['age', 'name', 'address'],
      properties: { address: { propertyOrdering: ['city', 'zip'] } },
    });
  });

  it('Gemini-only settings pass to Google providers', () => {
    const contents = [userTurn([{ text: 'hi' }])];
    expect(canonical({ contents, cachedContent: 'cachedContents/abc', safetySettings: [{ category: 'C', threshold: 'T' }] }, 'vertex')).toMatchObject({
      cached_content: 'cachedContents/abc',
      safety_settings: [{ category: 'C', threshold: 'T' }],
    });
  });
});

describe('canonical → Gemini response and errors', () => {
  it('finish reasons and usage map back to Gemini’s', () => {
    const response = canonicalToGenaiResponse({
      id: 'x',
      model: 'gpt-4o',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'length' },
        { index: 1, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' },
      ],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 10,
        total_tokens: 13,
        completion_tokens_details: { reasoning_tokens: 4 },
        prompt_tokens_details: { cached_tokens: 2 },
      },
    });
    expect(response.candidates?.map((c) => c.finishReason)).toEqual(['MAX_TOKENS', 'SAFETY']);
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 3,
      candidatesTokenCount: 6,
      thoughtsTokenCount: 4,
      totalTokenCount: 13,
      cachedContentTokenCount: 2,
    });
  });

  it('errors carry Google’s status names: the upstream’s own, or the one for the HTTP code', () => {
    expect(toGenaiError(upstreamError({ status: 429, message: 'quota', type: 'RESOURCE_EXHAUSTED' }))).toEqual({
      error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' },
    });
    expect(toGenaiError(gatewayError({ status: 404, message: 'nope' }))).toEqual({ error: { code: 404, message: 'nope', status: 'NOT_FOUND' } });
    expect(toGenaiError(gatewayError({ status: 502, message: 'bad gateway' })).error.status).toBe('INTERNAL');
  });
});

describe('how /genai callers name models', () => {
  it('bare Gemini names, provider/model over segments, or URL-decoded in one segment', () => {
    expect(parseGenaiModelPath(['gemini-2.5-flash:generateContent'])).toEqual({ model: 'gemini-2.5-flash', method: 'generateContent' });
    expect(parseGenaiModelPath(['openai', 'gpt-4o:streamGenerateContent'])).toEqual({ model: 'openai/gpt-4o', method: 'streamGenerateContent' });
    expect(parseGenaiModelPath(['openai/gpt-4o:embedContent'])).toEqual({ model: 'openai/gpt-4o', method: 'embedContent' });
    expect(parseGenaiModelPath(['gemini-2.5-flash'])).toBeUndefined();
  });

  const testbed = useTestbed();

  it('routes: a bare name goes to Gemini; a stream without alt=sse is one JSON array; unknown methods, versions and bodies get Google-shaped errors', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1beta/models/gemini-2.5-flash:generateContent', (_req, res) => replyFixtureJson(res, 'google/google-response-schema-7689.json'));
    const gateway = await testbed.gateway({
      providers: { gemini: { keys: [{ name: 'g', models: ['*'], value: 'k' }], network_config: { base_url: mock.url } } },
    });
    const post = (path: string, body: string, type = 'application/json'): Promise<Response> =>
      fetch(`${gateway.url}/genai${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const good = await post('/v1beta/models/gemini-2.5-flash:generateContent', JSON.stringify({ contents: [userTurn([{ text: 'Where?' }])] }));
    expect(good.status).toBe(200);
    expect(((await good.json()) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> }).candidates[0]!.content.parts[0]!.text).toBe(
      '{"location":"Paris"}',
    );

    mock.on('POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', (_req, res) => replyFixtureSse(res, 'google/google-text.chunks.txt', 'gemini'));
    const asArray = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent', JSON.stringify({ contents: [userTurn([{ text: 'Count' }])] }));
    const chunks = (await asArray.json()) as Array<{
      candidates: Array<{ content: { parts: Array<{ text?: string }> }; finishReason?: string }>;
      usageMetadata?: unknown;
    }>;
    expect(chunks.flatMap((c) => c.candidates[0]!.content.parts.map((p) => p.text ?? '')).join('')).toBe(
      'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    );
    expect(chunks.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 217 } });

    const unknownMethod = await post('/v1beta/models/gemini-2.5-flash:generateAnswer', '{}');
    expect(unknownMethod.status).toBe(404);
    expect(await unknownMethod.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    expect((await post('/v9/models/gemini-2.5-flash:generateContent', '{}')).status).toBe(404);
    const notJson = await post('/v1beta/models/gemini-2.5-flash:generateContent', 'hello', 'text/plain');
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toMatchObject({ error: { code: 415, status: 'INVALID_ARGUMENT' } });
    const unknownProvider = await post('/v1beta/models/nowhere/x:generateContent', JSON.stringify({ contents: [userTurn([{ text: 'hi' }])] }));
    expect(unknownProvider.status).toBe(400);
    expect(await unknownProvider.json()).toMatchObject({
      error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining("provider 'nowhere' is not configured") },
    });
    expect(mock.requests).toHaveLength(2);
  });
});
