/**
 * The /bedrock surface's converters against the provider's: canonical → Converse → canonical keeps
 * every feature; recorded Converse requests survive native → canonical → native; recorded responses
 * survive native → canonical → native; recorded streams survive native events → canonical chunks →
 * native events (event for event); errors map to the exception names the AWS SDK raises.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/schema/chat.js';
import type { JsonObject } from '../../../src/schema/json.js';
import { gatewayError } from '../../../src/schema/error.js';
import { engineModelOf } from '../../../src/http/routes/bedrock.js';
import { bedrockErrorResponse } from '../../../src/integrations/bedrock/bedrock-error-response.js';
import { convertChatResponseToConverse } from '../../../src/integrations/bedrock/convert-chat-response-to-converse.js';
import { convertConverseRequestToChat } from '../../../src/integrations/bedrock/convert-converse-request-to-chat.js';
import {
  converseEventMessage,
  converseExceptionMessage,
  createConverseStreamEncoder,
  type ConverseStreamEvent,
} from '../../../src/integrations/bedrock/encode-converse-stream.js';
import { toConverseRequest } from '../../../src/providers/bedrock/convert-to-bedrock-converse.js';
import { decodeEventStream, eventStreamWireBody, isRecord, readJsonBody, readVcr } from '../../support/fixtures.js';
import { chunksOf, reassembleChatChunks } from '../stream-reassembly.js';
import {
  BEDROCK_MODEL,
  bedrockProvider,
  decodeBedrockWire,
  foldNativeStream,
  nativeEventsOfJsonl,
  vcrConverseStreamBytes,
  nativeEventsOfBytes,
} from './bedrock-recordings.js';

const provider = bedrockProvider();

/** Canonical → Converse (provider) → canonical (surface). */
function roundTrip(body: JsonObject, stream = false): JsonObject {
  const native = JSON.parse(JSON.stringify(toConverseRequest(body as ChatRequest, BEDROCK_MODEL))) as unknown;
  return convertConverseRequestToChat(native, `bedrock/${BEDROCK_MODEL}`, stream);
}

