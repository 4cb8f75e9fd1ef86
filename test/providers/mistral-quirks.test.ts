/**
 * Mistral speaks an OpenAI-like dialect: the body Iris sends is rewritten into Mistral's
 * spelling, and Mistral's answers are read back into the canonical shape.
 */
import { describe, expect, it } from 'vitest';
import { mistralToolCallId } from '../../src/providers/openai/mistral-quirks.js';
import { isRecord, readJsonBody, readVcr } from '../support/fixtures.js';
import { asRecord, chatOutcomeOfResponse, configuredProvider, deepFreeze, reassembleChatChunks } from './stream-reassembly.js';

const mistral = configuredProvider('mistral');

/** The JSON body Iris would send to Mistral for a canonical chat body. */
function sentToMistral(body: Record<string, unknown>, op: 'chat' | 'embedding' = 'chat'): Record<string, unknown> {
  const request = mistral.adapter.buildRequest(mistral.call(op, 'mistral-small-latest', { body: deepFreeze(body) }));
  return asRecord(JSON.parse(request.body ?? 'null'), 'sent body');
}

const USER_HELLO = [{ role: 'user', content: 'Hello' }];

/** The recorded OpenAI conversation with a tool round trip (assistant tool_calls + tool result). */
function recordedToolConversation(): Record<string, unknown>[] {
  const request = asRecord(readVcr('openai/chat/pydantic-ai/test_run_stream_sync_streams_real_model.yaml').interactions[1]?.request.json, 'request');
  const messages = request['messages'];
  if (!Array.isArray(messages)) throw new Error('recorded request has no messages');
  return messages.map((m) => asRecord(m, 'message'));
}

function assistantToolCallIds(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  return messages
    .filter(isRecord)
    .flatMap((m) => (Array.isArray(m['tool_calls']) ? m['tool_calls'].filter(isRecord) : []))
    .map((call) => String(call['id']));
}

function toolResultIds(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isRecord).flatMap((m) => (typeof m['tool_call_id'] === 'string' ? [m['tool_call_id']] : []));
}

describe('Mistral request rewriting', () => {
  it('asks for max_tokens and random_seed where OpenAI says max_completion_tokens and seed', () => {
    const sent = sentToMistral({ messages: USER_HELLO, max_completion_tokens: 256, seed: 42 });
    expect(sent).toMatchObject({ max_tokens: 256, random_seed: 42 });
    expect(sent).not.toHaveProperty('max_completion_tokens');
    expect(sent).not.toHaveProperty('seed');
  });

  it('keeps an explicit max_tokens over max_completion_tokens', () => {
    const sent = sentToMistral({ messages: USER_HELLO, max_tokens: 100, max_completion_tokens: 256 });
    expect(sent['max_tokens']).toBe(100);
    expect(sent).not.toHaveProperty('max_completion_tokens');
  });

  it('says tool_choice "any" where OpenAI says "required", and leaves other choices alone', () => {
    expect(sentToMistral({ messages: USER_HELLO, tool_choice: 'required' })['tool_choice']).toBe('any');
    expect(sentToMistral({ messages: USER_HELLO, tool_choice: 'auto' })['tool_choice']).toBe('auto');
    const named = { type: 'function', function: { name: 'weather' } };
    expect(sentToMistral({ messages: USER_HELLO, tool_choice: named })['tool_choice']).toEqual(named);
  });

  it('drops stream_options, which Mistral rejects (it always reports usage at the end)', () => {
    const sent = sentToMistral({ messages: USER_HELLO, stream: true, stream_options: { include_usage: true } });
    expect(sent).not.toHaveProperty('stream_options');
    expect(sent['stream']).toBe(true);
  });

  it('shortens OpenAI tool call ids to 9 alphanumerics, the same for the call and its tool result', () => {
    const conversation = recordedToolConversation();
    expect(assistantToolCallIds(conversation)).toEqual(['call_ZR5UUuTt3pf61kjwAJIYdVMj']);

    const sent = sentToMistral({ messages: conversation });
    const [callId] = assistantToolCallIds(sent['messages']);
    expect(callId).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(toolResultIds(sent['messages'])).toEqual([callId]);

    // Stable across requests: the next turn refers to the same call with the same short id.
    expect(assistantToolCallIds(sentToMistral({ messages: conversation })['messages'])).toEqual([callId]);
    // Everything else in the conversation is sent as it was.
    const withoutIds = (messages: unknown): unknown =>
      JSON.parse(JSON.stringify(messages).replaceAll(String(callId), 'ID').replaceAll('call_ZR5UUuTt3pf61kjwAJIYdVMj', 'ID'));
    expect(withoutIds(sent['messages'])).toEqual(withoutIds(conversation));
  });

  it('keeps tool call ids Mistral already accepts, and maps distinct ids to distinct ids', () => {
    const recordedMistralId = 'gSIMJiOkT'; // from mistral/mistral-tool-call.json
    expect(mistralToolCallId(recordedMistralId)).toBe(recordedMistralId);
    const messages = [
      { role: 'assistant', content: null, tool_calls: [{ id: recordedMistralId, type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: recordedMistralId, content: 'sunny' },
    ];
    const sent = sentToMistral({ messages });
    expect(assistantToolCallIds(sent['messages'])).toEqual([recordedMistralId]);
    expect(toolResultIds(sent['messages'])).toEqual([recordedMistralId]);

    const a = mistralToolCallId('call_ZR5UUuTt3pf61kjwAJIYdVMj');
    const b = mistralToolCallId('call_PkRGedQNRFUzJp2R7dO7avWR');
    expect(a).not.toBe(b);
  });

  it('does not touch the canonical body it was given', () => {
    const conversation = recordedToolConversation();
    const body = { messages: conversation, max_completion_tokens: 10, seed: 1, tool_choice: 'required', stream_options: { include_usage: true } };
    const before = structuredClone(body);
    sentToMistral(body);
    expect(body).toEqual(before);
  });

  it('asks for float embeddings when base64 was requested, then hands the caller base64', () => {
    const body = { input: 'hello', encoding_format: 'base64' };
    expect(sentToMistral(body, 'embedding')['encoding_format']).toBe('float');

    const vector = [0.5, -1.25, 3];
    const native = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: vector }], model: 'mistral-embed' };
    const decoded = mistral.adapter.decodeResponse('embedding', native, mistral.call('embedding', 'mistral-embed', { body }));
    const data = decoded['data'];
    const first = Array.isArray(data) ? asRecord(data[0], 'embedding') : {};
    const bytes = Buffer.from(String(first['embedding']), 'base64');
    expect([0, 1, 2].map((i) => bytes.readFloatLE(i * 4))).toEqual(vector);
  });
});

