/**
 * End to end with real SDKs:
 * - the AWS Bedrock Runtime SDK against Iris's /bedrock surface, served by an OpenAI mock replaying
 *   OpenAI recordings (Converse, ConverseStream, a tool round trip, images, structured output, errors)
 *   and by a DeepSeek mock replaying DeepSeek reasoning recordings;
 * - the OpenAI SDK on /v1 with `bedrock/<model>`, served by a Bedrock mock replaying the
 *   amazon-bedrock recordings (JSON bodies, JSONL streams encoded to event-stream bytes, and the
 *   raw recorded bytes split into small pieces), which checks each request's SigV4 signature.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ThrottlingException,
  ValidationException,
  type ContentBlock,
  type ConverseStreamOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RunningGateway } from '../../src/index.js';

import { eventStreamWireBody, readJsonBody, readJsonlEvents, readVcr } from '../support/fixtures.js';
import {
  replyBytes,
  replyFixtureJson,
  replyFixtureSse,
  replyJson,
  replyVcr,
  startMockUpstream,
  type MockUpstream,
  type RecordedRequest,
} from '../support/mock-upstream.js';
import { encodeEventStreamMessage } from '../../src/providers/bedrock/event-stream.js';
import { isValidSigV4, sigV4ScopeOf } from '../providers/bedrock/verify-sigv4.js';
import { asRecord, collectChatStream, extraFieldsOf, fixtureMessage, jsonBodyOf, openAIClient } from './harness.js';
import { startTestGateway } from '../support/test-gateway.js';

const OPENAI_CHAT = '/v1/chat/completions';
const OPENAI_KEY = 'sk-openai-e2e-key';
const DEEPSEEK_KEY = 'sk-deepseek-e2e-key';
/** The reasoning_content deltas of deepseek/deepseek-tool-call.chunks.txt, joined. */
const DEEPSEEK_STREAMED_REASONING =
  'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. ' +
  'Let me invoke the weather tool with the location parameter set to "San Francisco".';
const BEDROCK_MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const CONVERSE_PATH = `/model/${encodeURIComponent(BEDROCK_MODEL)}/converse`;
const CONVERSE_STREAM_PATH = `/model/${encodeURIComponent(BEDROCK_MODEL)}/converse-stream`;
const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/** Two Bedrock keys: temporary credentials (with a session token) and a long-term key pair. */
const AWS_SESSION_KEY = {
  name: 'aws-session',
  access_key: 'ASIAE2ESESSIONKEY',
  secret_key: 'session/secret+key',
  session_token: 'e2e-session-token',
  region: 'eu-central-1',
};
const AWS_LONG_TERM_KEY = { name: 'aws-long-term', access_key: 'AKIAE2ELONGTERM', secret_key: 'long-term-secret', region: 'us-west-2' };

let gateway: RunningGateway;
let openaiMock: MockUpstream;
let bedrockMock: MockUpstream;
let deepseekMock: MockUpstream;

beforeAll(async () => {
  openaiMock = await startMockUpstream();
  bedrockMock = await startMockUpstream();
  deepseekMock = await startMockUpstream();
  const bedrockKey = (k: typeof AWS_SESSION_KEY | typeof AWS_LONG_TERM_KEY) => {
    const { name, ...config } = k;
    return { name, models: ['*'], weight: 1, bedrock_key_config: config };
  };
  gateway = await startTestGateway({
    providers: {
      openai: { keys: [{ name: 'openai-e2e', value: OPENAI_KEY, models: ['*'], weight: 1 }], network_config: { base_url: openaiMock.url } },
      bedrock: { keys: [bedrockKey(AWS_SESSION_KEY), bedrockKey(AWS_LONG_TERM_KEY)], network_config: { base_url: bedrockMock.url } },
      deepseek: { keys: [{ name: 'deepseek-e2e', value: DEEPSEEK_KEY, models: ['*'], weight: 1 }], network_config: { base_url: deepseekMock.url } },
    },
  });
});

