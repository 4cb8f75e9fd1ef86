/**
 * What the request log shows of an attempt is read back from the JSON texts the gateway held: each
 * kind of request and answer comes back as the conversation, the output and the parameters a user
 * would expect, and the content summary holds their text.
 */
import { describe, expect, it } from 'vitest';
import { contentSummaryOf, logContentOf } from '../../src/schema/log-content.js';
import { readJsonlEvents, readJsonlLines } from '../support/fixtures.js';

const json = (value: unknown) => JSON.stringify(value);

describe('logContentOf', () => {
  it('reads a chat: the messages, the answer message, the parameters other than content', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Capital of France?' },
    ];
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const content = logContentOf(
      json({ model: 'gpt-4o-mini', messages, temperature: 0.2, tools, stream: false, fallbacks: ['groq/llama'] }),
      json({
        id: 'chatcmpl-1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
        usage: { total_tokens: 9 },
        extra_fields: { provider: 'openai' },
      }),
      'body',
      'chat_completion',
    );
    expect(content).toEqual({ input_history: messages, output_message: { role: 'assistant', content: 'Paris.' }, params: { temperature: 0.2, tools } });
    expect(contentSummaryOf(content)).toBe('Be brief.\nCapital of France?\nParis.');
  });

  it('puts a chat stream back together from its chunks: the text and every tool call whole, as recorded', () => {
    const fixture = 'openai/chat/issue-15789-step-1.chunks.txt';
    const content = logContentOf(
      json({ model: 'gpt-4o', messages: [{ role: 'user', content: 'weather?' }], stream: true }),
      `[${readJsonlLines(fixture).join(',')}]`,
      'chunks',
      'chat_completion_stream',
    );
    const expected = foldChatChunks(readJsonlEvents(fixture) as ChatChunk[]);
    const output = content.output_message as {
      role: string;
      content: string | null;
      tool_calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    };
    expect(output.role).toBe('assistant');
    expect(output.content).toBe(expected.content);
    expect(output.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }))).toEqual(expected.calls);
    expect(output.tool_calls.length).toBeGreaterThan(0);
    for (const call of output.tool_calls) expect(() => JSON.parse(call.function.arguments) as unknown).not.toThrow();
    expect(content.params).toBeNull();
    expect(contentSummaryOf(content)).toContain(expected.calls[0]!.arguments);
  });

  it('reads a Responses stream as the final response’s output, and its request as instructions and input', () => {
    const fixture = 'openai/responses/openai-issue-11239.1.chunks.txt';
    const events = readJsonlEvents(fixture) as Array<{ type: string; response?: { output: unknown[] } }>;
    const completed = events.find((event) => event.type === 'response.completed');
    const input = [{ role: 'user', content: 'Call the tool.' }];
    const content = logContentOf(
      json({ model: 'gpt-5.2', instructions: 'Use tools.', input, stream: true, reasoning: { effort: 'low' } }),
      `[${readJsonlLines(fixture).join(',')}]`,
      'chunks',
      'responses_stream',
    );
    expect(content.input_history).toEqual({ instructions: 'Use tools.', input });
    expect(content.output_message).toEqual(completed?.response?.output);
    expect(content.params).toEqual({ reasoning: { effort: 'low' } });
    expect(contentSummaryOf(content)).toMatch(/^Call the tool\.\nUse tools\./);
  });

  it('reads an embedding as its input and the number of vectors, not the vectors', () => {
    const content = logContentOf(
      json({ model: 'text-embedding-3-small', input: ['first text', 'second text'], dimensions: 256 }),
      json({ object: 'list', data: [{ embedding: [0.1, 0.2] }, { embedding: [0.3, 0.4] }], usage: { total_tokens: 4 } }),
      'body',
      'embedding',
    );
    expect(content).toEqual({ input_history: ['first text', 'second text'], output_message: { embeddings: 2 }, params: { dimensions: 256 } });
    expect(contentSummaryOf(content)).toBe('first text\nsecond text');
  });

  it('reads a resource call as the resource, without the gateway’s extra fields', () => {
    const file = { id: 'file-abc', object: 'file', bytes: 3, filename: 'a.jsonl', purpose: 'batch' };
    const content = logContentOf(null, json({ ...file, extra_fields: { provider: 'openai' } }), 'body', 'file_retrieve');
    expect(content).toEqual({ input_history: null, output_message: file, params: null });
    expect(contentSummaryOf(content)).toBe('');
  });

  it('reads nothing, and throws nothing, from no content or text that is not JSON', () => {
    expect(logContentOf(null, null, null, 'chat_completion')).toEqual({ input_history: null, output_message: null, params: null });
    expect(logContentOf('{"messages": [', 'not json', 'body', 'chat_completion')).toEqual({ input_history: null, output_message: null, params: null });
  });

  it('keeps the summary to its first 2,000 characters', () => {
    const long = 'x'.repeat(5_000);
    const content = logContentOf(json({ messages: [{ role: 'user', content: long }] }), null, null, 'chat_completion');
    expect(contentSummaryOf(content)).toHaveLength(2_000);
  });
});

interface ChatChunk {
  choices?: Array<{
    index?: number;
    delta?: { content?: string | null; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> };
  }>;
}

/** What an SDK ends up with after reading the chunks: the text, and each tool call's id, name and whole arguments. */
function foldChatChunks(chunks: readonly ChatChunk[]) {
  let content = '';
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for (const chunk of chunks) {
    const delta = chunk.choices?.[0]?.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string') content += delta.content;
    for (const call of delta.tool_calls ?? []) {
      const known = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
      calls.set(call.index, {
        id: call.id ?? known.id,
        name: call.function?.name ?? known.name,
        arguments: known.arguments + (call.function?.arguments ?? ''),
      });
    }
  }
  return { content, calls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call) };
}
