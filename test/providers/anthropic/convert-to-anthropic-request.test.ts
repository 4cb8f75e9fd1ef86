/**
 * Canonical chat requests become the Anthropic Messages requests Anthropic expects: the recorded
 * request bodies are rebuilt exactly, every canonical feature is mapped (system prompts, images,
 * documents, tools, tool choice, tool results, thinking, structured output, stop sequences,
 * sampling, cache_control), and parameters Anthropic cannot honour are refused with a 400 naming
 * them instead of being dropped.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure } from '../../../src/schema/error.js';
import type { BifrostError } from '../../../src/schema/error.js';
import { readVcr } from '../../support/fixtures.js';
import { configuredProvider } from '../stream-reassembly.js';
import { asObject, IMAGE_INPUT, PARALLEL_TOOLS, REDACTED_STREAM } from './anthropic-recordings.js';

const anthropic = configuredProvider('anthropic', { network_config: { base_url: 'http://127.0.0.1:9/' } });

function build(body: Record<string, unknown>, model = 'claude-sonnet-4-5', stream = false) {
  return anthropic.adapter.buildRequest(anthropic.call('chat', model, { body: { model: `anthropic/${model}`, ...body }, stream }));
}

function nativeBody(body: Record<string, unknown>, model?: string, stream?: boolean): Record<string, unknown> {
  return asObject(JSON.parse(build(body, model, stream).body ?? 'null'));
}

/** The 400 a request is refused with (fails the test when it is not refused). */
function refusal(body: Record<string, unknown>): BifrostError {
  try {
    build(body);
  } catch (err) {
    if (err instanceof GatewayFailure) return err.body;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

const USER_HELLO = [{ role: 'user', content: 'Hello' }];

describe('recorded Anthropic requests rebuilt from canonical requests', () => {
  it('rebuilds the parallel tool-result turn: system, tool_use blocks, merged tool_result blocks, tools and tool_choice', () => {
    const recorded = asObject(readVcr(PARALLEL_TOOLS).interactions[1]?.request.json);
    const system = String(recorded['system']);
    const people = [
      ['toolu_0167cfEnoQaPviGdVXA95zcu', 'Alice', "alice is bob's wife"],
      ['toolu_01EEe2V5HD1Ac4rKiUR4HD2T', 'Bob', "bob is alice's husband"],
      ['toolu_01XFyAjstT3966qvRynZyVPo', 'Charlie', "charlie is alice's son"],
      ['toolu_013mnQZbgtK2oe3Mo3XKJsx3', 'Daisy', "daisy is bob's daughter and charlie's younger sister"],
    ] as const;
    const canonical = {
      max_tokens: 4096,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: [{ type: 'text', text: 'Alice, Bob, Charlie and Daisy are a family. Who is the youngest?' }] },
        {
          role: 'assistant',
          content:
            "I'll help you find out who is the youngest by retrieving information about each family member. I'll retrieve their entity information to compare their ages.",
          tool_calls: people.map(([id, name]) => ({ id, type: 'function', function: { name: 'retrieve_entity_info', arguments: JSON.stringify({ name }) } })),
        },
        ...people.map(([id, , result]) => ({ role: 'tool', tool_call_id: id, content: result })),
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'retrieve_entity_info',
            description: 'Get the knowledge about the given entity.',
            parameters: { additionalProperties: false, properties: { name: { type: 'string' } }, required: ['name'], type: 'object' },
          },
        },
      ],
      tool_choice: 'auto',
    };

    const body = nativeBody(canonical, 'claude-haiku-4-5');

    const { stream: _stream, system: _system, messages, ...rest } = recorded;
    const withoutIsError = (messages as unknown[]).map((m) => {
      const message = asObject(m);
      const content = (message['content'] as unknown[]).map((b) => {
        const { is_error: _isError, ...block } = asObject(b);
        return block;
      });
      return { ...message, content };
    });
    expect(body).toEqual({ ...rest, system: [{ type: 'text', text: system }], messages: withoutIsError });
  });

  it('rebuilds the image request: a URL image source next to the text', () => {
    const recorded = asObject(readVcr(IMAGE_INPUT).interactions[0]?.request.json);
    const imageUrl = String(asObject(asObject((asObject((recorded['messages'] as unknown[])[0])['content'] as unknown[])[1])['source'])['url']);

    const body = nativeBody(
      {
        max_tokens: 4096,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this vegetable?' },
              { type: 'image_url', image_url: { url: imageUrl } },
            ],
          },
        ],
      },
      'claude-haiku-4-5',
    );

    const { stream: _stream, ...expected } = recorded;
    expect(body).toEqual(expected);
  });

  it('rebuilds the redacted-thinking request: a 1024-token thinking budget on a streamed call', () => {
    const recorded = asObject(readVcr(REDACTED_STREAM).interactions[0]?.request.json);
    const text = String(asObject((asObject((recorded['messages'] as unknown[])[0])['content'] as unknown[])[0])['text']);

    const body = nativeBody(
      { max_tokens: 4096, reasoning: { max_tokens: 1024 }, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text }] }] },
      'claude-sonnet-4-5-20250929',
      true,
    );

    expect(body).toEqual(recorded);
  });
});