describe('canonical → Converse → canonical keeps every feature', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const original: JsonObject = {
    model: `bedrock/${BEDROCK_MODEL}`,
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Where is this?' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
          { type: 'file', file: { filename: 'notes.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look.',
        reasoning: 'A photo.',
        reasoning_details: [
          { type: 'reasoning.text', text: 'A photo.', signature: 'EqQBCkgIARABGAIiQ', index: 0 },
          { type: 'reasoning.encrypted', data: 'b3BhcXVl', index: 1 },
        ],
        tool_calls: [{ id: 'tooluse_a', type: 'function', function: { name: 'locate', arguments: '{"hint":"tower","zoom":3}' } }],
      },
      { role: 'tool', tool_call_id: 'tooluse_a', content: 'Paris' },
      { role: 'user', content: 'Answer as JSON.' },
    ],
    max_tokens: 8000,
    temperature: 1,
    top_p: 0.95,
    stop: ['STOP', 'END'],
    tools: [
      {
        type: 'function',
        function: { name: 'locate', description: 'Find a place', parameters: { type: 'object', properties: { hint: { type: 'string' } } } },
        cache_control: { type: 'ephemeral' },
      },
    ],
    tool_choice: { type: 'function', function: { name: 'locate' } },
    reasoning: { max_tokens: 2048 },
    top_k: 50,
    response_format: { type: 'json_schema', json_schema: { name: 'place', schema } },
  };

  it('messages: system cache control, image and document bytes, signed + redacted reasoning, tool calls and results', () => {
    expect(roundTrip(original)['messages']).toEqual(original['messages']);
  });

  it('parameters: max tokens, temperature, top_p, stop, tools with cache control, tool choice, thinking budget, top_k, json schema', () => {
    const back = roundTrip(original);
    expect(back).toMatchObject({
      max_tokens: 8000,
      temperature: 1,
      top_p: 0.95,
      stop: ['STOP', 'END'],
      tools: original['tools'],
      tool_choice: original['tool_choice'],
      reasoning: { max_tokens: 2048 },
      top_k: 50,
      response_format: { type: 'json_schema', json_schema: { name: 'place', schema } },
    });
  });

  it('a tool error result keeps its error status', () => {
    const back = roundTrip({
      messages: [
        { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't', content: 'boom', is_error: true },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect((back['messages'] as JsonObject[])[1]).toEqual({ role: 'tool', tool_call_id: 't', content: 'boom', is_error: true });
  });

  it('streaming requests ask the upstream for usage', () => {
    expect(roundTrip({ messages: [{ role: 'user', content: 'x' }] }, true)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});

describe('recorded Converse requests: native → canonical → native', () => {
  it.each([
    ['amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml', 'us.amazon.nova-micro-v1:0'],
    ['amazon-bedrock/pydantic-ai/test_bedrock_cache_write_and_read.yaml', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ])('%s', (rel, model) => {
    const recorded = readVcr(rel).interactions[0]!.request.json as JsonObject;
    const canonical = convertConverseRequestToChat(recorded, `bedrock/${model}`, false);
    const rebuilt = JSON.parse(JSON.stringify(toConverseRequest(canonical as ChatRequest, model))) as JsonObject;
    const expected = { ...recorded };
    if (isRecord(expected['inferenceConfig']) && Object.keys(expected['inferenceConfig']).length === 0) delete expected['inferenceConfig'];
    expect(rebuilt).toEqual(expected);
  });
});

describe('recorded Converse responses: native → canonical → native', () => {
  it.each([
    'amazon-bedrock/amazon-bedrock-text.json',
    'amazon-bedrock/amazon-bedrock-reasoning.json',
    'amazon-bedrock/amazon-bedrock-redacted-content.json',
    'amazon-bedrock/issue-11363-stop-sequence-null.json',
  ])('%s keeps content blocks, stop reason and usage', (rel) => {
    const native = readJsonBody(rel) as { output: { message: { content: JsonObject[] } }; stopReason: string; usage: JsonObject };
    const canonical = provider.adapter.decodeResponse('chat', native, provider.call('chat', BEDROCK_MODEL));
    const back = convertChatResponseToConverse(canonical);
    const expectedContent = native.output.message.content.map((block) => {
      if (!isRecord(block['toolUse'])) return block;
      const { type: _type, ...toolUse } = block['toolUse'];
      return { toolUse };
    });
    expect(back.output.message.content).toEqual(expectedContent);
    expect(back.stopReason).toBe(native.stopReason);
    expect(back.usage).toEqual({
      inputTokens: native.usage['inputTokens'],
      outputTokens: native.usage['outputTokens'],
      totalTokens: native.usage['totalTokens'],
    });
  });

  it('pydantic-ai cache write: cache write tokens come back as cacheWriteInputTokens, inputTokens without them', () => {
    const parsed = readVcr('amazon-bedrock/pydantic-ai/test_bedrock_cache_write_and_read.yaml').interactions[0]!.response.parsedBody;
    const back = convertChatResponseToConverse(provider.adapter.decodeResponse('chat', parsed, provider.call('chat', BEDROCK_MODEL)));
    expect(back.usage).toEqual({ inputTokens: 2, outputTokens: 5, totalTokens: 1329, cacheReadInputTokens: 0, cacheWriteInputTokens: 1322 });
    expect(back.output.message.content).toEqual([{ text: '21' }]);
  });
});

/** Native events with what has no canonical meaning taken out: padding, model response fields, empty deltas, latency. */
function comparable(events: ReadonlyArray<[string, JsonObject]>): Array<{ type: string; payload: JsonObject }> {
  return events
    .map(([type, raw]) => {
      const { p: _p, additionalModelResponseFields: _extra, metrics: _metrics, ...payload } = raw;
      if (type === 'metadata' && isRecord(payload['usage'])) {
        const { serverToolUsage: _server, ...usage } = payload['usage'];
        return { type, payload: { usage } };
      }
      return { type, payload };
    })
    .filter(({ type, payload }) => {
      if (type !== 'contentBlockDelta' || !isRecord(payload['delta'])) return true;
      const reasoning = payload['delta']['reasoningContent'];
      return !(isRecord(reasoning) && reasoning['text'] === '');
    });
}

function encoded(events: ConverseStreamEvent[]): Array<{ type: string; payload: JsonObject }> {
  return events.map((event) => {
    if (event.type !== 'metadata') return { type: event.type, payload: { ...event.payload } };
    const { metrics: _metrics, ...rest } = event.payload;
    return { type: event.type, payload: { ...rest } };
  });
}

async function reencode(wire: Buffer): Promise<ConverseStreamEvent[]> {
  const chunks = chunksOf(await decodeBedrockWire(wire, provider, 5));
  const encoder = createConverseStreamEncoder();
  return [...chunks.flatMap((chunk) => encoder.encode(chunk)), ...encoder.finish()];
}

describe('recorded ConverseStreams: native events → canonical chunks → native events', () => {
  it.each([
    'amazon-bedrock/amazon-bedrock-text.chunks.txt',
    'amazon-bedrock/amazon-bedrock-reasoning.chunks.txt',
    'amazon-bedrock/amazon-bedrock-redacted-content.chunks.txt',
    'amazon-bedrock/issue-17523-converse-stream.chunks.txt',
  ])('%s comes back event for event', async (rel) => {
    const events = await reencode(eventStreamWireBody(rel));
    expect(encoded(events)).toEqual(comparable(nativeEventsOfJsonl(rel)));
  });

  it('pydantic-ai raw bytes come back event for event (padding aside)', async () => {
    const events = await reencode(vcrConverseStreamBytes());
    expect(encoded(events)).toEqual(comparable(nativeEventsOfBytes(vcrConverseStreamBytes())));
  });

  it('document citations: the text comes back whole; citation deltas and block boundaries do not', async () => {
    const rel = 'amazon-bedrock/amazon-bedrock-document-citations.chunks.txt';
    const events = await reencode(eventStreamWireBody(rel));
    const text = events
      .flatMap((e) =>
        e.type === 'contentBlockDelta' && isRecord(e.payload['delta']) && typeof e.payload['delta']['text'] === 'string' ? [e.payload['delta']['text']] : [],
      )
      .join('');
    expect(text).toBe(foldNativeStream(nativeEventsOfJsonl(rel)).text);
  });

  it('the encoded events are valid event-stream messages (both CRCs) with Bedrock headers', async () => {
    const events = await reencode(eventStreamWireBody('amazon-bedrock/amazon-bedrock-redacted-content.chunks.txt'));
    const bytes = Buffer.concat(events.map(converseEventMessage));
    const decoded = decodeEventStream(bytes);
    expect(decoded.map((m) => m.headers[':event-type'])).toEqual(events.map((e) => e.type));
    expect(decoded[0]!.headers).toEqual({ ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' });
  });
});

describe('the stream encoder on an OpenAI-shaped stream', () => {
  it('interleaved text then two tool calls: blocks in order, usage with cache reads at the end', () => {
    const encoder = createConverseStreamEncoder();
    const chunk = (delta: JsonObject, finish: string | null = null, usage?: JsonObject): JsonObject => ({
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    });
    const events = [
      ...encoder.encode(chunk({ role: 'assistant', content: '' })),
      ...encoder.encode(chunk({ content: 'Checking' })),
      ...encoder.encode(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'a', arguments: '' } }] })),
      ...encoder.encode(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] })),
      ...encoder.encode(chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'b', arguments: '{}' } }] })),
      ...encoder.encode(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] })),
      ...encoder.encode(chunk({}, 'tool_calls')),
      ...encoder.encode({
        choices: [],
        usage: { prompt_tokens: 100, completion_tokens: 9, total_tokens: 109, prompt_tokens_details: { cached_tokens: 60 } },
        extra_fields: { latency: 42 },
      }),
      ...encoder.finish(),
    ];
    expect(events).toEqual([
      { type: 'messageStart', payload: { role: 'assistant' } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'Checking' } } },
      { type: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
      { type: 'contentBlockStart', payload: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'call_1', name: 'a' } } } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 1, delta: { toolUse: { input: '{"x":' } } } },
      { type: 'contentBlockStop', payload: { contentBlockIndex: 1 } },
      { type: 'contentBlockStart', payload: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'call_2', name: 'b' } } } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 2, delta: { toolUse: { input: '{}' } } } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 1, delta: { toolUse: { input: '1}' } } } },
      { type: 'contentBlockStop', payload: { contentBlockIndex: 2 } },
      { type: 'messageStop', payload: { stopReason: 'tool_use' } },
      {
        type: 'metadata',
        payload: {
          usage: { inputTokens: 40, outputTokens: 9, totalTokens: 109, cacheReadInputTokens: 60, cacheWriteInputTokens: 0 },
          metrics: { latencyMs: 42 },
        },
      },
    ]);
  });

  it('an empty stream still closes with messageStop and metadata', () => {
    const encoder = createConverseStreamEncoder();
    expect(encoder.finish().map((e) => e.type)).toEqual(['messageStart', 'messageStop', 'metadata']);
  });
});