afterEach(() => {
  openaiMock.reset();
  bedrockMock.reset();
  deepseekMock.reset();
});

afterAll(async () => {
  await gateway?.close();
  await openaiMock?.close();
  await bedrockMock?.close();
  await deepseekMock?.close();
});

function bedrockClient(): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: `${gateway.url}/bedrock`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDCLIENTNOTCHECKED', secretAccessKey: 'client-secret-not-checked' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

function onlyRequest(mock: MockUpstream, path: string): RecordedRequest {
  const matching = mock.requests.filter((r) => r.path === path);
  if (matching.length !== 1) throw new Error(`expected one request to ${path}, saw ${mock.requests.map((r) => r.path).join(', ') || 'none'}`);
  return matching[0]!;
}

function textOf(content: ContentBlock[] | undefined): string {
  return (content ?? []).map((block) => block.text ?? '').join('');
}

interface CollectedConverseStream {
  text: string;
  reasoning: string;
  tools: Array<{ toolUseId: string; name: string; input: string }>;
  stopReason: string | undefined;
  usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | undefined;
  types: string[];
}

async function collectConverseStream(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<CollectedConverseStream> {
  const out: CollectedConverseStream = { text: '', reasoning: '', tools: [], stopReason: undefined, usage: undefined, types: [] };
  const toolsByBlock = new Map<number, { toolUseId: string; name: string; input: string }>();
  for await (const event of stream ?? []) {
    out.types.push(Object.keys(event).find((k) => k !== '$unknown') ?? '?');
    const start = event.contentBlockStart;
    if (start?.start?.toolUse) {
      const tool = { toolUseId: start.start.toolUse.toolUseId ?? '', name: start.start.toolUse.name ?? '', input: '' };
      toolsByBlock.set(start.contentBlockIndex ?? -1, tool);
      out.tools.push(tool);
    }
    const delta = event.contentBlockDelta;
    if (delta?.delta?.text) out.text += delta.delta.text;
    if (delta?.delta?.reasoningContent?.text) out.reasoning += delta.delta.reasoningContent.text;
    if (delta?.delta?.toolUse) toolsByBlock.get(delta.contentBlockIndex ?? -1)!.input += delta.delta.toolUse.input ?? '';
    if (event.messageStop) out.stopReason = event.messageStop.stopReason;
    if (event.metadata) out.usage = event.metadata.usage;
  }
  return out;
}

describe('Bedrock SDK → /bedrock → OpenAI', () => {
  it('Converse: text answer, stop reason and usage from the OpenAI recording; the request arrives OpenAI-shaped', async () => {
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    const response = await bedrockClient().send(
      new ConverseCommand({
        modelId: 'openai/gpt-4o',
        system: [{ text: 'You invent holidays.' }],
        messages: [{ role: 'user', content: [{ text: 'Invent a new holiday.' }] }],
        inferenceConfig: { maxTokens: 500, temperature: 0.7, topP: 0.9, stopSequences: ['THE END'] },
      }),
    );
    expect(textOf(response.output?.message?.content)).toBe(fixtureMessage('openai/chat/openai-text.json')['content']);
    expect(response.output?.message?.role).toBe('assistant');
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toMatchObject({ inputTokens: 16, outputTokens: 363, totalTokens: 379 });
    const upstream = onlyRequest(openaiMock, OPENAI_CHAT);
    expect(upstream.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(jsonBodyOf(upstream)).toMatchObject({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You invent holidays.' },
        { role: 'user', content: 'Invent a new holiday.' },
      ],
      max_tokens: 500,
      temperature: 0.7,
      top_p: 0.9,
      stop: ['THE END'],
    });
  });

  it('ConverseStream: the SDK reads text deltas, the stop reason and metadata usage from binary event-stream messages', async () => {
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureSse(res, 'openai/chat/issue-15789-step-2.chunks.txt', 'openai'));
    const response = await bedrockClient().send(
      new ConverseStreamCommand({ modelId: 'openai/gpt-4o', messages: [{ role: 'user', content: [{ text: 'Say POST_TOOL' }] }] }),
    );
    const out = await collectConverseStream(response.stream);
    expect(out.text).toBe('POST_TOOL');
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage).toMatchObject({ inputTokens: 86, outputTokens: 2, totalTokens: 88 });
    expect(out.types[0]).toBe('messageStart');
    expect(out.types.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(jsonBodyOf(onlyRequest(openaiMock, OPENAI_CHAT))).toMatchObject({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true } });
  });

  it('a full tool round trip with structured output: toolUse out, toolResult back in, JSON answer', async () => {
    const cassette = readVcr('openai/chat/pydantic-ai/test_openai_native_output.yaml').interactions;
    let turn = 0;
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) => replyJson(res, 200, cassette[turn++]!.response.parsedBody));
    const client = bedrockClient();
    const schema = { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'] };
    const toolConfig = {
      tools: [
        {
          toolSpec: {
            name: 'get_user_country',
            description: 'The user country',
            inputSchema: { json: { type: 'object', properties: {}, additionalProperties: false } },
          },
        },
      ],
      toolChoice: { auto: {} },
    };
    const outputConfig = { textFormat: { type: 'json_schema' as const, structure: { jsonSchema: { name: 'result', schema: JSON.stringify(schema) } } } };
    const question: Message = { role: 'user', content: [{ text: 'What is the largest city in the user country?' }] };

    const first = await client.send(new ConverseCommand({ modelId: 'openai/gpt-4o', messages: [question], toolConfig, outputConfig }));
    expect(first.stopReason).toBe('tool_use');
    const toolUse = first.output?.message?.content?.find((block) => block.toolUse)?.toolUse;
    expect(toolUse).toEqual({ toolUseId: 'call_PkRGedQNRFUzJp2R7dO7avWR', name: 'get_user_country', input: {} });

    const second = await client.send(
      new ConverseCommand({
        modelId: 'openai/gpt-4o',
        messages: [
          question,
          first.output!.message!,
          { role: 'user', content: [{ toolResult: { toolUseId: toolUse!.toolUseId!, content: [{ text: 'Mexico' }] } }] },
        ],
        toolConfig,
        outputConfig,
      }),
    );
    expect(second.stopReason).toBe('end_turn');
    expect(JSON.parse(textOf(second.output?.message?.content))).toEqual({ city: 'Mexico City', country: 'Mexico' });

    const [firstUpstream, secondUpstream] = openaiMock.requests.map(jsonBodyOf);
    expect(firstUpstream).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'get_user_country', description: 'The user country', parameters: { type: 'object', properties: {}, additionalProperties: false } },
        },
      ],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'result', schema } },
    });
    expect(secondUpstream!['messages']).toEqual([
      { role: 'user', content: 'What is the largest city in the user country?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_PkRGedQNRFUzJp2R7dO7avWR', type: 'function', function: { name: 'get_user_country', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_PkRGedQNRFUzJp2R7dO7avWR', content: 'Mexico' },
    ]);
  });

  it('a streamed tool call: contentBlockStart names the tool, input deltas carry its arguments, stop reason tool_use', async () => {
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureSse(res, 'openai/chat/issue-15789-step-1.chunks.txt', 'openai', { splitEvery: 23 }));
    const response = await bedrockClient().send(
      new ConverseStreamCommand({
        modelId: 'openai/gpt-4o',
        messages: [{ role: 'user', content: [{ text: 'Say PRE_TOOL then call weather' }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object' } } } }] },
      }),
    );
    const out = await collectConverseStream(response.stream);
    expect(out.text).toBe('PRE_TOOL');
    expect(out.tools).toEqual([{ toolUseId: 'call_NZa7xqfefoaMI2YYHowVXVlU', name: 'weather', input: '{}' }]);
    expect(out.stopReason).toBe('tool_use');
    expect(out.usage).toMatchObject({ inputTokens: 58, outputTokens: 12, totalTokens: 70 });
  });

  it('image bytes reach OpenAI as a base64 data URL', async () => {
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureJson(res, 'openai/chat/openai-text.json'));
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await bedrockClient().send(
      new ConverseCommand({
        modelId: 'openai/gpt-4o',
        messages: [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: new Uint8Array(png) } } }] }],
      }),
    );
    expect(jsonBodyOf(onlyRequest(openaiMock, OPENAI_CHAT))['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
        ],
      },
    ]);
  });

  it('errors come back as the exception classes the SDK knows, with the provider message', async () => {
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureJson(res, 'openai/chat/reasoning-model-legacy-parameter-error.json', 400));
    const client = bedrockClient();
    const send = () => client.send(new ConverseCommand({ modelId: 'openai/gpt-4o', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    const validation = await send().catch((err: unknown) => err);
    expect(validation).toBeInstanceOf(ValidationException);
    expect((validation as ValidationException).message).toContain("Use 'max_completion_tokens' instead");
    expect((validation as ValidationException).$metadata.httpStatusCode).toBe(400);

    openaiMock.reset();
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) =>
      replyJson(res, 429, { error: { message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded' } }),
    );
    const throttled = await send().catch((err: unknown) => err);
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect((throttled as ThrottlingException).message).toContain('Rate limit reached');

    const unknownProvider = await client
      .send(new ConverseCommand({ modelId: 'nowhere/model-x', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }))
      .catch((err: unknown) => err);
    expect(unknownProvider).toBeInstanceOf(ValidationException);
    expect((unknownProvider as Error).message).toContain("provider 'nowhere' is not configured");
  });

  it('an upstream failure mid-stream reaches the SDK as an exception after the text already streamed', async () => {
    // Spaced pieces so the first ones are on the wire before the socket is destroyed.
    openaiMock.on('POST', OPENAI_CHAT, (_req, res) =>
      replyFixtureSse(res, 'openai/chat/issue-15789-step-2.chunks.txt', 'openai', { destroyAfterPieces: 3, chunkDelayMs: 30 }),
    );
    const response = await bedrockClient().send(
      new ConverseStreamCommand({ modelId: 'openai/gpt-4o', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    );
    let text = '';
    const failure = await (async () => {
      for await (const event of response.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    })().catch((err: unknown) => err);
    expect(text.startsWith('POST')).toBe(true);
    expect(failure).toBeInstanceOf(InternalServerException);
    expect((failure as Error).message).toContain('could not reach provider');
  });
});

describe('Bedrock SDK → /bedrock → DeepSeek (OpenAI-compatible)', () => {
  const thinking = { thinking: { type: 'enabled', budget_tokens: 1024 } };

  it('Converse: a thinking budget asks DeepSeek for reasoning; reasoning_content comes back as a reasoningText block', async () => {
    deepseekMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureJson(res, 'deepseek/deepseek-reasoning.json'));
    const recorded = fixtureMessage('deepseek/deepseek-reasoning.json');

    const response = await bedrockClient().send(
      new ConverseCommand({
        modelId: 'deepseek/deepseek-reasoner',
        messages: [{ role: 'user', content: [{ text: "How many 'r's are in the word 'strawberry'?" }] }],
        inferenceConfig: { maxTokens: 4096 },
        additionalModelRequestFields: thinking,
      }),
    );

    expect(response.output?.message?.content).toEqual([
      { reasoningContent: { reasoningText: { text: recorded['reasoning_content'] } } },
      { text: recorded['content'] },
    ]);
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toMatchObject({ inputTokens: 18, outputTokens: 345, totalTokens: 363 });
    const upstream = onlyRequest(deepseekMock, OPENAI_CHAT);
    expect(upstream.headers['authorization']).toBe(`Bearer ${DEEPSEEK_KEY}`);
    // 1024 of 4096 output tokens is a low share: the budget becomes DeepSeek's reasoning_effort.
    expect(jsonBodyOf(upstream)).toEqual({
      model: 'deepseek-reasoner',
      messages: [{ role: 'user', content: "How many 'r's are in the word 'strawberry'?" }],
      max_tokens: 4096,
      reasoning_effort: 'low',
    });
  });

  it('ConverseStream: reasoning deltas arrive as reasoningContent before the tool call', async () => {
    deepseekMock.on('POST', OPENAI_CHAT, (_req, res) => replyFixtureSse(res, 'deepseek/deepseek-tool-call.chunks.txt', 'openai', { splitEvery: 29 }));

    const response = await bedrockClient().send(
      new ConverseStreamCommand({
        modelId: 'deepseek/deepseek-reasoner',
        messages: [{ role: 'user', content: [{ text: 'What is the weather in San Francisco?' }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object', properties: { location: { type: 'string' } } } } } }] },
        additionalModelRequestFields: thinking,
      }),
    );
    const out = await collectConverseStream(response.stream);

    expect(out.reasoning).toBe(DEEPSEEK_STREAMED_REASONING);
    expect(out.tools).toEqual([{ toolUseId: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', input: '{"location": "San Francisco"}' }]);
    expect(out.stopReason).toBe('tool_use');
    // Bedrock counts cache reads apart from inputTokens: DeepSeek's 339 prompt tokens hold 320 cached ones.
    expect(out.usage).toMatchObject({ inputTokens: 19, cacheReadInputTokens: 320, outputTokens: 83, totalTokens: 422 });
    const upstream = jsonBodyOf(onlyRequest(deepseekMock, OPENAI_CHAT));
    expect(upstream).toMatchObject({ stream: true, reasoning_effort: 'low' });
    expect(upstream).not.toHaveProperty('reasoning');
  });
});

/** Replies to Converse with a JSON fixture and to ConverseStream with event-stream bytes. */
function serveBedrock(json: string | undefined, streamBytes: (() => Buffer) | undefined, splitEvery = 17): void {
  if (json) bedrockMock.on('POST', CONVERSE_PATH, (_req, res) => replyFixtureJson(res, json));
  if (streamBytes) bedrockMock.on('POST', CONVERSE_STREAM_PATH, (_req, res) => replyBytes(res, streamBytes(), EVENT_STREAM, { splitEvery }));
}

async function expectSignedWithSessionKey(req: RecordedRequest): Promise<void> {
  const scope = sigV4ScopeOf(req.headers['authorization']);
  expect(scope).toMatchObject({ accessKeyId: AWS_SESSION_KEY.access_key, region: AWS_SESSION_KEY.region, service: 'bedrock' });
  expect(scope.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'content-type']));
  expect(req.headers['x-amz-security-token']).toBe(AWS_SESSION_KEY.session_token);
  expect(await isValidSigV4(req, AWS_SESSION_KEY.secret_key, AWS_SESSION_KEY.session_token)).toBe(true);
}

describe('OpenAI SDK → /v1 with bedrock/<model> → Bedrock', () => {
  const model = `bedrock/${BEDROCK_MODEL}`;
  const client = () => openAIClient(`${gateway.url}/v1`).withOptions({ defaultHeaders: { 'x-bf-api-key': AWS_SESSION_KEY.name } });

  it('text: Converse JSON → chat completion; the upstream request is SigV4-signed with the session credentials', async () => {
    serveBedrock('amazon-bedrock/amazon-bedrock-text.json', undefined);
    const completion = await client().chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Count carefully.' },
        { role: 'user', content: 'How many r are in strawberry?' },
      ],
      max_tokens: 200,
    });
    expect(completion.choices[0]!.message.content).toContain('There are **3** "r"s in "strawberry."');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 22, completion_tokens: 57, total_tokens: 79 });
    expect(extraFieldsOf(completion)).toMatchObject({ provider: 'bedrock', model_requested: BEDROCK_MODEL });
    const upstream = onlyRequest(bedrockMock, CONVERSE_PATH);
    expect(jsonBodyOf(upstream)).toEqual({
      system: [{ text: 'Count carefully.' }],
      messages: [{ role: 'user', content: [{ text: 'How many r are in strawberry?' }] }],
      inferenceConfig: { maxTokens: 200 },
    });
    await expectSignedWithSessionKey(upstream);
  });

  it('a long-term key pair signs without a session token, in its own region', async () => {
    serveBedrock('amazon-bedrock/amazon-bedrock-text.json', undefined);
    await openAIClient(`${gateway.url}/v1`).chat.completions.create(
      { model, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-bf-api-key': AWS_LONG_TERM_KEY.name } },
    );
    const upstream = onlyRequest(bedrockMock, CONVERSE_PATH);
    expect(sigV4ScopeOf(upstream.headers['authorization'])).toMatchObject({
      accessKeyId: AWS_LONG_TERM_KEY.access_key,
      region: 'us-west-2',
      service: 'bedrock',
    });
    expect(upstream.headers['x-amz-security-token']).toBeUndefined();
    expect(await isValidSigV4(upstream, AWS_LONG_TERM_KEY.secret_key)).toBe(true);
  });

  it('tool call (non-streaming): id, name and the complete arguments', async () => {
    serveBedrock('amazon-bedrock/issue-11363-stop-sequence-null.json', undefined);
    const completion = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'List accounts' }],
      tools: [{ type: 'function', function: { name: 'querySalesforce', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }],
    });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]!.message.tool_calls).toEqual([
      { id: 'tooluse_j6gIgqF8PljNKBylAe15oP', type: 'function', function: { name: 'querySalesforce', arguments: '{"query":"SELECT Id FROM Account"}' } },
    ]);
    expect(jsonBodyOf(onlyRequest(bedrockMock, CONVERSE_PATH))['toolConfig']).toEqual({
      tools: [{ toolSpec: { name: 'querySalesforce', inputSchema: { json: { type: 'object', properties: { query: { type: 'string' } } } } } }],
    });
  });

  it('stream (JSONL recording encoded to event-stream bytes, split in 17-byte pieces): reasoning, text, finish reason and usage', async () => {
    serveBedrock(undefined, () => eventStreamWireBody('amazon-bedrock/amazon-bedrock-reasoning.chunks.txt'));
    const stream = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'How many r?' }],
      stream: true,
      reasoning_effort: 'low',
    });
    const out = await collectChatStream(stream);
    const native = readJsonlEvents('amazon-bedrock/amazon-bedrock-reasoning.chunks.txt');
    const expectedReasoning = native
      .map((e) => asRecord(e)['contentBlockDelta'])
      .flatMap((d) => {
        const delta = d ? asRecord(asRecord(d)['delta']) : {};
        const reasoning = delta['reasoningContent'];
        return reasoning && typeof asRecord(reasoning)['text'] === 'string' ? [String(asRecord(reasoning)['text'])] : [];
      })
      .join('');
    expect(out.reasoning).toBe(expectedReasoning);
    expect(out.text).toBe('There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y');
    expect(out.finishReasons).toEqual(['stop']);
    expect(out.usage).toMatchObject({ prompt_tokens: 51, completion_tokens: 94, total_tokens: 145 });
    const upstream = onlyRequest(bedrockMock, CONVERSE_STREAM_PATH);
    expect(jsonBodyOf(upstream)['additionalModelRequestFields']).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    await expectSignedWithSessionKey(upstream);
  });

  it('streamed tool call (redacted reasoning + tool input fragments): complete JSON arguments', async () => {
    serveBedrock(undefined, () => eventStreamWireBody('amazon-bedrock/amazon-bedrock-redacted-content.chunks.txt'), 5);
    const stream = await client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Propose groups' }], stream: true });
    const out = await collectChatStream(stream);
    expect(out.toolCalls).toEqual([
      {
        id: 'call_61f8fcbe423a58699163c53e076f1a06',
        name: 'propose',
        arguments: '{"groups":[{"name":"Sales","parentGroupName":""},{"name":"Team1","parentGroupName":"Sales"}]}',
      },
    ]);
    expect(out.finishReasons).toEqual(['tool_calls']);
    expect(out.usage).toMatchObject({ prompt_tokens: 67, completion_tokens: 70, total_tokens: 137 });
  });

  it('raw recorded bytes (issue-18994, live claude-sonnet-4-6) in 5-byte pieces: OK. with usage', async () => {
    const wrapper = asRecord(readJsonBody('amazon-bedrock/issue-18994-live-converse-stream.json'));
    serveBedrock(undefined, () => Buffer.from(String(asRecord(wrapper['response'])['bodyBase64']), 'base64'), 5);
    const out = await collectChatStream(
      await client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Reply with exactly OK.' }], stream: true }),
    );
    expect(out.text).toBe('OK.');
    expect(out.finishReasons).toEqual(['stop']);
    expect(out.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  it('raw recorded bytes (pydantic-ai cassette, nova-micro) replayed with their headers in 13-byte pieces', async () => {
    const response = readVcr('amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml').interactions[0]!.response;
    bedrockMock.on('POST', CONVERSE_STREAM_PATH, (_req, res) => replyVcr(res, response, { splitEvery: 13 }));
    const out = await collectChatStream(
      await client().chat.completions.create({
        model,
        messages: [
          { role: 'system', content: 'You are a helpful chatbot.' },
          { role: 'user', content: 'What is the capital of France?' },
        ],
        temperature: 0,
        stream: true,
      }),
    );
    expect(out.text).toMatch(/^The capital of France is Paris\./);
    expect(out.text).toContain('"The City of Love."');
    expect(out.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 82, total_tokens: 95 });
  });

  it('a Bedrock error keeps its status and message (the recorded empty-message ValidationException)', async () => {
    const wrapper = asRecord(readJsonBody('amazon-bedrock/amazon-bedrock-empty-message-validation-error.json'));
    const headers = asRecord(wrapper['headers']);
    bedrockMock.on('POST', CONVERSE_PATH, (_req, res) =>
      replyJson(res, Number(wrapper['status']), wrapper['body'], { 'x-amzn-errortype': String(headers['x-amzn-errortype']) }),
    );
    const failure = await client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ status: 400 });
    expect((failure as Error).message).toContain('The content field in the Message object at messages.1 is empty');
  });

  it('an exception inside the event stream ends the stream with an error the SDK raises', async () => {
    bedrockMock.on('POST', CONVERSE_STREAM_PATH, (_req, res) =>
      replyBytes(
        res,
        Buffer.concat([
          encodeEventStreamMessage({ ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' }, '{"role":"assistant"}'),
          encodeEventStreamMessage(
            { ':event-type': 'contentBlockDelta', ':content-type': 'application/json', ':message-type': 'event' },
            '{"contentBlockIndex":0,"delta":{"text":"Hel"}}',
          ),
          encodeEventStreamMessage(
            { ':exception-type': 'throttlingException', ':content-type': 'application/json', ':message-type': 'exception' },
            '{"message":"Too many tokens, please wait before trying again."}',
          ),
        ]),
        EVENT_STREAM,
      ),
    );
    const stream = await client().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((err: unknown) => err);
    expect(text).toBe('Hel');
    expect(String((failure as Error | undefined)?.message)).toContain('Too many tokens');
  });

  it('a data-URL image reaches Converse as image bytes with their format', async () => {
    serveBedrock('amazon-bedrock/amazon-bedrock-text.json', undefined);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

    const completion = await client().chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
          ],
        },
      ],
    });

    expect(completion.choices[0]!.message.content).toContain('There are **3** "r"s in "strawberry."');
    expect(jsonBodyOf(onlyRequest(bedrockMock, CONVERSE_PATH))['messages']).toEqual([
      { role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: png.toString('base64') } } }] },
    ]);
  });

  it('a remote image URL is refused before any upstream call (Converse needs bytes)', async () => {
    const failure = await client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ status: 400 });
    expect(asRecord(asRecord(failure)['error'])['param']).toBe('messages[0].content[0].image_url');
    expect(bedrockMock.requests).toHaveLength(0);
  });
});

