/**
 * Canonical chat requests → Bedrock upstream requests: the Converse body pydantic-ai recorded is
 * what Iris builds for the same conversation; every canonical feature lands in its Converse field;
 * what Converse cannot honour is a 400 naming the parameter; URLs, deployments and embeddings.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/schema/json.js';
import { GatewayFailure } from '../../../src/schema/error.js';
import { toConverseRequest } from '../../../src/providers/bedrock/convert-to-bedrock-converse.js';
import { isRecord, readVcr } from '../../support/fixtures.js';
import { BEDROCK_MODEL, bedrockProvider } from './bedrock-recordings.js';

const provider = bedrockProvider();

function build(body: JsonObject, extra: { stream?: boolean; model?: string } = {}) {
  const call = provider.call('chat', extra.model ?? BEDROCK_MODEL, { body, stream: extra.stream ?? false });
  return provider.adapter.buildRequest(call);
}

function converseBody(body: JsonObject, model = BEDROCK_MODEL): JsonObject {
  return JSON.parse(build(body, { model }).body!) as JsonObject;
}

function recordedRequest(rel: string, index = 0): JsonObject {
  const json = readVcr(rel).interactions[index]!.request.json;
  if (!isRecord(json)) throw new Error(`${rel}: request body is not JSON`);
  return json;
}

function refusal(fn: () => unknown): { status: number; param: string | null; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayFailure) return { status: err.status, param: err.body.error.param, message: err.body.error.message };
    throw err;
  }
  throw new Error('expected a 400 refusal, the request was built');
}

describe('recorded Converse requests', () => {
  it('pydantic-ai stream request: system + user + temperature 0 build exactly the recorded body', () => {
    const recorded = recordedRequest('amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml');
    const body = converseBody({
      model: 'bedrock/us.amazon.nova-micro-v1:0',
      messages: [
        { role: 'system', content: 'You are a helpful chatbot.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      temperature: 0,
    });
    expect(body).toEqual(recorded);
  });

  it('pydantic-ai cache request: cache points after system, parts and tools, a text document and tool choice build the recorded body', () => {
    const recorded = recordedRequest('amazon-bedrock/pydantic-ai/test_bedrock_cache_write_and_read.yaml');
    const recordedMessages = recorded['messages'] as Array<{ content: Array<{ text?: string }> }>;
    const recordedSystem = recorded['system'] as Array<{ text?: string }>;
    const ephemeral = { type: 'ephemeral' };
    const body = converseBody({
      model: 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      messages: [
        { role: 'system', content: [{ type: 'text', text: recordedSystem[0]!.text, cache_control: ephemeral }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: recordedMessages[0]!.content[0]!.text },
            { type: 'file', file: { filename: 'Document 1.txt', file_data: 'data:text/plain;base64,WW91IGFyZSBhIGdyZWF0IG1hdGhlbWF0aWNpYW4=' } },
            { type: 'text', text: '\n', cache_control: ephemeral },
            { type: 'text', text: 'What is 10 + 11?', cache_control: ephemeral },
          ],
        },
      ],
      tools: [
        { type: 'function', function: { name: 'catalog_lookup', parameters: { additionalProperties: false, properties: {}, type: 'object' } } },
        {
          type: 'function',
          function: { name: 'diagnostics', parameters: { additionalProperties: false, properties: {}, type: 'object' } },
          cache_control: ephemeral,
        },
      ],
      tool_choice: 'auto',
    });
    // pydantic-ai sends an empty inferenceConfig; Iris leaves an empty one out.
    const { inferenceConfig, ...rest } = recorded;
    expect(inferenceConfig).toEqual({});
    expect(body).toEqual(rest);
  });
});

describe('canonical parameters → Converse fields', () => {
  it('max tokens, temperature, top_p and stop sequences go to inferenceConfig', () => {
    const body = converseBody({
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 300,
      max_tokens: 10,
      temperature: 0.4,
      top_p: 0.9,
      stop: 'END',
    });
    expect(body['inferenceConfig']).toEqual({ maxTokens: 300, temperature: 0.4, topP: 0.9, stopSequences: ['END'] });
  });

  it('tools, their descriptions and strictness, and each tool_choice form', () => {
    const tools = [
      {
        type: 'function',
        function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      },
    ];
    const messages = [{ role: 'user', content: 'weather?' }];
    const spec = { toolSpec: { name: 'weather', description: 'Weather in a city', inputSchema: { json: tools[0]!.function.parameters }, strict: true } };
    expect(converseBody({ messages, tools })['toolConfig']).toEqual({ tools: [spec] });
    expect(converseBody({ messages, tools, tool_choice: 'auto' })['toolConfig']).toEqual({ tools: [spec], toolChoice: { auto: {} } });
    expect(converseBody({ messages, tools, tool_choice: 'required' })['toolConfig']).toEqual({ tools: [spec], toolChoice: { any: {} } });
    expect(converseBody({ messages, tools, tool_choice: { type: 'function', function: { name: 'weather' } } })['toolConfig']).toEqual({
      tools: [spec],
      toolChoice: { tool: { name: 'weather' } },
    });
    expect(converseBody({ messages, tools, tool_choice: 'none' })['toolConfig']).toBeUndefined();
  });

  it('a tool conversation: assistant reasoning (signed and redacted) and tool calls, then tool results merged with the next user text', () => {
    const body = converseBody({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_details: [
            { type: 'reasoning.text', text: 'Two cities.', signature: 'sig-1', index: 0 },
            { type: 'reasoning.encrypted', data: 'cmVkYWN0ZWQ=', index: 1 },
          ],
          tool_calls: [
            { id: 'tooluse_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'tooluse_2', type: 'function', function: { name: 'weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'tooluse_2', content: 'unknown city', is_error: true },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
    });
    expect(body['messages']).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'Two cities.', signature: 'sig-1' } } },
          { reasoningContent: { redactedContent: 'cmVkYWN0ZWQ=' } },
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'tooluse_1', name: 'weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'weather', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18°C' }] } },
          { toolResult: { toolUseId: 'tooluse_2', content: [{ text: 'unknown city' }], status: 'error' } },
          { text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it('base64 images become image bytes with their format', () => {
    const body = converseBody({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(body['messages']).toEqual([{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] }]);
  });

  it("reasoning effort on a Claude model → Anthropic's thinking budget, with maxTokens above it", () => {
    const body = converseBody({ messages: [{ role: 'user', content: 'think' }], reasoning_effort: 'low' });
    expect(body['additionalModelRequestFields']).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect((body['inferenceConfig'] as JsonObject)['maxTokens']).toBeGreaterThan(2048);
    const explicit = converseBody({ messages: [{ role: 'user', content: 'think' }], reasoning: { max_tokens: 3000 }, max_tokens: 5000, top_k: 40 });
    expect(explicit['additionalModelRequestFields']).toEqual({ thinking: { type: 'enabled', budget_tokens: 3000 }, top_k: 40 });
    expect(explicit['inferenceConfig']).toEqual({ maxTokens: 5000 });
    expect(converseBody({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'none' })['additionalModelRequestFields']).toBeUndefined();
  });

  it('response_format json_schema → outputConfig.textFormat with the schema as JSON text', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const body = converseBody({
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'result', schema, strict: true } },
    });
    expect(body['outputConfig']).toEqual({
      textFormat: { type: 'json_schema', structure: { jsonSchema: { name: 'result', schema: JSON.stringify(schema) } } },
    });
  });

  it('user and string metadata → requestMetadata', () => {
    const body = converseBody({ messages: [{ role: 'user', content: 'x' }], user: 'user-42', metadata: { team: 'search' } });
    expect(body['requestMetadata']).toEqual({ team: 'search', user: 'user-42' });
  });
});

describe('what Converse cannot honour is refused with a 400 naming the parameter', () => {
  const user = [{ role: 'user', content: 'hi' }];
  const toolHistory = [
    { role: 'user', content: 'hi' },
    { role: 'assistant', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 't1', content: 'ok' },
  ];
  const cases: Array<[string, JsonObject, string, string?]> = [
    [
      'a remote image URL (Converse needs bytes)',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] },
      'messages[0].content[0].image_url',
    ],
    [
      'an unsupported image type',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }] },
      'messages[0].content[0].image_url',
    ],
    ['logprobs', { messages: user, logprobs: true }, 'logprobs'],
    ['n > 1', { messages: user, n: 2 }, 'n'],
    ['seed', { messages: user, seed: 7 }, 'seed'],
    ['presence_penalty', { messages: user, presence_penalty: 0.5 }, 'presence_penalty'],
    ['parallel_tool_calls: false', { messages: user, parallel_tool_calls: false }, 'parallel_tool_calls'],
    ['response_format json_object (no schema)', { messages: user, response_format: { type: 'json_object' } }, 'response_format'],
    [
      'tool_choice none once tools were called',
      { messages: toolHistory, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none' },
      'tool_choice',
    ],
    ['reasoning on a non-Claude model', { messages: user, reasoning_effort: 'high' }, 'reasoning_effort', 'amazon.nova-pro-v1:0'],
    ['top_k on a non-Claude model', { messages: user, top_k: 5 }, 'top_k', 'amazon.nova-pro-v1:0'],
    [
      'tool call arguments that are not JSON',
      { messages: [{ role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] },
      'messages[0].tool_calls[0].function.arguments',
    ],
    ['a legacy function message', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].role'],
    [
      'an audio part',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] },
      'messages[0].content[0]',
    ],
    ['a non-function tool', { messages: user, tools: [{ type: 'web_search' }] }, 'tools[0]'],
  ];
  it.each(cases)('%s', (_name, body, param, model) => {
    const refused = refusal(() => build(body, model ? { model } : {}));
    expect(refused.status).toBe(400);
    expect(refused.param).toBe(param);
    expect(refused.message.length).toBeGreaterThan(10);
  });

  it('accepts the OpenAI defaults of those parameters (n: 1, logprobs: false, parallel_tool_calls: true)', () => {
    expect(() => build({ messages: user, n: 1, logprobs: false, parallel_tool_calls: true, presence_penalty: 0 })).not.toThrow();
  });
});

describe('upstream URLs and model ids', () => {
  it('Converse and ConverseStream under the regional runtime endpoint, model id URL-encoded', () => {
    const settingsWithoutBase = bedrockProvider({ region: 'eu-west-3' });
    const call = settingsWithoutBase.call('chat', 'eu.anthropic.claude-sonnet-4-6:0', { body: { messages: [{ role: 'user', content: 'x' }] } });
    expect(settingsWithoutBase.adapter.buildRequest(call).url).toBe(
      'https://bedrock-runtime.eu-west-3.amazonaws.com/model/eu.anthropic.claude-sonnet-4-6%3A0/converse',
    );
    expect(settingsWithoutBase.adapter.buildRequest({ ...call, stream: true }).url).toMatch(/\/model\/eu\.anthropic\.claude-sonnet-4-6%3A0\/converse-stream$/);
  });

  it('a key deployment maps the model to an inference profile, reported as the model deployment', () => {
    const withDeployment = bedrockProvider({ deployments: { 'claude-sonnet': 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } });
    const call = withDeployment.call('chat', 'claude-sonnet', { body: { messages: [{ role: 'user', content: 'x' }] } });
    expect(withDeployment.adapter.buildRequest(call).url).toContain('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    expect(withDeployment.adapter.deploymentFor?.('claude-sonnet', withDeployment.key)).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it("a key ARN prefixes the deployment (an application inference profile), '/' encoded in the path", () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile';
    const withArn = bedrockProvider({ arn, deployments: { claude: 'abc123' } });
    const call = withArn.call('chat', 'claude', { body: { messages: [{ role: 'user', content: 'x' }] } });
    expect(withArn.adapter.buildRequest(call).url).toContain(`/model/${encodeURIComponent(`${arn}/abc123`)}/converse`);
  });
});

describe('embeddings through InvokeModel', () => {
  it('Titan: one inputText (with dimensions), vector and token count back, base64 when asked', () => {
    const call = provider.call('embedding', 'amazon.titan-embed-text-v2:0', { body: { input: 'hello', dimensions: 256, encoding_format: 'base64' } });
    const req = provider.adapter.buildRequest(call);
    expect(req.url).toMatch(/\/model\/amazon\.titan-embed-text-v2%3A0\/invoke$/);
    expect(JSON.parse(req.body!)).toEqual({ inputText: 'hello', dimensions: 256 });
    const out = provider.adapter.decodeResponse('embedding', { embedding: [0.5, -0.25], inputTextTokenCount: 2 }, call);
    const expectedBase64 = Buffer.from(new Float32Array([0.5, -0.25]).buffer).toString('base64');
    expect(out).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: expectedBase64 }],
      model: 'amazon.titan-embed-text-v2:0',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    expect(
      refusal(() => provider.adapter.buildRequest(provider.call('embedding', 'amazon.titan-embed-text-v2:0', { body: { input: ['a', 'b'] } }))).param,
    ).toBe('input');
  });

  it('Cohere Embed: a batch of texts with an input type, one vector per text', () => {
    const call = provider.call('embedding', 'cohere.embed-english-v3', { body: { input: ['a', 'b'] } });
    expect(JSON.parse(provider.adapter.buildRequest(call).body!)).toEqual({ texts: ['a', 'b'], input_type: 'search_document' });
    const out = provider.adapter.decodeResponse(
      'embedding',
      {
        embeddings: [
          [1, 2],
          [3, 4],
        ],
        id: 'x',
        response_type: 'embeddings_floats',
      },
      call,
    );
    expect((out['data'] as Array<{ embedding: number[] }>).map((d) => d.embedding)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('other models and operations are refused', () => {
    expect(refusal(() => provider.adapter.buildRequest(provider.call('embedding', 'amazon.nova-pro-v1:0', { body: { input: 'x' } }))).param).toBe('model');
    expect(provider.adapter.supports('responses')).toBe(false);
    expect(provider.adapter.supports('text_completion')).toBe(false);
  });
});

describe('the upstream body is built from the canonical request alone', () => {
  it('does not depend on model or gateway fields in the body', () => {
    const direct = toConverseRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }, BEDROCK_MODEL);
    expect(direct).toEqual({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
  });
});
