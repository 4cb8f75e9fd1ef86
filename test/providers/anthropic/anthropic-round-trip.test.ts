/**
 * Canonical → Anthropic → canonical keeps every feature, in both directions the gateway converts:
 * requests (provider request builder, then the /anthropic surface's reader), responses (the
 * surface's writer, then the provider decoder) and streams (the surface's event encoder, then the
 * provider stream decoder, through the real SSE parser).
 */
import { describe, expect, it } from 'vitest';
import { convertAnthropicRequestToChat } from '../../../src/integrations/anthropic/convert-anthropic-request-to-chat.js';
import { convertChatResponseToAnthropic } from '../../../src/integrations/anthropic/convert-chat-response-to-anthropic.js';
import { createAnthropicStreamEncoder } from '../../../src/integrations/anthropic/encode-anthropic-stream.js';
import { chatOutcomeOfResponse, chunksOf, configuredProvider, decodeWire, reassembleChatChunks } from '../stream-reassembly.js';
import { asObject, reasoningBlocksOf } from './anthropic-recordings.js';

const anthropic = configuredProvider('anthropic');

describe('request round trip', () => {
  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
  const canonical = {
    model: 'claude-sonnet-4-5',
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Shared context', cache_control: { type: 'ephemeral' } }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look at these.' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning: 'Use the tool.',
        reasoning_details: [
          { type: 'reasoning.text', text: 'Use the tool.', signature: 'sig-abc' },
          { type: 'reasoning.encrypted', data: 'redacted-data' },
        ],
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'lookup', arguments: '{"q":"dog"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'a cat' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'a dog' },
      { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
    ],
    max_tokens: 9000,
    reasoning: { max_tokens: 2000 },
    stop: ['STOP'],
    temperature: 1,
    top_p: 0.95,
    top_k: 20,
    tools: [
      {
        type: 'function',
        function: { name: 'lookup', description: 'Find things', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: true },
        cache_control: { type: 'ephemeral' },
      },
    ],
    tool_choice: { type: 'function', function: { name: 'lookup' } },
    parallel_tool_calls: false,
    response_format: { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } },
    user: 'user-42',
    stream: true,
    stream_options: { include_usage: true },
  };

  it('comes back from Anthropic’s request shape with every feature it went in with', () => {
    const upstream = anthropic.adapter.buildRequest(anthropic.call('chat', 'claude-sonnet-4-5', { body: canonical, stream: true }));

    const back = convertAnthropicRequestToChat(JSON.parse(upstream.body ?? 'null'));

    expect(back).toEqual({ model: 'claude-sonnet-4-5', stream: true, fallbacks: [], body: canonical });
  });
});

describe('response round trip', () => {
  const response = {
    id: 'msg_roundtrip',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'claude-sonnet-4-5-20250929',
    choices: [
      {
        index: 0,
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: 'Calling two tools.',
          reasoning: 'Two lookups.',
          reasoning_details: [
            { type: 'reasoning.text', text: 'Two lookups.', signature: 'sig-xyz', index: 0 },
            { type: 'reasoning.encrypted', data: 'opaque', index: 1 },
          ],
          tool_calls: [
            { id: 'toolu_a', type: 'function', function: { name: 'lookup', arguments: '{"q":"a","n":[1,2]}' } },
            { id: 'toolu_b', type: 'function', function: { name: 'noop', arguments: '{}' } },
          ],
        },
      },
    ],
    usage: {
      prompt_tokens: 1500,
      completion_tokens: 80,
      total_tokens: 1580,
      prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 300 },
    },
  };

  it('comes back from Anthropic’s Message shape with its text, reasoning, tool calls, finish reason and usage', () => {
    const message = convertChatResponseToAnthropic(response, 'claude-sonnet-4-5');
    const back = anthropic.adapter.decodeResponse('chat', JSON.parse(JSON.stringify(message)), anthropic.call('chat', 'claude-sonnet-4-5'));

    expect(message.usage).toEqual({ input_tokens: 200, output_tokens: 80, cache_read_input_tokens: 1000, cache_creation_input_tokens: 300 });
    expect(message.stop_reason).toBe('tool_use');
    expect(back).toEqual({ ...response, created: back['created'] });
  });
});

