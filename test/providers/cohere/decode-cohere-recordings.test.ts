/**
 * Every Cohere recording decodes into what it holds: non-streaming bodies give the text, reasoning
 * (thinking blocks and tool plans), tool calls with ids, names and complete arguments, the finish
 * reason and the usage (with cached tokens); every stream, fed through the real SSE parser whole and
 * in small split pieces, reassembles into the very same.
 */
import { describe, expect, it } from 'vitest';
import { listFixtures, readJsonBody, readJsonlLines, sseWireFromLines } from '../../support/fixtures.js';
import { chatOutcomeOfResponse, chunksOf, configuredProvider, decodeWire, reassembleChatChunks, usageNumbers } from '../stream-reassembly.js';
import { JSON_BODIES, STREAMS, asObject, outcomeOfBody, outcomeOfStream, recordedStreams } from './cohere-recordings.js';

const cohere = configuredProvider('cohere');
const MODEL = 'command-a-03-2025';
const decodeBody = (rel: string) => cohere.adapter.decodeResponse('chat', readJsonBody(rel), cohere.call('chat', MODEL));
const newDecoder = () => cohere.adapter.streamDecoder('chat', cohere.call('chat', MODEL, { stream: true }));

/** Whole body in one read, then reads that cut events, lines and UTF-8 characters apart. */
const PIECE_SIZES = [undefined, 1, 7, 61] as const;

describe('cohere recordings', () => {
  it('are all covered by these tests', () => {
    expect(listFixtures('cohere')).toEqual([...JSON_BODIES, ...STREAMS].sort());
  });
});

describe.each(JSON_BODIES)('cohere body %s', (file) => {
  it('decodes to the recorded text, reasoning, tool calls, finish reason and usage', () => {
    const response = decodeBody(file);

    expect(chatOutcomeOfResponse(response)).toEqual(outcomeOfBody(file));
    expect(response).toMatchObject({ id: asObject(readJsonBody(file))['id'], object: 'chat.completion', model: MODEL });
  });
});

describe.each(recordedStreams())('cohere stream $file', ({ wire, events }) => {
  it.each(PIECE_SIZES)('reassembles to the recorded text, reasoning, tool calls, finish reason and usage (reads of %s bytes)', async (pieceSize) => {
    const decoded = await decodeWire(wire, newDecoder, pieceSize);

    expect(reassembleChatChunks(chunksOf(decoded))).toEqual(outcomeOfStream(events));
  });

  it('ends with one final chunk carrying the finish reason and usage, then done', async () => {
    const decoded = await decodeWire(wire, newDecoder);
    const chunks = chunksOf(decoded);
    const finishing = chunks.filter((chunk) => Array.isArray(chunk['choices']) && asObject(chunk['choices'][0])['finish_reason'] !== null);

    expect(decoded[decoded.length - 1]).toEqual({ kind: 'done' });
    expect(finishing).toEqual([chunks[chunks.length - 1]]);
    expect(chunks.filter((chunk) => chunk['usage'] !== undefined)).toHaveLength(1);
    expect(decoded.some((event) => event.kind === 'error')).toBe(false);
  });

  it('names every chunk with the message id from message-start and the model asked for', async () => {
    const id = events.find((event) => event['type'] === 'message-start')?.['id'];
    for (const chunk of chunksOf(await decodeWire(wire, newDecoder))) {
      expect(chunk).toMatchObject({ id, model: MODEL, object: 'chat.completion.chunk' });
    }
  });
});

