/**
 * What Cohere receives for a canonical chat request: the v2 endpoint and bearer key, every message
 * role and content kind, tools and tool choices, JSON output, reasoning budgets and sampling
 * parameters under Cohere's names; and a 400 naming the parameter for what Cohere cannot honour.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure } from '../../../src/schema/error.js';
import { configuredProvider } from '../stream-reassembly.js';

const cohere = configuredProvider('cohere', { network_config: { base_url: 'http://cohere.test/' } });
const MODEL = 'command-a-03-2025';
const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const TIME_TOOL = { type: 'function', function: { name: 'currentTime', parameters: { type: 'object', properties: {} } } };

function build(body: Record<string, unknown>, stream = false) {
  return cohere.adapter.buildRequest(cohere.call('chat', MODEL, { body: { model: `cohere/${MODEL}`, ...body }, stream }));
}

function nativeBody(body: Record<string, unknown>, stream = false): Record<string, unknown> {
  return JSON.parse(build(body, stream).body!) as Record<string, unknown>;
}

function refusal(body: Record<string, unknown>): { status: number; message: string; param: string | null } {
  try {
    build(body);
  } catch (err) {
    if (err instanceof GatewayFailure) return { status: err.status, message: err.body.error.message, param: err.body.error.param };
    throw err;
  }
  throw new Error('expected the request to be refused');
}

const hello = [{ role: 'user', content: 'Hello' }];

describe('cohere chat request', () => {
  it('goes to /v2/chat under the configured base URL with the key as a bearer token', () => {
    const req = build({ messages: hello });

    expect(req).toMatchObject({ method: 'POST', url: 'http://cohere.test/v2/chat' });
    expect(req.headers).toMatchObject({ authorization: 'Bearer sk-cohere-test', 'content-type': 'application/json' });
    expect(nativeBody({ messages: hello })).toEqual({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }], stream: false });
  });

  it('defaults to api.cohere.com when no base URL is configured', () => {
    const plain = configuredProvider('cohere');
    const req = plain.adapter.buildRequest(plain.call('chat', MODEL, { body: { messages: hello } }));

    expect(req.url).toBe('https://api.cohere.com/v2/chat');
  });

  it('asks for a stream when the caller streams', () => {
    expect(nativeBody({ messages: hello }, true)['stream']).toBe(true);
  });

  it('sends system, developer, user (text, image URL, base64 image), assistant tool calls and tool results', () => {
    const native = nativeBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
            { type: 'image_url', image_url: { url: PNG_DATA_URL } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          reasoning: 'I will look up the weather.',
          tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'weather_1', content: '{"temp":21}' },
      ],
    });

    expect(native['messages']).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          { type: 'image_url', image_url: { url: PNG_DATA_URL } },
        ],
      },
      {
        role: 'assistant',
        tool_plan: 'I will look up the weather.',
        tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'weather_1', content: '{"temp":21}' },
    ]);
  });

  it('sends earlier reasoning without tool calls back as a thinking block before the text', () => {
    const native = nativeBody({ messages: [...hello, { role: 'assistant', content: 'Hi!', reasoning: 'A greeting.' }, { role: 'user', content: 'Again' }] });

    expect((native['messages'] as unknown[])[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'A greeting.' },
        { type: 'text', text: 'Hi!' },
      ],
    });
  });

  it('gives a tool call without arguments {} (Cohere needs a JSON object)', () => {
    const native = nativeBody({
      messages: [...hello, { role: 'assistant', tool_calls: [{ id: 't1', type: 'function', function: { name: 'currentTime', arguments: '' } }] }],
    });

    expect((native['messages'] as Record<string, unknown>[])[1]!['tool_calls']).toEqual([
      { id: 't1', type: 'function', function: { name: 'currentTime', arguments: '{}' } },
    ]);
  });

  it('maps sampling and length parameters to Cohere names', () => {
    const native = nativeBody({
      messages: hello,
      max_completion_tokens: 300,
      temperature: 0.3,
      top_p: 0.8,
      top_k: 40,
      stop: ['END', 'STOP'],
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });

    expect(native).toMatchObject({
      max_tokens: 300,
      temperature: 0.3,
      p: 0.8,
      k: 40,
      stop_sequences: ['END', 'STOP'],
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
    expect(nativeBody({ messages: hello, max_tokens: 50, stop: 'END' })).toMatchObject({ max_tokens: 50, stop_sequences: ['END'] });
  });

  it('sends function tools; required and none become REQUIRED and NONE, auto is Cohere default', () => {
    expect(nativeBody({ messages: hello, tools: [WEATHER_TOOL], tool_choice: 'required' })).toMatchObject({
      tools: [WEATHER_TOOL],
      tool_choice: 'REQUIRED',
    });
    expect(nativeBody({ messages: hello, tools: [WEATHER_TOOL], tool_choice: 'none' })['tool_choice']).toBe('NONE');
    expect(nativeBody({ messages: hello, tools: [WEATHER_TOOL], tool_choice: 'auto' })).not.toHaveProperty('tool_choice');
  });

  it('forces a named tool by offering only that tool and requiring a call', () => {
    const native = nativeBody({ messages: hello, tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: { type: 'function', function: { name: 'currentTime' } } });

    expect(native).toMatchObject({ tools: [TIME_TOOL], tool_choice: 'REQUIRED' });
    expect(refusal({ messages: hello, tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'nope' } } })).toMatchObject({
      status: 400,
      param: 'tool_choice',
    });
  });

  it('turns strict function tools into strict_tools', () => {
    const strict = { type: 'function', function: { ...WEATHER_TOOL.function, strict: true } };

    expect(nativeBody({ messages: hello, tools: [strict] })).toMatchObject({ tools: [WEATHER_TOOL], strict_tools: true });
  });

  it('asks for JSON output, with the schema when one is given', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

    expect(
      nativeBody({ messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'r', schema, strict: true } } })['response_format'],
    ).toEqual({
      type: 'json_object',
      json_schema: schema,
    });
    expect(nativeBody({ messages: hello, response_format: { type: 'json_object' } })['response_format']).toEqual({ type: 'json_object' });
  });

  it('maps reasoning budgets and efforts to thinking', () => {
    expect(nativeBody({ messages: hello, reasoning: { max_tokens: 2048 } })['thinking']).toEqual({ type: 'enabled', token_budget: 2048 });
    expect(nativeBody({ messages: hello, reasoning_effort: 'high' })['thinking']).toEqual({ type: 'enabled' });
    expect(nativeBody({ messages: hello, reasoning_effort: 'none' })['thinking']).toEqual({ type: 'disabled' });
    expect(nativeBody({ messages: hello, reasoning: { effort: 'low', max_tokens: 0 } })['thinking']).toEqual({ type: 'disabled' });
  });

  it('forwards Cohere-only fields a caller puts in the body', () => {
    const documents = [{ id: 'doc:0', data: { text: 'AI provides automation.' } }];

    expect(nativeBody({ messages: hello, documents, safety_mode: 'STRICT', citation_options: { mode: 'FAST' } })).toMatchObject({
      documents,
      safety_mode: 'STRICT',
      citation_options: { mode: 'FAST' },
    });
  });

  it('does not send what has no effect on the answer', () => {
    const native = nativeBody({
      messages: hello,
      user: 'u-1',
      store: false,
      metadata: { a: '1' },
      stream_options: { include_usage: true },
      n: 1,
      logprobs: false,
    });

    expect(Object.keys(native).sort()).toEqual(['messages', 'model', 'stream']);
  });

  it.each([
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ n: 2 }, 'n'],
    [{ parallel_tool_calls: false }, 'parallel_tool_calls'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ response_format: { type: 'grammar' } }, 'response_format.type'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0]'],
  ])('refuses %j with a 400 naming %s', (extra, param) => {
    expect(refusal({ messages: hello, ...extra })).toMatchObject({ status: 400, param });
  });

  it.each([
    [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,AAAA' } }] }, 'messages[0].content[0]'],
    [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }, 'messages[0].content[0]'],
    [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }, 'messages[0].content[0]'],
    [{ role: 'function', name: 'f', content: '1' }, 'messages[0].role'],
    [{ role: 'tool', content: '1' }, 'messages[0].tool_call_id'],
  ])('refuses content Cohere cannot take: %j', (message, param) => {
    const refused = refusal({ messages: [message] });

    expect(refused).toMatchObject({ status: 400, param });
    expect(refused.message).toMatch(/cohere|tool_call_id/);
  });
});
