/**
 * A Responses request's input read as a canonical chat request, for every counter but OpenAI's:
 * instructions, messages, function calls and their outputs keep their meaning; what only OpenAI
 * can resolve is refused with a 400 naming it rather than silently left out of the count.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure } from '../../src/schema/error.js';
import { convertResponsesToChat } from '../../src/schema/convert-responses-to-chat.js';

function refusal(body: Record<string, unknown>): { status: number; param: string | null; message: string } {
  try {
    convertResponsesToChat(body);
  } catch (err) {
    if (err instanceof GatewayFailure) return { status: err.status, param: err.body.error.param, message: err.body.error.message };
    throw err;
  }
  throw new Error('expected the input to be refused');
}

describe('convertResponsesToChat', () => {
  it('turns instructions into the system message and a string input into the user message', () => {
    expect(convertResponsesToChat({ model: 'x', instructions: 'Be brief.', input: 'Hi' })).toEqual({
      model: 'x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('keeps a conversation: content parts, function calls on the assistant turn, outputs as tool messages; reasoning left out', () => {
    const chat = convertResponsesToChat({
      model: 'x',
      input: [
        { role: 'developer', content: [{ type: 'input_text', text: 'Use tools.' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather in these?' },
            { type: 'input_image', image_url: 'https://example.com/map.png', detail: 'low' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'cities.pdf' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'gAAA' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call', call_id: 'c2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'cold' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'warm' }] },
      ],
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather now', parameters: { type: 'object' }, strict: null }],
      tool_choice: { type: 'function', name: 'get_weather' },
    });

    expect(chat.messages).toEqual([
      { role: 'developer', content: 'Use tools.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/map.png', detail: 'low' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'cities.pdf' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'cold' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'warm' }] },
    ]);
    expect(chat.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object' } } }]);
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
  });

  it('starts an assistant turn for a function call that follows a user message', () => {
    const chat = convertResponsesToChat({
      model: 'x',
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{}' },
      ],
    });
    expect(chat.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    });
  });

  it.each([
    [{ previous_response_id: 'resp_1', input: 'more' }, 'previous_response_id'],
    [{ conversation: 'conv_1', input: 'more' }, 'conversation'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id'],
    [{ input: 'hi', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
  ])('refuses what only OpenAI can count (%j) with a 400 naming %s', (body, param) => {
    const err = refusal({ model: 'x', ...body });
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toContain('only an openai model can count this input');
  });

  it('refuses malformed items with a 400 naming the field', () => {
    expect(refusal({ model: 'x', input: [{ role: 'robot', content: 'hi' }] })).toMatchObject({ status: 400, param: 'input[0].role' });
    expect(refusal({ model: 'x', input: [{ type: 'function_call', name: 'f' }] })).toMatchObject({ status: 400, param: 'input[0].call_id' });
  });
});