describe('cohere recordings, what a client reads', () => {
  it('text: the answer, stop, and usage counting every token with the cached ones', () => {
    const outcome = chatOutcomeOfResponse(decodeBody('cohere/cohere-text.json'));

    expect(outcome.content).toBe('The capital of France is Paris.');
    expect(outcome.finishReason).toBe('stop');
    expect(usageNumbers(outcome.usage)).toEqual({ prompt: 507, completion: 10, total: 517, cached: 448 });
  });

  it('max tokens: the cut-off text and finish reason length', () => {
    const outcome = chatOutcomeOfResponse(decodeBody('cohere/cohere-max-tokens.json'));

    expect(outcome).toMatchObject({ content: '**The History of', finishReason: 'length' });
  });

  it('parallel tool calls: both calls with their ids and arguments, the tool plan as reasoning', () => {
    const outcome = chatOutcomeOfResponse(decodeBody('cohere/cohere-tool-call.json'));

    expect(outcome.toolCalls).toEqual([
      { id: 'weather_dqgshstja6p9', name: 'weather', arguments: '{"location":"San Francisco"}' },
      { id: 'cityAttractions_dcxfx4myvx68', name: 'cityAttractions', arguments: '{"city":"San Francisco"}' },
    ]);
    expect(outcome.reasoning).toMatch(/^I will use the weather tool/);
    expect(outcome).toMatchObject({ content: null, finishReason: 'tool_calls' });
  });

  it('parallel tool calls streamed: both calls keep their own complete arguments', async () => {
    const wire = recordedStreams().find((s) => s.file.endsWith('cohere-tool-call.chunks.txt'))!.wire;
    const outcome = reassembleChatChunks(chunksOf(await decodeWire(wire, newDecoder, 5)));

    expect(outcome.toolCalls).toEqual([
      { id: 'weather_e8p4pn45zt0t', name: 'weather', arguments: '{"location": "San Francisco"}' },
      { id: 'cityAttractions_pyxssbwnq9fq', name: 'cityAttractions', arguments: '{"city": "San Francisco"}' },
    ]);
    expect(JSON.parse(outcome.toolCalls[1]!.arguments)).toEqual({ city: 'San Francisco' });
  });

  it('a call Cohere answers with arguments "null" reaches the client as {}', () => {
    const outcome = chatOutcomeOfResponse(decodeBody('cohere/cohere-null-args.json'));

    expect(outcome.toolCalls).toEqual([{ id: 'currentTime_tf4dywn8wgnk', name: 'currentTime', arguments: '{}' }]);
  });

  it('a streamed call with no argument deltas reaches the client as {}', async () => {
    const wire = recordedStreams().find((s) => s.file.endsWith('cohere-empty-tool-call.chunks.txt'))!.wire;
    const outcome = reassembleChatChunks(chunksOf(await decodeWire(wire, newDecoder)));

    expect(outcome.toolCalls).toEqual([{ id: 'currentTime_y46ar19t5gvw', name: 'currentTime', arguments: '{}' }]);
    expect(JSON.parse(outcome.toolCalls[0]!.arguments)).toEqual({});
  });

  it('reasoning: thinking blocks become reasoning, apart from the answer', async () => {
    const body = chatOutcomeOfResponse(decodeBody('cohere/cohere-reasoning.json'));
    const wire = recordedStreams().find((s) => s.file.endsWith('cohere-reasoning.chunks.txt'))!.wire;
    const streamed = reassembleChatChunks(chunksOf(await decodeWire(wire, newDecoder, 3)));

    expect(body).toMatchObject({ content: '2 + 2 = 4', reasoning: expect.stringMatching(/^Okay, so I need to figure out/) });
    expect(streamed.content).toBe('The answer to 2 + 2 is 4.');
    expect(streamed.reasoning).toMatch(/^The user is asking for the sum of 2 and 2\./);
    expect(usageNumbers(streamed.usage)).toEqual({ prompt: 1394, completion: 54, total: 1448, cached: 1360 });
  });

  it('a stream cut off before message-end ends in an error, not in a finished answer', async () => {
    const lines = readJsonlLines('cohere/cohere-text.chunks.txt');
    const decoded = await decodeWire(sseWireFromLines(lines.slice(0, -1), 'named-events'), newDecoder);
    const last = decoded[decoded.length - 1];

    expect(last).toMatchObject({ kind: 'error', error: { status: 502, message: 'cohere stream ended before message-end' } });
    expect(chunksOf(decoded).some((chunk) => chunk['usage'] !== undefined)).toBe(false);
  });

  it('a message-end reporting a generation error becomes a stream error with its message', async () => {
    const lines = [
      ...readJsonlLines('cohere/cohere-text.chunks.txt').slice(0, 3),
      JSON.stringify({ type: 'message-end', delta: { finish_reason: 'ERROR', error: 'internal generation failure' } }),
    ];
    const decoded = await decodeWire(sseWireFromLines(lines, 'named-events'), newDecoder);

    expect(decoded[decoded.length - 1]).toEqual({ kind: 'error', error: { status: 500, message: 'internal generation failure' } });
  });

  it('citations stay on the message with the text they cite', () => {
    const response = decodeBody('cohere/cohere-citations.json');
    const message = asObject(asObject((response['choices'] as unknown[])[0])['message']);
    const citations = message['citations'] as Record<string, unknown>[];

    expect(citations.map((c) => c['text'])).toEqual(['Automation of tasks', 'Better decision-making', 'Cost reduction']);
    expect(String(message['content']).slice(52, 71)).toBe('Automation of tasks');
  });
});
