/**
 * Round trips through Gemini's wire and back: canonical request → Gemini request → canonical
 * (the /genai surface's reader), canonical response → Gemini response → canonical, and canonical
 * stream → Gemini SSE → canonical. Whatever a caller relies on must survive each trip.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/schema/chat.js';
import { canonicalToGenaiResponse } from '../../../src/integrations/genai/convert-canonical-to-genai-response.js';
import { genaiRequestToCanonical } from '../../../src/integrations/genai/convert-genai-request.js';
import { createGenaiStreamEncoder } from '../../../src/integrations/genai/genai-stream-encoder.js';
import { buildGeminiRequest } from '../../../src/providers/gemini/build-gemini-request.js';
import { chunksOf, configuredProvider, decodeWire, reassembleChatChunks } from '../stream-reassembly.js';

const gemini = configuredProvider('gemini');
type Json = Record<string, unknown>;

const SIGNATURE = 'EqUCCqICAb4+9vsh8Pd5taZVoPzSvjWWwzBrvhEQWBLCGa7IdY8F';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function viaGemini(request: ChatRequest): ChatRequest {
  return genaiRequestToCanonical(JSON.parse(JSON.stringify(buildGeminiRequest(request, 'gemini'))), request.model, 'gemini');
}

describe('canonical request → Gemini → canonical', () => {
  const original: ChatRequest = {
    model: 'gemini/gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a/photo.webp' } },
          { type: 'image_url', image_url: { url: PNG } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look both up.',
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'lookup', arguments: '{"q":"photo","n":2}' },
            extra_content: { google: { thought_signature: SIGNATURE } },
          },
          { id: 'call_b', type: 'function', function: { name: 'ocr', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"found":["cat"]}' },
      { role: 'tool', tool_call_id: 'call_b', content: 'plain text result' },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'Search',
          parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer', minimum: 1 } }, required: ['q'] },
        },
      },
      { type: 'function', function: { name: 'ocr', parameters: { type: 'object', properties: {} } } },
    ],
    tool_choice: { type: 'function', function: { name: 'lookup' } },
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } },
    },
    stop: ['END'],
    max_tokens: 500,
    temperature: 0.4,
    top_p: 0.8,
    top_k: 20,
    n: 1,
    seed: 42,
    reasoning: { max_tokens: 2048 },
  };
  const back = viaGemini(original);

  it('keeps the system prompt, text, image URL, base64 image and base64 file', () => {
    expect(back.messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a/photo.webp' } },
          { type: 'image_url', image_url: { url: PNG } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' } },
        ],
      },
    ]);
  });

  it('keeps tool calls with their arguments and thought signature, and each result answers its call', () => {
    const [assistant, resultA, resultB] = back.messages.slice(2) as Json[];
    expect(assistant).toMatchObject({ role: 'assistant', content: 'Let me look both up.' });
    const calls = assistant!['tool_calls'] as Json[];
    expect(calls.map((c) => [(c['function'] as Json)['name'], JSON.parse(String((c['function'] as Json)['arguments']))])).toEqual([
      ['lookup', { q: 'photo', n: 2 }],
      ['ocr', {}],
    ]);
    expect(calls[0]!['extra_content']).toEqual({ google: { thought_signature: SIGNATURE } });
    expect(resultA).toEqual({ role: 'tool', tool_call_id: calls[0]!['id'], content: '{"found":["cat"]}' });
    expect(resultB).toEqual({ role: 'tool', tool_call_id: calls[1]!['id'], content: 'plain text result' });
  });

  it('keeps tools, tool choice, JSON schema output and every generation setting', () => {
    expect(back.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'Search',
          parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer', minimum: 1 } }, required: ['q'] },
        },
      },
      { type: 'function', function: { name: 'ocr', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(back.tool_choice).toEqual(original.tool_choice);
    expect(back.response_format).toEqual(original.response_format);
    expect(back).toMatchObject({ stop: ['END'], max_tokens: 500, temperature: 0.4, top_p: 0.8, top_k: 20, n: 1, seed: 42, reasoning: { max_tokens: 2048 } });
  });
});

describe('canonical response → Gemini → canonical', () => {
  const original: Json = {
    id: 'resp-1',
    object: 'chat.completion',
    created: 1,
    model: 'gemini-2.5-pro',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Calling the tool.',
          reasoning: 'The user wants weather.',
          reasoning_details: [{ type: 'reasoning.text', text: 'The user wants weather.', signature: 'think-sig' }],
          tool_calls: [
            {
              id: 'call_x',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Oslo"}' },
              extra_content: { google: { thought_signature: SIGNATURE } },
            },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: {
      prompt_tokens: 10,
      completion_tokens: 30,
      total_tokens: 40,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 12 },
    },
  };

  it('keeps content, reasoning with its signature, tool calls with ids and signatures, finish reason and usage', () => {
    const native = JSON.parse(JSON.stringify(canonicalToGenaiResponse(original))) as unknown;
    const back = gemini.adapter.decodeResponse('chat', native, gemini.call('chat', 'gemini-2.5-pro'));
    expect(back).toMatchObject({ id: 'resp-1', model: 'gemini-2.5-pro', choices: original['choices'], usage: original['usage'] });
  });
});

describe('canonical stream → Gemini SSE → canonical', () => {
  const chunk = (delta: Json, finish: string | null = null, usage?: Json): Json => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  });
  const stream: Json[] = [
    chunk({ role: 'assistant', reasoning: 'Thinking ' }),
    chunk({ reasoning: 'hard.' }),
    chunk({ content: 'Sure, ' }),
    chunk({ content: 'checking.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
    { ...chunk({}), choices: [], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } },
  ];

  it('text and reasoning arrive as they stream; tool calls arrive whole at the end with finish reason and usage', async () => {
    const encoder = createGenaiStreamEncoder();
    const events = [...stream.flatMap((c) => encoder.encode(c)), ...encoder.finish()];
    expect(events.at(-1)).toMatchObject({
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 9, totalTokenCount: 14 },
    });
    const wire = events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');
    const decoded = await decodeWire(wire, () => gemini.adapter.streamDecoder('chat', gemini.call('chat', 'gpt-4o', { stream: true })), 5);
    const outcome = reassembleChatChunks(chunksOf(decoded));
    expect(outcome).toEqual({
      content: 'Sure, checking.',
      reasoning: 'Thinking hard.',
      toolCalls: [
        { id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
        { id: 'call_2', name: 'time', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
      usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
    });
  });
});