describe('anthropic upstream request', () => {
  it('posts to {base_url}/v1/messages with x-api-key, anthropic-version and extra headers', () => {
    const configured = configuredProvider('anthropic', {
      keys: [{ name: 'a', models: ['*'], value: 'sk-ant-test' }],
      network_config: { base_url: 'http://127.0.0.1:9/', extra_headers: { 'x-team': 'blue' } },
    });

    const req = configured.adapter.buildRequest(configured.call('chat', 'claude-sonnet-4-5', { body: { model: 'x', messages: USER_HELLO } }));

    expect(req.method).toBe('POST');
    expect(req.url).toBe('http://127.0.0.1:9/v1/messages');
    expect(req.headers).toEqual({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'x-team': 'blue',
    });
  });

  it('lists models from {base_url}/v1/models', () => {
    const req = anthropic.adapter.buildRequest(anthropic.call('list_models', ''));

    expect(req).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:9/v1/models?limit=1000' });
    expect(anthropic.adapter.supports('embedding')).toBe(false);
    expect(anthropic.adapter.supports('chat')).toBe(true);
  });

  it('defaults to api.anthropic.com when no base_url is configured', () => {
    const configured = configuredProvider('anthropic');

    const req = configured.adapter.buildRequest(configured.call('chat', 'claude-sonnet-4-5', { body: { model: 'x', messages: USER_HELLO } }));

    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
  });
});

