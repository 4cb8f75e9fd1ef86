/**
 * The requests Iris sends to providers' own counting endpoints, built from either canonical count
 * body (a Responses request, or a canonical chat request from the Anthropic / GenAI surfaces), and
 * how their answers are read. Only providers that have such an endpoint claim `count_tokens`.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/schema/request-type.js';
import { configuredProvider } from '../providers/stream-reassembly.js';

type Json = Record<string, unknown>;

const COUNT: Operation = 'count_tokens';

function built(provider: ReturnType<typeof configuredProvider>, model: string, body: Json): { url: string; body: Json; headers: Record<string, string> } {
  const req = provider.adapter.buildRequest(provider.call(COUNT, model, { body }));
  if (typeof req.body !== 'string') throw new Error('expected a JSON body');
  expect(req.method).toBe('POST');
  return { url: req.url, body: JSON.parse(req.body) as Json, headers: req.headers };
}

const CHAT_CONVERSATION: Json = {
  model: 'whatever',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is on this map?' },
        { type: 'image_url', image_url: { url: 'https://example.com/map.png' } },
      ],
    },
    { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"map"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'a map of Oslo' },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', description: 'Look things up', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
};

describe('OpenAI: POST /v1/responses/input_tokens', () => {
  const openai = configuredProvider('openai', { network_config: { base_url: 'http://openai.test' } });

  it('sends a Responses request as written, minus gateway fields, with the bare model', () => {
    const req = built(openai, 'gpt-4o', {
      model: 'openai/gpt-4o',
      input: 'hi',
      instructions: 'Be brief.',
      fallbacks: ['groq/x'],
      reasoning: { effort: 'low' },
    });
    expect(req.url).toBe('http://openai.test/v1/responses/input_tokens');
    expect(req.headers['authorization']).toBe('Bearer sk-openai-test');
    expect(req.body).toEqual({ model: 'gpt-4o', input: 'hi', instructions: 'Be brief.', reasoning: { effort: 'low' } });
  });

  it('turns a canonical chat conversation into Responses input items', () => {
    expect(built(openai, 'gpt-4o', CHAT_CONVERSATION).body).toEqual({
      model: 'gpt-4o',
      input: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is on this map?' },
            { type: 'input_image', image_url: 'https://example.com/map.png', detail: 'auto' },
          ],
        },
        { role: 'assistant', content: 'Let me check.' },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"q":"map"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'a map of Oslo' },
      ],
      tools: [{ type: 'function', name: 'lookup', description: 'Look things up', parameters: { type: 'object' } }],
      tool_choice: 'auto',
    });
  });

  it('is claimed by OpenAI only: compatible rows and custom providers count locally', () => {
    expect(openai.adapter.supports(COUNT)).toBe(true);
    for (const name of ['groq', 'mistral', 'deepseek', 'xai']) expect(configuredProvider(name).adapter.supports(COUNT)).toBe(false);
    const custom = configuredProvider('my-vllm', {
      network_config: { base_url: 'http://vllm.test' },
      custom_provider_config: { base_provider_type: 'openai' },
    });
    expect(custom.adapter.supports(COUNT)).toBe(false);
  });
});

describe('Anthropic: POST /v1/messages/count_tokens', () => {
  const anthropic = configuredProvider('anthropic', { network_config: { base_url: 'http://anthropic.test' } });

  it('sends the Messages request cut down to what counting accepts (thinking kept, max_tokens and sampling dropped)', () => {
    const req = built(anthropic, 'claude-sonnet-4-5', { ...CHAT_CONVERSATION, temperature: 0.3, max_tokens: 9000, reasoning: { max_tokens: 2048 } });
    expect(req.url).toBe('http://anthropic.test/v1/messages/count_tokens');
    expect(req.headers['x-api-key']).toBe('sk-anthropic-test');
    expect(Object.keys(req.body).sort()).toEqual(['messages', 'model', 'system', 'thinking', 'tool_choice', 'tools']);
    expect(req.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [{ name: 'lookup', description: 'Look things up', input_schema: { type: 'object' } }],
    });
    const messages = req.body['messages'] as Json[];
    expect(messages.map((m) => m['role'])).toEqual(['user', 'assistant', 'user']);
  });

  it('converts a Responses request first', () => {
    const req = built(anthropic, 'claude-sonnet-4-5', { model: 'anthropic/claude-sonnet-4-5', instructions: 'Be brief.', input: 'Hi' });
    expect(req.body).toEqual({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('reads {input_tokens} as the canonical count', () => {
    expect(anthropic.adapter.decodeResponse(COUNT, { input_tokens: 14 }, anthropic.call(COUNT, 'claude-sonnet-4-5'))).toEqual({
      object: 'response.input_tokens',
      input_tokens: 14,
    });
  });
});

describe('Gemini: POST models/{model}:countTokens', () => {
  const gemini = configuredProvider('gemini', { network_config: { base_url: 'http://gemini.test' } });

  it('sends a whole generateContentRequest so the system instruction and tools are counted', () => {
    const req = built(gemini, 'models/gemini-2.5-flash', {
      model: 'gemini/gemini-2.5-flash',
      instructions: 'Be brief.',
      input: 'Hi',
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    });
    expect(req.url).toBe('http://gemini.test/v1beta/models/gemini-2.5-flash:countTokens');
    expect(req.headers['x-goog-api-key']).toBe('sk-gemini-test');
    const inner = req.body['generateContentRequest'] as Json;
    expect(inner).toMatchObject({
      model: 'models/gemini-2.5-flash',
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    });
    expect(JSON.stringify(inner['tools'])).toContain('"name":"lookup"');
  });

  it('reads totalTokens, and a missing total (Google omits zeros) as 0', () => {
    const call = gemini.call(COUNT, 'gemini-2.5-flash');
    expect(gemini.adapter.decodeResponse(COUNT, { totalTokens: 31, promptTokensDetails: [] }, call)).toEqual({
      object: 'response.input_tokens',
      input_tokens: 31,
    });
    expect(gemini.adapter.decodeResponse(COUNT, {}, call)).toEqual({ object: 'response.input_tokens', input_tokens: 0 });
  });
});
