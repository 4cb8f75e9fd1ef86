/**
 * Every streamed Anthropic recording, fed through the real SSE parser whole and in small split
 * pieces, reassembles into exactly what the recording holds: text, thinking with its signature,
 * redacted thinking, tool calls with complete arguments, the finish reason and the usage.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedEvent } from '../../../src/providers/types.js';
import { isRecord } from '../../support/fixtures.js';
import { chunksOf, configuredProvider, decodeWire, reassembleChatChunks } from '../stream-reassembly.js';
import { asObject, outcomeOfStreamEvents, reasoningBlocksOf, recordedStreams } from './anthropic-recordings.js';

const anthropic = configuredProvider('anthropic');
const newDecoder = () => anthropic.adapter.streamDecoder('chat', anthropic.call('chat', 'claude-sonnet-4-5', { stream: true }));

/** Whole body in one read, then reads that cut events, lines and UTF-8 characters apart. */
const PIECE_SIZES = [undefined, 1, 7, 61] as const;

function deltasOf(chunks: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return chunks.flatMap((chunk) => {
    const choices = Array.isArray(chunk['choices']) ? chunk['choices'].filter(isRecord) : [];
    return choices.map((choice) => asObject(choice['delta']));
  });
}

function reasoningDetailsOf(chunks: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return deltasOf(chunks).flatMap((delta) => (Array.isArray(delta['reasoning_details']) ? delta['reasoning_details'].filter(isRecord) : []));
}

describe.each(recordedStreams())('anthropic stream $file', ({ wire, events }) => {
  const recorded = outcomeOfStreamEvents(events);

  it.each(PIECE_SIZES)('reassembles to the recorded text, tool calls, finish reason and usage (reads of %s bytes)', async (pieceSize) => {
    const decoded = await decodeWire(wire, newDecoder, pieceSize);
    const { reasoningBlocks, ...expected } = recorded;

    expect(reassembleChatChunks(chunksOf(decoded))).toEqual(expected);
    expect(reasoningBlocksOf(reasoningDetailsOf(chunksOf(decoded)))).toEqual(reasoningBlocks);
  });

  it('ends with one final chunk carrying the finish reason and usage, then done', async () => {
    const decoded = await decodeWire(wire, newDecoder);
    const chunks = chunksOf(decoded);
    const finishing = chunks.filter((chunk) => Array.isArray(chunk['choices']) && asObject(chunk['choices'][0])['finish_reason'] !== null);

    expect(decoded[decoded.length - 1]).toEqual({ kind: 'done' });
    expect(finishing).toHaveLength(1);
    expect(finishing[0]).toBe(chunks[chunks.length - 1]);
    expect(chunks.filter((chunk) => chunk['usage'] !== undefined)).toHaveLength(1);
    expect(decoded.some((event) => event.kind === 'error')).toBe(false);
  });

  it('names every chunk with the message id and model from message_start', async () => {
    const start = asObject(events.find((event) => event['type'] === 'message_start')?.['message']);
    const chunks = chunksOf(await decodeWire(wire, newDecoder));

    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: start['id'], model: start['model'], object: 'chat.completion.chunk' });
    }
  });
});