describe('canonical features mapped onto Anthropic', () => {
  it('asks for 4096 output tokens when the caller sets no limit, and prefers max_completion_tokens', () => {
    expect(nativeBody({ messages: USER_HELLO })['max_tokens']).toBe(4096);
    expect(nativeBody({ messages: USER_HELLO, max_tokens: 50, max_completion_tokens: 70 })['max_tokens']).toBe(70);
  });

  it('moves system and developer messages into system text blocks, keeping cache_control', () => {
    const body = nativeBody({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long shared context', cache_control: { type: 'ephemeral' } }] },
        { role: 'developer', content: 'Answer briefly.' },
        ...USER_HELLO,
      ],
    });

    expect(body['system']).toEqual([
      { type: 'text', text: 'Long shared context', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Answer briefly.' },
    ]);
    expect(body['messages']).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
  });

  it('sends data-URL images as base64 sources and URL images as url sources, keeping cache_control', () => {
    const body = nativeBody({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' }, cache_control: { type: 'ephemeral' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });

    expect(body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }, cache_control: { type: 'ephemeral' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('sends a PDF file part as a base64 document with its filename as title', () => {
    const body = nativeBody({
      messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }] }],
    });

    expect(body['messages']).toEqual([
      { role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'report.pdf' }] },
    ]);
  });

  it('turns tools into input_schema tools, keeping cache_control and strict', () => {
    const body = nativeBody({
      messages: USER_HELLO,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
        },
        { type: 'function', function: { name: 'ping' }, cache_control: { type: 'ephemeral' } },
      ],
    });

    expect(body['tools']).toEqual([
      { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      { name: 'ping', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } },
    ]);
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    [{ type: 'function', function: { name: 'ping' } }, undefined, { type: 'tool', name: 'ping' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
  ])('maps tool_choice %j with parallel_tool_calls %s to %j', (toolChoice, parallel, expected) => {
    const body = nativeBody({
      messages: USER_HELLO,
      tools: [{ type: 'function', function: { name: 'ping' } }],
      ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
      ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }),
    });

    expect(body['tool_choice']).toEqual(expected);
  });

  it('merges consecutive tool results and the user text after them into one user turn', () => {
    const body = nativeBody({
      messages: [
        ...USER_HELLO,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
            { id: 'toolu_b', type: 'function', function: { name: 'f', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_a', content: 'one' },
        { role: 'tool', tool_call_id: 'toolu_b', content: [{ type: 'text', text: 'two' }] },
        { role: 'user', content: 'And now?' },
      ],
    });

    expect(body['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_a', name: 'f', input: { x: 1 } },
          { type: 'tool_use', id: 'toolu_b', name: 'f', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'one' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: 'two' }] },
          { type: 'text', text: 'And now?' },
        ],
      },
    ]);
  });

  it('sends signed thinking and redacted thinking back before the text and tool use of the assistant turn', () => {
    const body = nativeBody({
      messages: [
        ...USER_HELLO,
        {
          role: 'assistant',
          content: 'Let me look.',
          reasoning: 'I should call f.',
          reasoning_details: [
            { type: 'reasoning.text', text: 'I should call f.', signature: 'sig-1', index: 0 },
            { type: 'reasoning.encrypted', data: 'opaque', index: 1 },
            { type: 'reasoning.summary', summary: 'from another provider', index: 2 },
          ],
          tool_calls: [{ id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_a', content: 'done' },
      ],
    });

    expect(asObject((body['messages'] as unknown[])[1])['content']).toEqual([
      { type: 'thinking', thinking: 'I should call f.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} },
    ]);
  });

  it.each([
    ['minimal', 1024],
    ['low', 2048],
    ['medium', 8192],
    ['high', 16384],
  ])('turns reasoning_effort %s into a %i-token thinking budget, raising max_tokens above it', (effort, budget) => {
    const body = nativeBody({ messages: USER_HELLO, reasoning_effort: effort });

    expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(body['max_tokens']).toBe(budget + 4096);
  });

  it('uses reasoning.max_tokens as the budget and keeps a caller max_tokens above it', () => {
    const body = nativeBody({ messages: USER_HELLO, reasoning: { max_tokens: 3000 }, max_tokens: 5000 });

    expect(body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 3000 }, max_tokens: 5000 });
  });

  it('sends no thinking for reasoning_effort none', () => {
    expect(nativeBody({ messages: USER_HELLO, reasoning_effort: 'none' })['thinking']).toBeUndefined();
  });

  it('maps stop, temperature, top_p, top_k and user', () => {
    const body = nativeBody({ messages: USER_HELLO, stop: 'END', temperature: 0.2, top_p: 0.9, top_k: 40, user: 'user-7' });

    expect(body).toMatchObject({ stop_sequences: ['END'], temperature: 0.2, top_p: 0.9, top_k: 40, metadata: { user_id: 'user-7' } });
    expect(nativeBody({ messages: USER_HELLO, stop: ['a', 'b'] })['stop_sequences']).toEqual(['a', 'b']);
  });

  it('turns a json_schema response_format into Anthropic structured output', () => {
    const schema = { type: 'object', properties: { recipe: { type: 'string' } }, required: ['recipe'], additionalProperties: false };

    const body = nativeBody({ messages: USER_HELLO, response_format: { type: 'json_schema', json_schema: { name: 'recipe', schema, strict: true } } });

    expect(body['output_config']).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('lets parameters that ask for nothing pass', () => {
    const body = nativeBody({ messages: USER_HELLO, n: 1, logprobs: false, frequency_penalty: 0, store: false, response_format: { type: 'text' } });

    expect(body).not.toHaveProperty('n');
    expect(body).not.toHaveProperty('output_config');
  });
});

describe('canonical parameters Anthropic cannot honour', () => {
  it.each([
    ['logprobs', { logprobs: true }, 'anthropic does not support logprobs'],
    ['seed', { seed: 7 }, 'anthropic does not support seed'],
    ['n', { n: 2 }, 'anthropic does not support n'],
    ['presence_penalty', { presence_penalty: 0.5 }, 'anthropic does not support presence_penalty'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'anthropic does not support logit_bias'],
    ['response_format.type', { response_format: { type: 'json_object' } }, "anthropic does not support response_format type 'json_object'; use json_schema"],
  ])('refuses %s with a 400 naming it', (param, extra, message) => {
    const err = refusal({ messages: USER_HELLO, ...extra });

    expect(err.status_code).toBe(400);
    expect(err.error).toMatchObject({ param, message });
  });

  it('refuses a max_tokens at or below the thinking budget instead of changing it', () => {
    const err = refusal({ messages: USER_HELLO, reasoning_effort: 'medium', max_tokens: 8192 });

    expect(err.error.param).toBe('max_tokens');
    expect(err.error.message).toMatch(/max_tokens \(8192\) must be greater than the thinking budget \(8192 tokens\)/);
  });

  it('refuses a thinking budget under Anthropic’s 1024-token minimum', () => {
    expect(refusal({ messages: USER_HELLO, reasoning: { max_tokens: 500 } }).error.param).toBe('reasoning.max_tokens');
  });

  it('refuses audio input and data URLs that are not base64', () => {
    const audio = refusal({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }] });
    const plainDataUrl = refusal({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }] }] });

    expect(audio.error).toMatchObject({ param: 'messages[0].content[0].type', message: 'anthropic does not support audio input' });
    expect(plainDataUrl.error.param).toBe('messages[0].content[0].image_url.url');
  });

  it('refuses tool call arguments that are not JSON', () => {
    const err = refusal({
      messages: [...USER_HELLO, { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }],
    });

    expect(err.error.param).toBe('messages[1].tool_calls[0].function.arguments');
  });
});