describe('Bedrock SDK → /bedrock with a Bedrock model id → Bedrock', () => {
  it('Converse: a bare model id goes to the bedrock provider and the recorded answer comes back block for block', async () => {
    serveBedrock('amazon-bedrock/amazon-bedrock-reasoning.json', undefined);
    const response = await bedrockClient().send(
      new ConverseCommand({
        modelId: BEDROCK_MODEL,
        messages: [{ role: 'user', content: [{ text: 'How many r are in strawberry?' }] }],
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
        inferenceConfig: { maxTokens: 2000 },
      }),
    );
    const recorded = asRecord(asRecord(asRecord(readJsonBody('amazon-bedrock/amazon-bedrock-reasoning.json'))['output'])['message']);
    expect(response.output?.message?.content).toEqual(recorded['content']);
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toMatchObject({ inputTokens: 51, outputTokens: 78, totalTokens: 129 });
    const upstream = onlyRequest(bedrockMock, CONVERSE_PATH);
    expect(jsonBodyOf(upstream)).toEqual({
      messages: [{ role: 'user', content: [{ text: 'How many r are in strawberry?' }] }],
      inferenceConfig: { maxTokens: 2000 },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
    });
    expect(sigV4ScopeOf(upstream.headers['authorization']).service).toBe('bedrock');
  });

  it('ConverseStream: recorded raw bytes in, a stream the SDK reads to the same text, stop reason and usage', async () => {
    serveBedrock(undefined, () => readVcr('amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml').interactions[0]!.response.bodyBytes!, 11);
    const response = await bedrockClient().send(
      new ConverseStreamCommand({ modelId: BEDROCK_MODEL, messages: [{ role: 'user', content: [{ text: 'What is the capital of France?' }] }] }),
    );
    const out = await collectConverseStream(response.stream);
    expect(out.text).toMatch(/^The capital of France is Paris\. Paris is not only the capital city/);
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage).toMatchObject({ inputTokens: 13, outputTokens: 82, totalTokens: 95 });
  });
});

describe('OpenAI SDK embeddings → bedrock Titan', () => {
  it('one input through InvokeModel, the vector and token count back, SigV4-signed', async () => {
    const titan = 'amazon.titan-embed-text-v2:0';
    bedrockMock.on('POST', `/model/${encodeURIComponent(titan)}/invoke`, (_req, res) =>
      replyJson(res, 200, { embedding: [0.25, -0.5, 1], inputTextTokenCount: 3 }),
    );
    const result = await openAIClient(`${gateway.url}/v1`).embeddings.create(
      { model: `bedrock/${titan}`, input: 'hello world', encoding_format: 'float' },
      { headers: { 'x-bf-api-key': AWS_SESSION_KEY.name } },
    );
    expect(result.data.map((d) => d.embedding)).toEqual([[0.25, -0.5, 1]]);
    expect(result.usage).toMatchObject({ prompt_tokens: 3, total_tokens: 3 });
    const upstream = onlyRequest(bedrockMock, `/model/${encodeURIComponent(titan)}/invoke`);
    expect(jsonBodyOf(upstream)).toEqual({ inputText: 'hello world' });
    await expectSignedWithSessionKey(upstream);
  });
});
