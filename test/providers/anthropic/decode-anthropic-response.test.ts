/**
 * Every recorded non-streaming Anthropic Message decodes into the chat completion a client needs:
 * the text, thinking with its signature, tool calls with their ids and complete JSON arguments,
 * the mapped finish reason and usage with cached tokens counted in; and the model list and the
 * recorded error body keep Anthropic's own words.
 */
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../support/fixtures.js';
import { chatOutcomeOfResponse, configuredProvider } from '../stream-reassembly.js';
import { asObject, ERROR_BODY, outcomeOfMessage, reasoningBlocksOf, recordedMessages } from './anthropic-recordings.js';

const anthropic = configuredProvider('anthropic');
const decode = (native: unknown) => anthropic.adapter.decodeResponse('chat', native, anthropic.call('chat', 'claude-sonnet-4-5'));

describe.each(recordedMessages())('anthropic message $file', ({ message }) => {
  it('decodes to the recorded text, reasoning, tool calls, finish reason and usage', () => {
    const response = decode(message);
    const { reasoningBlocks, ...expected } = outcomeOfMessage(message);
    const choice = asObject((response['choices'] as unknown[])[0]);
    const details = asObject(choice['message'])['reasoning_details'];

    expect(chatOutcomeOfResponse(response)).toEqual(expected);
    expect(reasoningBlocksOf(Array.isArray(details) ? details.map(asObject) : [])).toEqual(reasoningBlocks);
    expect(response).toMatchObject({ id: message['id'], model: message['model'], object: 'chat.completion' });
  });
});

describe('anthropic message details', () => {
  it('keeps a no-argument tool call as {} next to the text before it', () => {
    const outcome = chatOutcomeOfResponse(decode(readJsonBody('anthropic/anthropic-tool-no-args.json')));

    expect(outcome.toolCalls).toEqual([{ id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', arguments: '{}' }]);
    expect(outcome.content).toMatch(/^<thinking>\nThe updateIssueList tool/);
    expect(outcome.finishReason).toBe('tool_calls');
  });

  it('returns the thinking text and its signature so the next turn can send them back', () => {
    const response = decode(readJsonBody('anthropic/anthropic-clear-thinking.1.json'));
    const message = asObject(asObject((response['choices'] as unknown[])[0])['message']);

    expect(message['content']).toBe('925 ÷ 5 = 185');
    expect(message['reasoning']).toBe('925 divided by 5 = 185');
    expect(message['reasoning_details']).toEqual([
      {
        type: 'reasoning.text',
        text: '925 divided by 5 = 185',
        signature: expect.stringMatching(/^Er4BCkYICxgCKkCoxqLH.*RgB$/),
        index: 0,
      },
    ]);
  });

  it('returns structured output as the JSON document the model wrote', () => {
    const outcome = chatOutcomeOfResponse(decode(readJsonBody('anthropic/anthropic-json-output-format.1.json')));

    expect(JSON.parse(outcome.content!)).toMatchObject({ recipe: { name: 'Classic Lasagna' } });
    expect(outcome.usage).toEqual({
      prompt_tokens: 371,
      completion_tokens: 629,
      total_tokens: 1000,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
    });
  });

  it('decodes Anthropic’s model list into ids, dates and display names', () => {
    const list = anthropic.adapter.decodeResponse(
      'list_models',
      {
        data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }],
        has_more: false,
        first_id: 'claude-sonnet-4-5-20250929',
        last_id: 'claude-sonnet-4-5-20250929',
      },
      anthropic.call('list_models', ''),
    );

    expect(list).toEqual({
      object: 'list',
      data: [{ id: 'claude-sonnet-4-5-20250929', object: 'model', created: 1759104000, owned_by: 'anthropic', display_name: 'Claude Sonnet 4.5' }],
    });
  });

  it('keeps the recorded error body’s message and type', () => {
    const body = JSON.stringify(readJsonBody(ERROR_BODY));

    expect(anthropic.adapter.decodeError(400, body)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      message: expect.stringMatching(/^messages\.2\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks/),
    });
  });
});