describe('stream round trip', () => {
  const base = { id: 'chatcmpl-rt', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o' };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const canonicalChunks = [
    chunk({ role: 'assistant' }),
    chunk({ reasoning: 'Think', reasoning_details: [{ type: 'reasoning.text', text: 'Think', index: 0 }] }),
    chunk({ reasoning: 'ing.', reasoning_details: [{ type: 'reasoning.text', text: 'ing.', index: 0 }] }),
    chunk({ reasoning_details: [{ type: 'reasoning.text', text: '', signature: 'sig-stream', index: 0 }] }),
    chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: 'opaque-1', index: 1 }] }),
    chunk({ content: 'Hello ' }),
    chunk({ content: 'there.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'noop', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
    { ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } } },
  ];

  function anthropicWire(chunks: readonly Record<string, unknown>[]): { wire: string; events: Array<{ event: string; data: Record<string, unknown> }> } {
    const encoder = createAnthropicStreamEncoder('openai/gpt-4o');
    const events = [...chunks.flatMap((c) => encoder.encode(c)), ...encoder.finish()];
    return { wire: events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join(''), events };
  }

  it('comes back from Anthropic’s event stream with the same text, reasoning, signature, tool calls, finish reason and usage', async () => {
    const { wire } = anthropicWire(canonicalChunks);
    const decoded = chunksOf(await decodeWire(wire, () => anthropic.adapter.streamDecoder('chat', anthropic.call('chat', 'x', { stream: true })), 9));
    const details = decoded.flatMap((c) => {
      const delta = asObject(asObject((c['choices'] as unknown[])[0])['delta']);
      return Array.isArray(delta['reasoning_details']) ? delta['reasoning_details'].map(asObject) : [];
    });

    expect(reassembleChatChunks(decoded)).toEqual({
      content: 'Hello there.',
      reasoning: 'Thinking.',
      toolCalls: [
        { id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
        { id: 'call_2', name: 'noop', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
      usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 0 } },
    });
    expect(reasoningBlocksOf(details)).toEqual([
      { type: 'reasoning.text', text: 'Thinking.', signature: 'sig-stream' },
      { type: 'reasoning.encrypted', data: 'opaque-1' },
    ]);
  });

  it('writes Anthropic’s event order: message_start, blocks opened and closed one after another, message_delta, message_stop', () => {
    const { events } = anthropicWire(canonicalChunks);

    expect(
      events
        .map((e) => (e.event === 'content_block_start' ? `start:${String(asObject(e.data['content_block'])['type'])}` : e.event))
        .filter((e) => e !== 'content_block_delta'),
    ).toEqual([
      'message_start',
      'start:thinking',
      'content_block_stop',
      'start:redacted_thinking',
      'content_block_stop',
      'start:text',
      'content_block_stop',
      'start:tool_use',
      'content_block_stop',
      'start:tool_use',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.data['type'] === e.event)).toBe(true);
    expect(events.filter((e) => e.event === 'content_block_start').map((e) => e.data['index'])).toEqual([0, 1, 2, 3, 4]);
    expect(events[events.length - 2]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 },
    });
  });

  it('answers an empty stream with a complete, empty message', () => {
    const { events } = anthropicWire([]);

    expect(events.map((e) => e.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(asObject(events[0]?.data['message'])).toMatchObject({ model: 'openai/gpt-4o', content: [], role: 'assistant' });
  });

  it('decodes a non-streaming answer the same way the stream reassembles', () => {
    const message = convertChatResponseToAnthropic(
      {
        id: 'x',
        model: 'm',
        choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'cut' } }],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      },
      'm',
    );

    expect(chatOutcomeOfResponse(anthropic.adapter.decodeResponse('chat', message, anthropic.call('chat', 'm')))).toMatchObject({
      content: 'cut',
      finishReason: 'length',
    });
  });
});