describe('anthropic stream details', () => {
  const byName = new Map(recordedStreams().map((stream) => [stream.file.split('/').pop()!, stream]));
  const stream = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new Error(`no recorded stream ${name}`);
    return found.wire;
  };

  it('keeps the three parallel tool calls apart, each with its own complete arguments', async () => {
    const outcome = reassembleChatChunks(chunksOf(await decodeWire(stream('anthropic-issue-15652-false.chunks.txt'), newDecoder, 5)));

    expect(outcome.toolCalls).toEqual([
      { id: 'toolu_01LtEf4h1QW7KCKLsYMuhTNB', name: 'searchDocs', arguments: '{"query": "alpha"}' },
      { id: 'toolu_016tfZE7otAFSBjhc67wu189', name: 'searchDocs', arguments: '{"query": "beta"}' },
      { id: 'toolu_01XkU35z8BVWqqc9tijDuLrA', name: 'searchDocs', arguments: '{"query": "gamma"}' },
    ]);
    expect(outcome.finishReason).toBe('tool_calls');
  });

  it('gives a tool without arguments the arguments {} instead of an empty string', async () => {
    const outcome = reassembleChatChunks(chunksOf(await decodeWire(stream('anthropic-tool-no-args.chunks.txt'), newDecoder)));

    expect(outcome.toolCalls).toEqual([{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }]);
    expect(outcome.content).toBe("I'll update the issue list for you.");
  });

  it('rebuilds quoted, escaped tool input into the JSON object the model wrote', async () => {
    const outcome = reassembleChatChunks(chunksOf(await decodeWire(stream('anthropic-issue-11719-quoted-tool-input.chunks.txt'), newDecoder, 3)));

    expect(JSON.parse(outcome.toolCalls[0]!.arguments)).toEqual({
      website_path: '/home/user/pace-landing',
      tasks: [
        {
          description:
            'Today you post every run to Strava, but Strava does not answer the question: "What should I do next after this run?". It is a great log, but it is not adaptive.',
          type: 'feature',
          passes: false,
        },
      ],
    });
  });

  it('streams thinking as reasoning text and a signed reasoning detail', async () => {
    const chunks = chunksOf(await decodeWire(stream('anthropic-clear-thinking.1.chunks.txt'), newDecoder));

    expect(reassembleChatChunks(chunks).reasoning).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(reasoningBlocksOf(reasoningDetailsOf(chunks))).toEqual([
      {
        type: 'reasoning.text',
        text: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
        signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4NUKFz.*BgB$/),
      },
    ]);
  });

  it('passes both redacted thinking blocks through as encrypted reasoning details, in order', async () => {
    const wire = byName.get('test_anthropic_model_thinking_part_redacted_stream.yaml')!.wire;
    const details = reasoningBlocksOf(reasoningDetailsOf(chunksOf(await decodeWire(wire, newDecoder, 13))));

    expect(details.map((d) => d.type)).toEqual(['reasoning.encrypted', 'reasoning.encrypted']);
    expect(details[0]).toMatchObject({ data: expect.stringMatching(/^EqkECkYIBxgCKkA8AZ4n/) });
    expect(details[1]).toMatchObject({ data: expect.stringMatching(/^EtgBCkYIBxgCKkDQfGkw/) });
  });

  it('counts a prompt-cache write in prompt_tokens and reports it as cache_creation_tokens', async () => {
    const { usage, finishReason } = reassembleChatChunks(chunksOf(await decodeWire(stream('anthropic-issue-5942-cache-write.chunks.txt'), newDecoder)));

    expect(usage).toEqual({
      prompt_tokens: 18642,
      completion_tokens: 1,
      total_tokens: 18643,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 18639 },
    });
    expect(finishReason).toBe('length');
  });

  it('counts a prompt-cache read in prompt_tokens and reports it as cached_tokens', async () => {
    const { usage } = reassembleChatChunks(chunksOf(await decodeWire(stream('anthropic-issue-5942-cache-read.chunks.txt'), newDecoder)));

    expect(usage).toEqual({
      prompt_tokens: 18642,
      completion_tokens: 1,
      total_tokens: 18643,
      prompt_tokens_details: { cached_tokens: 18639, cache_creation_tokens: 0 },
    });
  });

  it('turns an error event into a stream error with the status Anthropic gives that error type', async () => {
    const start =
      '{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}';
    const wire = `event: message_start\ndata: ${start}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;

    const decoded = await decodeWire(wire, newDecoder);

    expect(decoded[decoded.length - 1]).toEqual<DecodedEvent>({
      kind: 'error',
      error: { status: 529, message: 'Overloaded', type: 'overloaded_error' },
    });
  });

  it('still finishes the response when the body ends after message_delta without message_stop', async () => {
    const full = stream('anthropic-text.chunks.txt');
    const cut = full.slice(0, full.lastIndexOf('event: message_stop'));

    const outcome = reassembleChatChunks(chunksOf(await decodeWire(cut, newDecoder)));

    expect(outcome.finishReason).toBe('stop');
    expect(outcome.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 30 });
  });
});
