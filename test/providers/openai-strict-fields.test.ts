import { describe, expect, it } from 'vitest';
import { effortForReasoningBudget } from '../../src/providers/openai/openai-quirks.js';
import { readFixtureText, sseWireBody } from '../support/fixtures.js';
import { chatOutcomeOfResponse, chunksOf, configuredProvider, decodeWire, reassembleChatChunks } from './stream-reassembly.js';

const history = {
  model: 'gpt-4o',
  messages: [
    { role: 'user', content: 'weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      reasoning: 'The user wants the weather.',
      reasoning_details: [{ type: 'reasoning.text', text: 'The user wants the weather.', signature: 'sig-1' }],
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'weather', arguments: '{"city":"Paris"}' },
          extra_content: { google: { thought_signature: 'c2ln' } },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
  ],
};

function sentBody(provider: string, body: Record<string, unknown>): Record<string, unknown> {
  const p = configuredProvider(provider);
  const req = p.adapter.buildRequest(p.call('chat', String(body['model']), { body }));
  return JSON.parse(req.body ?? '{}') as Record<string, unknown>;
}

describe("OpenAI's strict message validation", () => {
  it("does not receive reasoning fields or thought signatures that came from another provider's turn", () => {
    for (const provider of ['openai', 'azure']) {
      const sent = sentBody(provider, history);
      const assistant = (sent['messages'] as Record<string, unknown>[])[1]!;
      expect(assistant).not.toHaveProperty('reasoning');
      expect(assistant).not.toHaveProperty('reasoning_details');
      expect(assistant['tool_calls']).toEqual([{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }]);
    }
  });

  it("leaves the caller's canonical body untouched", () => {
    const body = structuredClone(history);
    sentBody('openai', body);
    expect(body).toEqual(history);
  });

  it('keeps those fields for providers that read them', () => {
    const sent = sentBody('openrouter', history);
    expect((sent['messages'] as Record<string, unknown>[])[1]).toHaveProperty('reasoning');
  });

  it('sends max_completion_tokens to reasoning models that refuse max_tokens', () => {
    expect(sentBody('openai', { ...history, model: 'o3-mini', max_tokens: 50 })).toMatchObject({ max_completion_tokens: 50 });
    expect(sentBody('openai', { ...history, model: 'o3-mini', max_tokens: 50 })).not.toHaveProperty('max_tokens');
    expect(sentBody('openai', { ...history, model: 'gpt-4o', max_tokens: 50 })).toMatchObject({ max_tokens: 50 });
  });

  it("turns canonical reasoning effort into OpenAI's reasoning_effort", () => {
    const sent = sentBody('openai', { ...history, model: 'o3-mini', reasoning: { effort: 'high', max_tokens: 2048 } });
    expect(sent).toMatchObject({ reasoning_effort: 'high' });
    expect(sent).not.toHaveProperty('reasoning');
  });
});

describe("a canonical reasoning budget sent to OpenAI's chat API", () => {
  const thinking = (reasoning: Record<string, unknown>, limits: Record<string, unknown> = {}) =>
    sentBody('openai', { ...history, model: 'o3-mini', reasoning, ...limits });

  it('becomes the effort its share of the output limit asks for, never dropped', () => {
    expect(thinking({ max_tokens: 1024 })).toMatchObject({ reasoning_effort: 'low' });
    expect(thinking({ max_tokens: 2048 }, { max_tokens: 4096 })).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 4096 });
    expect(thinking({ max_tokens: 3000 }, { max_completion_tokens: 4096 })).toMatchObject({ reasoning_effort: 'high' });
    expect(thinking({ max_tokens: 1024 }, { max_completion_tokens: 1500 })).toMatchObject({ reasoning_effort: 'high' });
    expect(thinking({ max_tokens: 1024 })).not.toHaveProperty('reasoning');
  });

  it('turns reasoning off for a zero budget and counts a budget above the limit as the whole limit', () => {
    expect(thinking({ max_tokens: 0 })).toMatchObject({ reasoning_effort: 'none' });
    expect(thinking({ max_tokens: 50_000 })).toMatchObject({ reasoning_effort: 'high' });
  });

  it('gives way to an explicit reasoning_effort', () => {
    expect(thinking({ max_tokens: 16_000 }, { reasoning_effort: 'minimal' })).toMatchObject({ reasoning_effort: 'minimal' });
  });

  it('reaches Azure OpenAI deployments the same way', () => {
    const sent = sentBody('azure', { ...history, reasoning: { max_tokens: 1024 } });
    expect(sent).toMatchObject({ reasoning_effort: 'low' });
    expect(sent).not.toHaveProperty('reasoning');
  });
});