describe('errors in Bedrock shape', () => {
  it.each([
    [400, 'ValidationException'],
    [413, 'ValidationException'],
    [401, 'AccessDeniedException'],
    [403, 'AccessDeniedException'],
    [404, 'ResourceNotFoundException'],
    [408, 'ModelTimeoutException'],
    [504, 'ModelTimeoutException'],
    [429, 'ThrottlingException'],
    [500, 'InternalServerException'],
    [502, 'InternalServerException'],
    [503, 'ServiceUnavailableException'],
  ])('HTTP %i → x-amzn-errortype %s with {message}', (status, type) => {
    const response = bedrockErrorResponse(gatewayError({ status, message: 'went wrong' }));
    expect(response).toEqual({ status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: { message: 'went wrong' } });
  });

  it('a mid-stream failure becomes an exception message the SDK raises by :exception-type', () => {
    const [message] = decodeEventStream(converseExceptionMessage(gatewayError({ status: 429, message: 'slow down' })));
    expect(message!.headers).toEqual({ ':exception-type': 'throttlingException', ':content-type': 'application/json', ':message-type': 'exception' });
    expect(JSON.parse(message!.payload.toString())).toEqual({ message: 'slow down' });
  });
});

describe('the model id in a /bedrock path', () => {
  it.each([
    ['openai/gpt-4o', 'openai/gpt-4o'],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['bedrock/amazon.nova-micro-v1:0', 'bedrock/amazon.nova-micro-v1:0'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet',
      'bedrock/arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet',
    ],
  ])('%s → %s', (modelId, engineModel) => {
    expect(engineModelOf(modelId)).toBe(engineModel);
  });
});

