/**
 * Round trips through the canonical schema keep every feature: canonical → Cohere request → canonical
 * (messages, images, tool calls and results, reasoning, tools, JSON schema, sampling), and every
 * recording → canonical → Cohere (the `/cohere` surface's encoders) → canonical. Re-encoding a
 * recorded stream gives back Cohere's own event sequence.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/schema/chat.js';
import { convertCohereChatRequest } from '../../../src/integrations/cohere/convert-cohere-chat-request.js';
import { encodeCohereChatResponse } from '../../../src/integrations/cohere/encode-cohere-chat-response.js';
import { createCohereStreamEncoder } from '../../../src/integrations/cohere/encode-cohere-chat-stream.js';
import type { CohereStreamEvent } from '../../../src/providers/cohere/cohere-types.js';
import { readJsonBody, readJsonlEvents, sseWireFromLines } from '../../support/fixtures.js';
import { chatOutcomeOfResponse, chunksOf, configuredProvider, decodeWire, reassembleChatChunks } from '../stream-reassembly.js';
import { JSON_BODIES, asObject, recordedStreams } from './cohere-recordings.js';

const cohere = configuredProvider('cohere');
const MODEL = 'command-a-03-2025';
const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const newDecoder = () => cohere.adapter.streamDecoder('chat', cohere.call('chat', MODEL, { stream: true }));

/** Cohere events as they go on the wire, then decoded again by the provider. */
async function decodeEvents(events: readonly CohereStreamEvent[], pieceSize?: number) {
  return chunksOf(
    await decodeWire(
      sseWireFromLines(
        events.map((e) => JSON.stringify(e)),
        'named-events',
      ),
      newDecoder,
      pieceSize,
    ),
  );
}

function encodeChunks(chunks: readonly Record<string, unknown>[]): CohereStreamEvent[] {
  const encoder = createCohereStreamEncoder();
  return [...chunks.flatMap((chunk) => encoder.push(chunk)), ...encoder.end()];
}

describe('canonical → Cohere request → canonical', () => {
  const canonical: ChatRequest = {
    model: `cohere/${MODEL}`,
    messages: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather where this photo was taken?' },
          { type: 'image_url', image_url: { url: 'https://example.com/paris.jpg', detail: 'high' } },
          { type: 'image_url', image_url: { url: PNG_DATA_URL } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        reasoning: 'The photo shows Paris; I will check its weather.',
        tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'weather_1', content: '{"temp":21}' },
      { role: 'assistant', content: 'It is 21°C in Paris.', reasoning: 'Report the temperature.' },
      { role: 'user', content: 'Thanks. As JSON please.' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ],
    tool_choice: 'required',
    response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { temp: { type: 'number' } } } } },
    reasoning: { max_tokens: 1024 },
    max_tokens: 200,
    temperature: 0.2,
    top_p: 0.9,
    top_k: 20,
    seed: 3,
    stop: ['END'],
    frequency_penalty: 0.1,
    presence_penalty: 0.2,
    stream: true,
  };

  it('keeps messages, images, tool calls and results, reasoning, tools, JSON schema and sampling', () => {
    const native = JSON.parse(cohere.adapter.buildRequest(cohere.call('chat', MODEL, { body: canonical, stream: true })).body!) as unknown;
    const back = convertCohereChatRequest(native, 'cohere');

    expect(back).toEqual({ ...canonical, model: MODEL, stream_options: { include_usage: true } });
  });
});

describe.each(JSON_BODIES)('recorded body %s → canonical → Cohere → canonical', (file) => {
  it('keeps text, reasoning, tool calls, finish reason and usage', () => {
    const first = cohere.adapter.decodeResponse('chat', readJsonBody(file), cohere.call('chat', MODEL));
    const again = cohere.adapter.decodeResponse('chat', encodeCohereChatResponse(first), cohere.call('chat', MODEL));

    expect(chatOutcomeOfResponse(again)).toEqual(chatOutcomeOfResponse(first));
    expect(asObject((again['choices'] as unknown[])[0])['message']).toEqual(asObject((first['choices'] as unknown[])[0])['message']);
  });
});

describe.each(recordedStreams())('recorded stream $file → canonical → Cohere events → canonical', ({ wire }) => {
  it.each([undefined, 9])('reassembles to the same outcome (reads of %s bytes)', async (pieceSize) => {
    const chunks = chunksOf(await decodeWire(wire, newDecoder));
    const again = await decodeEvents(encodeChunks(chunks), pieceSize);

    expect(reassembleChatChunks(again)).toEqual(reassembleChatChunks(chunks));
  });
});

describe('re-encoding Cohere streams', () => {
  /** Type and index of each event, the shape a Cohere client walks. */
  const shapeOf = (events: readonly Record<string, unknown>[]) => events.map((e) => [e['type'], e['index']]);

  it.each(['cohere/cohere-text.chunks.txt', 'cohere/cohere-reasoning.chunks.txt'])('gives back the recorded event sequence of %s', async (file) => {
    const recorded = readJsonlEvents(file).map(asObject);
    const wire = recordedStreams().find((s) => s.file === file)!.wire;
    const events = encodeChunks(chunksOf(await decodeWire(wire, newDecoder)));

    expect(shapeOf(events as unknown as Record<string, unknown>[])).toEqual(shapeOf(recorded));
    expect(events[events.length - 1]).toEqual(recorded[recorded.length - 1]);
  });

  it('gives tool calls their own start, argument deltas and end, after the content', () => {
    const encoder = createCohereStreamEncoder();
    const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      id: 'c1',
      choices: [{ index: 0, delta, finish_reason: null }],
      ...extra,
    });
    const events = [
      ...encoder.push(chunk({ role: 'assistant', content: 'Checking.' })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })),
      ...encoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })),
      ...encoder.push(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{}' } }] })),
      ...encoder.push({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }),
      ...encoder.push({
        id: 'c1',
        choices: [],
        usage: { prompt_tokens: 58, completion_tokens: 12, total_tokens: 70, prompt_tokens_details: { cached_tokens: 0 } },
      }),
      ...encoder.end(),
    ];

    expect(events.map((e) => e.type)).toEqual([
      'message-start',
      'content-start',
      'content-delta',
      'content-end',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-delta',
      'tool-call-end',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'message-end',
    ]);
    expect(events[4]).toEqual({
      type: 'tool-call-start',
      index: 0,
      delta: { message: { tool_calls: { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } } } },
    });
    expect(events[events.length - 1]).toEqual({
      type: 'message-end',
      delta: {
        finish_reason: 'TOOL_CALL',
        usage: { billed_units: { input_tokens: 58, output_tokens: 12 }, tokens: { input_tokens: 58, output_tokens: 12 }, cached_tokens: 0 },
      },
    });
  });

  it('ends a stream that failed midway with message-end carrying the error', () => {
    const encoder = createCohereStreamEncoder();
    encoder.push({ id: 'c1', choices: [{ index: 0, delta: { content: 'Par' }, finish_reason: null }] });

    expect(encoder.fail('upstream connection reset')).toEqual([
      { type: 'content-end', index: 0 },
      { type: 'message-end', delta: { finish_reason: 'ERROR', error: 'upstream connection reset' } },
    ]);
  });
});