describe('effortForReasoningBudget', () => {
  it.each([
    [1, 4096, 'low'],
    [1024, 4096, 'low'],
    [1100, 4096, 'medium'],
    [2457, 4096, 'medium'],
    [2459, 4096, 'high'],
    [4096, 4096, 'high'],
    [-1, 4096, 'none'],
    [10, 1, 'high'],
  ])('a budget of %i against an output limit of %i asks for %s effort', (budget, limit, effort) => {
    expect(effortForReasoningBudget(budget, limit)).toBe(effort);
  });
});

describe('OpenAI-compatible APIs that take reasoning_effort', () => {
  it.each(['groq', 'xai', 'deepseek', 'perplexity', 'cerebras', 'fireworks'])(
    '%s gets a canonical budget or effort as reasoning_effort, not the reasoning object',
    (provider) => {
      const budget = sentBody(provider, { model: 'm', messages: [{ role: 'user', content: '2+2?' }], reasoning: { max_tokens: 1024 } });
      const effort = sentBody(provider, { model: 'm', messages: [{ role: 'user', content: '2+2?' }], reasoning: { effort: 'high' } });

      expect(budget).toMatchObject({ reasoning_effort: 'low' });
      expect(effort).toMatchObject({ reasoning_effort: 'high' });
      expect(budget).not.toHaveProperty('reasoning');
      expect(effort).not.toHaveProperty('reasoning');
    },
  );

  it("keeps Mistral's own renames alongside the reasoning mapping", () => {
    const sent = sentBody('mistral', {
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 4096,
      reasoning: { max_tokens: 3500 },
    });
    expect(sent).toMatchObject({ max_tokens: 4096, reasoning_effort: 'high' });
    expect(sent).not.toHaveProperty('max_completion_tokens');
  });

  const asked = (provider: string, model: string, reasoning: Record<string, unknown>) =>
    sentBody(provider, { model, messages: [{ role: 'user', content: '2+2?' }], reasoning })['reasoning_effort'];

  it('gives xAI models only the efforts each takes, and none to models that refuse the parameter', () => {
    expect(asked('xai', 'grok-3-mini', { effort: 'high' })).toBe('high');
    expect(asked('xai', 'grok-3-mini-fast', { max_tokens: 1024 })).toBe('low');
    expect(asked('xai', 'grok-3-mini', { effort: 'medium' })).toBe('high');
    expect(asked('xai', 'grok-3-mini', { max_tokens: 0 })).toBe('low');
    expect(asked('xai', 'grok-4.3', { effort: 'medium' })).toBe('medium');
    expect(asked('xai', 'grok-4.3', { max_tokens: 0 })).toBe('none');
    expect(asked('xai', 'grok-4.3', { effort: 'minimal' })).toBe('low');
    for (const model of ['grok-4', 'grok-4-0709', 'grok-4-1-fast-reasoning', 'grok-4.20-reasoning', 'grok-code-fast-1', 'grok-3']) {
      expect(asked('xai', model, { effort: 'high' }), model).toBeUndefined();
    }
    expect(asked('xai', 'grok-5', { effort: 'high' })).toBe('high');
  });

  it('gives Mistral none or high where reasoning is adjustable, and nothing to other models', () => {
    expect(asked('mistral', 'mistral-small-latest', { effort: 'low' })).toBe('high');
    expect(asked('mistral', 'mistral-medium-3-5', { max_tokens: 1024 })).toBe('high');
    expect(asked('mistral', 'mistral-small-latest', { max_tokens: 0 })).toBe('none');
    expect(asked('mistral', 'mistral-small-latest', { effort: 'minimal' })).toBe('none');
    expect(asked('mistral', 'magistral-medium-latest', { effort: 'high' })).toBeUndefined();
    expect(asked('mistral', 'mistral-large-latest', { max_tokens: 2048 })).toBeUndefined();
    const sent = sentBody('mistral', { model: 'magistral-small-latest', messages: [{ role: 'user', content: 'hi' }], reasoning: { effort: 'high' } });
    expect(sent).not.toHaveProperty('reasoning');
  });

  it('sends a reasoning_effort the caller wrote as written, even where Iris would not derive one', () => {
    const sent = sentBody('xai', { model: 'grok-4', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' });
    expect(sent['reasoning_effort']).toBe('high');
  });

  it('leaves the reasoning object to OpenRouter, which reads budgets itself', () => {
    const sent = sentBody('openrouter', { model: 'm', messages: [{ role: 'user', content: 'hi' }], reasoning: { max_tokens: 1024 } });
    expect(sent['reasoning']).toEqual({ max_tokens: 1024 });
    expect(sent).not.toHaveProperty('reasoning_effort');
  });
});

describe('reasoning.exclude sent to an OpenAI-wire provider', () => {
  const excluded = {
    model: 'deepseek-reasoner',
    messages: [{ role: 'user', content: "How many r's in strawberry?" }],
    reasoning: { max_tokens: 1024, exclude: true },
  };
  const deepseek = configuredProvider('deepseek');

  function decodedAnswer(body: Record<string, unknown>): Record<string, unknown> {
    const text = readFixtureText('deepseek/deepseek-reasoning.json');
    const call = deepseek.call('chat', 'deepseek-reasoner', { body });
    expect(deepseek.adapter.verbatimResponse?.('chat', text, call)).toBe(false);
    return deepseek.adapter.decodeResponse('chat', JSON.parse(text), call);
  }

  async function streamedAnswer(body: Record<string, unknown>) {
    const call = deepseek.call('chat', 'deepseek-reasoner', { body, stream: true });
    const events = await decodeWire(sseWireBody('deepseek/deepseek-tool-call.chunks.txt', 'openai'), () => deepseek.adapter.streamDecoder('chat', call), 37);
    return { events, outcome: reassembleChatChunks(chunksOf(events)) };
  }

  it('still asks for reasoning, as an effort', () => {
    expect(sentBody('deepseek', excluded)).toMatchObject({ reasoning_effort: 'low' });
  });

  it('takes the reasoning text off a non-streamed answer and keeps the reasoning token count', () => {
    const answer = decodedAnswer(excluded);
    const message = (answer['choices'] as Record<string, unknown>[])[0]!['message'] as Record<string, unknown>;
    expect(message).not.toHaveProperty('reasoning');
    expect(message).not.toHaveProperty('reasoning_content');
    expect(message).not.toHaveProperty('reasoning_details');
    expect(chatOutcomeOfResponse(answer).content).toContain('three instances');
    expect(answer['usage']).toMatchObject({ completion_tokens_details: { reasoning_tokens: expect.any(Number) } });
  });

  it('takes the reasoning deltas off a stream, leaving content, tool calls and usage', async () => {
    const { events, outcome } = await streamedAnswer(excluded);
    for (const chunk of chunksOf(events)) {
      const delta = ((chunk['choices'] as Record<string, unknown>[] | undefined)?.[0]?.['delta'] ?? {}) as Record<string, unknown>;
      expect(delta).not.toHaveProperty('reasoning');
      expect(delta).not.toHaveProperty('reasoning_content');
    }
    expect(outcome.reasoning).toBeNull();
    expect(outcome.toolCalls).toHaveLength(1);
    expect(outcome.usage).toMatchObject({ completion_tokens_details: { reasoning_tokens: expect.any(Number) } });
  });

  it('passes reasoning on when the caller did not exclude it', async () => {
    const included = { ...excluded, reasoning: { max_tokens: 1024 } };
    expect(chatOutcomeOfResponse(decodedAnswer(included)).reasoning).toEqual(expect.any(String));
    expect((await streamedAnswer(included)).outcome.reasoning).toEqual(expect.any(String));
  });
});

describe("Gemini's propertyOrdering sent to an OpenAI-wire provider", () => {
  const schema = {
    type: 'object',
    properties: { b: { type: 'string' }, a: { type: 'object', properties: { propertyOrdering: { type: 'string' } }, propertyOrdering: ['propertyOrdering'] } },
    propertyOrdering: ['b', 'a'],
  };
  const body = {
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    response_format: { type: 'json_schema', json_schema: { name: 'response', schema } },
    tools: [{ type: 'function', function: { name: 'f', parameters: schema } }],
  };

  it.each(['openai', 'azure', 'deepseek'])('%s gets the properties in that order without the keyword its strict schemas refuse', (provider) => {
    const sent = sentBody(provider, structuredClone(body));
    const expected = { type: 'object', properties: { b: { type: 'string' }, a: { type: 'object', properties: { propertyOrdering: { type: 'string' } } } } };
    const sentSchema = (sent['response_format'] as Record<string, Record<string, unknown>>)['json_schema']!['schema'] as Record<string, unknown>;
    expect(sentSchema).toEqual(expected);
    expect(Object.keys(sentSchema['properties'] as object)).toEqual(['b', 'a']);
    expect((sent['tools'] as Record<string, Record<string, unknown>>[])[0]!['function']!['parameters']).toEqual(expected);
  });

  it("leaves the caller's canonical schema untouched", () => {
    const frozen = structuredClone(body);
    sentBody('openai', frozen);
    expect(frozen).toEqual(body);
  });
});
