/**
 * The /anthropic surface re-encodes canonical chunks into Anthropic's event stream. Every recorded
 * Anthropic stream, decoded by the provider and encoded again, still says what the recording says:
 * the text, thinking with its signature, redacted thinking, tool calls, stop reason and usage — the
 * same things an Anthropic SDK folds out of the events.
 */
import { describe, expect, it } from 'vitest';
import { createAnthropicStreamEncoder } from '../../../src/integrations/anthropic/encode-anthropic-stream.js';
import { chunksOf, configuredProvider, decodeWire } from '../stream-reassembly.js';
import { outcomeOfStreamEvents, recordedStreams } from './anthropic-recordings.js';

const anthropic = configuredProvider('anthropic');

describe.each(recordedStreams())('re-encoded anthropic stream $file', ({ wire, events }) => {
  it('holds the recorded text, reasoning, tool calls, stop reason and usage', async () => {
    const chunks = chunksOf(await decodeWire(wire, () => anthropic.adapter.streamDecoder('chat', anthropic.call('chat', 'x', { stream: true }))));
    const encoder = createAnthropicStreamEncoder('claude-sonnet-4-5');

    const reencoded = [...chunks.flatMap((chunk) => encoder.encode(chunk)), ...encoder.finish()].map((e) => e.data);

    expect(outcomeOfStreamEvents(reencoded)).toEqual(outcomeOfStreamEvents(events));
    expect(reencoded[0]).toMatchObject({ type: 'message_start', message: { id: (events[0]?.['message'] as Record<string, unknown>)['id'] } });
    expect(reencoded[reencoded.length - 1]).toEqual({ type: 'message_stop' });
  });
});