describe('Mistral response reading', () => {
  it("reports model_length as OpenAI's length, in bodies and in stream chunks", () => {
    const body = {
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, finish_reason: 'model_length', message: { role: 'assistant', content: 'cut' } }],
    };
    expect(chatOutcomeOfResponse(mistral.adapter.decodeResponse('chat', body, mistral.call('chat', 'm'))).finishReason).toBe('length');

    const decoder = mistral.adapter.streamDecoder('chat', mistral.call('chat', 'm', { stream: true }));
    const events = decoder.decode({
      event: undefined,
      data: JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'model_length' }] }),
    });
    const chunks = events.flatMap((event) => (event.kind === 'chunk' ? [event.chunk] : []));
    expect(reassembleChatChunks(chunks).finishReason).toBe('length');
  });

  it('splits a thinking content array into reasoning and a content string', () => {
    const decoded = mistral.adapter.decodeResponse('chat', readJsonBody('mistral/mistral-reasoning-history-live.json'), mistral.call('chat', 'm'));
    const outcome = chatOutcomeOfResponse(decoded);
    expect(outcome.content).toBe('391');
    expect(outcome.reasoning).toMatch(/^Okay, I need to calculate 17 multiplied by 23\./);
    expect(outcome.reasoning).toMatch(/So, 17 \* 23 = 391\.$/);
  });

  it('joins several text parts and several thinking parts in order', () => {
    const body = {
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: {
            role: 'assistant',
            content: [
              {
                type: 'thinking',
                thinking: [
                  { type: 'text', text: 'First ' },
                  { type: 'text', text: 'thought.' },
                ],
              },
              { type: 'text', text: 'Answer ' },
              { type: 'thinking', thinking: [{ type: 'text', text: ' More.' }] },
              { type: 'text', text: 'continues.' },
            ],
          },
        },
      ],
    };
    const outcome = chatOutcomeOfResponse(mistral.adapter.decodeResponse('chat', body, mistral.call('chat', 'm')));
    expect(outcome.content).toBe('Answer continues.');
    expect(outcome.reasoning).toBe('First thought. More.');
  });

  it('leaves a plain string answer and an array of only text without any reasoning', () => {
    const plain = mistral.adapter.decodeResponse('chat', readJsonBody('mistral/mistral-text.json'), mistral.call('chat', 'm'));
    expect(chatOutcomeOfResponse(plain).content).toMatch(/^\*\*Holiday Name: "World Kindness Day of Sharing"\*\*/);
    expect(chatOutcomeOfResponse(plain).reasoning).toBeNull();

    const textOnly = { choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] } }] };
    const outcome = chatOutcomeOfResponse(mistral.adapter.decodeResponse('chat', textOnly, mistral.call('chat', 'm')));
    expect(outcome).toMatchObject({ content: 'Hi', reasoning: null });
  });

  it('the OpenAI adapter does not apply Mistral rewrites', () => {
    const openai = configuredProvider('openai');
    const request = openai.adapter.buildRequest(openai.call('chat', 'gpt-4o', { body: { messages: USER_HELLO, seed: 7, tool_choice: 'required' } }));
    expect(JSON.parse(request.body ?? 'null')).toMatchObject({ seed: 7, tool_choice: 'required' });
  });
});