describe('Converse request fields with no canonical form', () => {
  it.each([
    ['guardrailConfig', { guardrailConfig: { guardrailIdentifier: 'g', guardrailVersion: '1' } }, 'guardrailConfig'],
    ['a video block', { messages: [{ role: 'user', content: [{ video: { format: 'mp4', source: { bytes: 'AA==' } } }] }] }, 'messages.0.content.0'],
    [
      'an S3 image',
      { messages: [{ role: 'user', content: [{ image: { format: 'png', source: { s3Location: { uri: 's3://b/k' } } } }] }] },
      'messages.0.content.0.image.source',
    ],
  ])('%s → 400 naming it', (_name, extra, param) => {
    let caught: unknown;
    try {
      convertConverseRequestToChat({ messages: [{ role: 'user', content: [{ text: 'x' }] }], ...extra }, 'openai/gpt-4o', false);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ body: { status_code: 400, error: { param } } });
  });

  it('reassembling a re-encoded stream through the decoder gives the same outcome (sanity of both directions)', async () => {
    const rel = 'amazon-bedrock/amazon-bedrock-reasoning.chunks.txt';
    const events = await reencode(eventStreamWireBody(rel));
    const again = reassembleChatChunks(chunksOf(await decodeBedrockWire(Buffer.concat(events.map(converseEventMessage)), provider)));
    const first = reassembleChatChunks(chunksOf(await decodeBedrockWire(eventStreamWireBody(rel), provider)));
    expect(again).toEqual(first);
  });
});
