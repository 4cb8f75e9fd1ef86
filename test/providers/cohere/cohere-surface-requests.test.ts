/**
 * The `/cohere` surface's request converters: a Cohere v2 chat / embed / rerank body becomes the
 * canonical request any provider can serve; Cohere-only features go on to Cohere and are refused
 * (400, naming the field) for other providers instead of being dropped.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure } from '../../../src/schema/error.js';
import { convertCohereChatRequest } from '../../../src/integrations/cohere/convert-cohere-chat-request.js';
import { convertCohereEmbedRequest } from '../../../src/integrations/cohere/convert-cohere-embed.js';
import { convertCohereRerankRequest } from '../../../src/integrations/cohere/convert-cohere-rerank.js';

const WEATHER = {
  type: 'function',
  function: { name: 'weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

function refusal(run: () => unknown): { status: number; message: string; param: string | null } {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayFailure) return { status: err.status, message: err.body.error.message, param: err.body.error.param };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('cohere chat body → canonical', () => {
  it('renames sampling parameters and asks for usage when streaming', () => {
    const canonical = convertCohereChatRequest(
      {
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        max_tokens: 100,
        temperature: 0.5,
        p: 0.9,
        k: 40,
        seed: 1,
        stop_sequences: ['END'],
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
      },
      'openai',
    );

    expect(canonical).toEqual({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      seed: 1,
      stop: ['END'],
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
  });

  it('turns a tool plan and thinking into reasoning, and tool results into tool messages', () => {
    const canonical = convertCohereChatRequest(
      {
        model: 'command-a-03-2025',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            ],
          },
          {
            role: 'assistant',
            tool_plan: 'I will call weather.',
            tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'weather_1', content: [{ type: 'text', text: '21C' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Say it.' },
              { type: 'text', text: 'It is 21C.' },
            ],
          },
        ],
      },
      'anthropic',
    );

    expect(canonical.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        reasoning: 'I will call weather.',
        tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'weather_1', content: [{ type: 'text', text: '21C' }] },
      { role: 'assistant', content: 'It is 21C.', reasoning: 'Say it.' },
    ]);
  });

  it('maps tool choice, JSON schema output and thinking to canonical controls', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const canonical = convertCohereChatRequest(
      {
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'Hi' }],
        tools: [WEATHER],
        tool_choice: 'REQUIRED',
        response_format: { type: 'json_object', json_schema: schema },
        thinking: { type: 'enabled', token_budget: 2048 },
      },
      'openai',
    );

    expect(canonical).toMatchObject({
      tools: [WEATHER],
      tool_choice: 'required',
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema } },
      reasoning: { max_tokens: 2048 },
    });
    const off = convertCohereChatRequest(
      { model: 'x', messages: [{ role: 'user', content: 'Hi' }], tool_choice: 'NONE', thinking: { type: 'disabled' } },
      'cohere',
    );
    expect(off).toMatchObject({ tool_choice: 'none', reasoning: { effort: 'none' } });
  });

  it('keeps documents, citation options, safety mode and strict tools for Cohere models', () => {
    const documents = [{ id: 'doc:0', data: { text: 'AI automates tasks.' } }];
    const canonical = convertCohereChatRequest(
      {
        model: 'command-a-03-2025',
        messages: [
          { role: 'user', content: 'Benefits?' },
          { role: 'tool', tool_call_id: 't1', content: [{ type: 'document', document: { id: 'd1', data: { title: 'x' } } }] },
        ],
        documents,
        citation_options: { mode: 'FAST' },
        safety_mode: 'STRICT',
        strict_tools: true,
        tools: [WEATHER],
      },
      'cohere',
    );

    expect(canonical).toMatchObject({ documents, citation_options: { mode: 'FAST' }, safety_mode: 'STRICT', strict_tools: true, tools: [WEATHER] });
    expect(canonical.messages[1]).toEqual({ role: 'tool', tool_call_id: 't1', content: [{ type: 'document', document: { id: 'd1', data: { title: 'x' } } }] });
  });

  it('gives other providers strict tools as strict functions and documents in tool results as JSON text', () => {
    const canonical = convertCohereChatRequest(
      {
        model: 'openai/gpt-4o',
        messages: [{ role: 'tool', tool_call_id: 't1', content: [{ type: 'document', document: { data: { title: 'x' } } }] }],
        strict_tools: true,
        tools: [WEATHER],
      },
      'openai',
    );

    expect(canonical.tools).toEqual([{ type: 'function', function: { ...WEATHER.function, strict: true } }]);
    expect(canonical.messages[0]!.content).toEqual([{ type: 'text', text: '{"title":"x"}' }]);
    expect(canonical).not.toHaveProperty('strict_tools');
  });

  it.each(['documents', 'citation_options', 'safety_mode'])('refuses %s for a model another provider serves', (field) => {
    const refused = refusal(() =>
      convertCohereChatRequest(
        { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }], [field]: field === 'safety_mode' ? 'STRICT' : [{}] },
        'openai',
      ),
    );

    expect(refused).toMatchObject({ status: 400, param: field });
    expect(refused.message).toContain('openai');
  });

  it.each([
    [{ messages: [{ role: 'user', content: 'Hi' }] }, 'model'],
    [{ model: 'command-r-plus' }, 'messages'],
    [{ model: 'command-r-plus', messages: [{ role: 'developer', content: 'Hi' }] }, 'messages.0.role'],
    [{ model: 'command-r-plus', messages: [{ role: 'tool', content: '21C' }] }, 'messages[0].tool_call_id'],
  ])('refuses a malformed body %j naming %s', (body, param) => {
    expect(refusal(() => convertCohereChatRequest(body, 'cohere'))).toMatchObject({ status: 400, param });
  });
});

describe('cohere embed body → canonical', () => {
  it('embeds texts as floats; input_type, truncate and max_tokens go on to Cohere only', () => {
    const body = {
      model: 'embed-v4.0',
      texts: ['a', 'b'],
      input_type: 'search_query',
      truncate: 'END',
      max_tokens: 64,
      output_dimension: 256,
      embedding_types: ['float', 'base64'],
    };

    expect(convertCohereEmbedRequest(body, 'cohere')).toEqual({
      request: {
        model: 'embed-v4.0',
        input: ['a', 'b'],
        encoding_format: 'float',
        dimensions: 256,
        input_type: 'search_query',
        truncate: 'END',
        max_tokens: 64,
      },
      embeddingTypes: ['float', 'base64'],
      texts: ['a', 'b'],
    });
    expect(convertCohereEmbedRequest({ ...body, model: 'openai/text-embedding-3-small' }, 'openai').request).toEqual({
      model: 'openai/text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'float',
      dimensions: 256,
    });
  });

  it.each([
    [{ model: 'embed-v4.0', texts: ['a'], input_type: 'search_query', embedding_types: ['int8'] }, 'embedding_types'],
    [{ model: 'embed-v4.0', images: ['data:image/png;base64,AAAA'], input_type: 'image' }, 'images'],
    [{ model: 'embed-v4.0', input_type: 'search_query' }, 'texts'],
  ])('refuses %j naming %s', (body, param) => {
    expect(refusal(() => convertCohereEmbedRequest(body, 'cohere'))).toMatchObject({ status: 400, param });
  });
});

describe('cohere rerank body → canonical', () => {
  it('carries query, documents, top_n and max_tokens_per_doc', () => {
    expect(
      convertCohereRerankRequest({ model: 'rerank-v3.5', query: 'q', documents: ['a', 'b'], top_n: 1, max_tokens_per_doc: 256, priority: 2 }, 'cohere'),
    ).toEqual({
      model: 'rerank-v3.5',
      query: 'q',
      documents: ['a', 'b'],
      top_n: 1,
      max_tokens_per_doc: 256,
      priority: 2,
    });
  });
});
