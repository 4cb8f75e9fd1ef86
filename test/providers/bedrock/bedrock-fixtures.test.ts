/**
 * Every recording under fixtures/amazon-bedrock decoded by the Bedrock adapter: what a client ends
 * up with (content, reasoning with signatures / redacted bytes, tool calls with complete JSON
 * arguments, finish reason, usage incl. cache reads and writes) equals what the recording says.
 * Streams go through the real event-stream framing, whole and in small split reads.
 */
import { describe, expect, it } from 'vitest';
import { listFixtures, readJsonBody, eventStreamWireBody, readVcr } from '../../support/fixtures.js';
import { chatOutcomeOfResponse, chunksOf, reassembleChatChunks } from '../stream-reassembly.js';
import {
  BEDROCK_MODEL,
  bedrockProvider,
  decodeBedrockWire,
  foldNativeStream,
  foldReasoningDetails,
  liveConverseStreamBytes,
  nativeEventsOfBytes,
  nativeEventsOfJsonl,
  vcrConverseStreamBytes,
  type NativeStreamOutcome,
} from './bedrock-recordings.js';

const provider = bedrockProvider();

function decodeJson(native: unknown): Record<string, unknown> {
  return provider.adapter.decodeResponse('chat', native, provider.call('chat', BEDROCK_MODEL));
}

/** The slice of a recorded Converse body these tests read. */
interface RecordedConverse {
  output: {
    message: {
      content: Array<{
        reasoningContent?: { reasoningText?: { text: string; signature: string }; redactedContent?: string };
        toolUse?: { input: unknown };
      }>;
    };
  };
}

function firstMessage(response: Record<string, unknown>): Record<string, unknown> {
  return (response['choices'] as Array<{ message: Record<string, unknown> }>)[0]!.message;
}

const FINISH_BY_STOP: Record<string, string> = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' };

/** Covered files, so a recording added to the folder without a test here fails this suite. */
const COVERED = new Set<string>();
function fixture(rel: string): string {
  COVERED.add(`amazon-bedrock/${rel}`);
  return `amazon-bedrock/${rel}`;
}

describe('non-streaming Converse recordings', () => {
  it('amazon-bedrock-text.json: text, stop, usage with zero cache counters', () => {
    const out = chatOutcomeOfResponse(decodeJson(readJsonBody(fixture('amazon-bedrock-text.json'))));
    expect(out.content).toBe('Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** "r"s in "strawberry."');
    expect(out.finishReason).toBe('stop');
    expect(out.toolCalls).toEqual([]);
    expect(out.usage).toEqual({
      prompt_tokens: 22,
      completion_tokens: 57,
      total_tokens: 79,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
    });
  });

  it('amazon-bedrock-reasoning.json: reasoning text and its signature survive beside the answer', () => {
    const native = readJsonBody(fixture('amazon-bedrock-reasoning.json')) as RecordedConverse;
    const recorded = native.output.message.content[0]!.reasoningContent!.reasoningText!;
    const response = decodeJson(native);
    const out = chatOutcomeOfResponse(response);
    expect(out.reasoning).toBe(recorded.text);
    expect(out.content).toBe('There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y');
    expect(firstMessage(response)['reasoning_details']).toEqual([{ type: 'reasoning.text', text: recorded.text, signature: recorded.signature, index: 0 }]);
    expect(out.usage).toMatchObject({ prompt_tokens: 51, completion_tokens: 78, total_tokens: 129 });
  });

  it('amazon-bedrock-redacted-content.json: redacted reasoning kept opaque, tool call with the full input', () => {
    const native = readJsonBody(fixture('amazon-bedrock-redacted-content.json')) as RecordedConverse;
    const [redacted, toolUse] = native.output.message.content;
    const response = decodeJson(native);
    const out = chatOutcomeOfResponse(response);
    expect(out.finishReason).toBe('tool_calls');
    expect(out.toolCalls).toHaveLength(1);
    expect(out.toolCalls[0]!.id).toBe('call_f9b3e3c877325ec4940fcad11b0a3a88');
    expect(out.toolCalls[0]!.name).toBe('json');
    expect(JSON.parse(out.toolCalls[0]!.arguments)).toEqual(toolUse!.toolUse!.input);
    expect(firstMessage(response)['reasoning_details']).toEqual([{ type: 'reasoning.encrypted', data: redacted!.reasoningContent!.redactedContent, index: 0 }]);
    expect(out.content).toBeNull();
    expect(out.usage).toMatchObject({ prompt_tokens: 69, completion_tokens: 59, total_tokens: 128, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('issue-11363-stop-sequence-null.json: tool use with stop_sequence null → tool_calls with exact arguments', () => {
    const out = chatOutcomeOfResponse(decodeJson(readJsonBody(fixture('issue-11363-stop-sequence-null.json'))));
    expect(out.finishReason).toBe('tool_calls');
    expect(out.toolCalls).toEqual([{ id: 'tooluse_j6gIgqF8PljNKBylAe15oP', name: 'querySalesforce', arguments: '{"query":"SELECT Id FROM Account"}' }]);
    expect(out.usage).toMatchObject({ prompt_tokens: 674, completion_tokens: 36, total_tokens: 710 });
  });

  it('pydantic-ai cache write then read: cache writes and reads land in prompt_tokens_details and count in prompt_tokens', () => {
    const [write, read] = readVcr(fixture('pydantic-ai/test_bedrock_cache_write_and_read.yaml')).interactions;
    const first = chatOutcomeOfResponse(decodeJson(write!.response.parsedBody));
    const second = chatOutcomeOfResponse(decodeJson(read!.response.parsedBody));
    expect(first.content).toBe('21');
    expect(first.usage).toEqual({
      prompt_tokens: 1324,
      completion_tokens: 5,
      total_tokens: 1329,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 1322 },
    });
    expect(second.usage).toEqual({
      prompt_tokens: 1324,
      completion_tokens: 5,
      total_tokens: 1329,
      prompt_tokens_details: { cached_tokens: 1322, cache_creation_tokens: 0 },
    });
  });
});

describe('error bodies', () => {
  it.each([
    ['issue-7034-error.json', 400],
    ['bedrock-invalid-tool-name-validation-error.json', 400],
  ])('%s: the provider message is kept', (rel, status) => {
    const body = readJsonBody(fixture(rel)) as { message: string };
    const details = provider.adapter.decodeError(status, JSON.stringify(body));
    expect(details.message).toBe(body.message);
  });

  it('amazon-bedrock-empty-message-validation-error.json: the recorded body with its status keeps its message', () => {
    const wrapper = readJsonBody(fixture('amazon-bedrock-empty-message-validation-error.json')) as { status: number; body: { message: string } };
    expect(provider.adapter.decodeError(wrapper.status, JSON.stringify(wrapper.body)).message).toBe(wrapper.body.message);
  });

  it('pydantic-ai streaming error: a 400 from converse-stream keeps its message', () => {
    const response = readVcr(fixture('pydantic-ai/test_bedrock_streaming_error.yaml')).interactions[0]!.response;
    expect(response.status).toBe(400);
    expect(provider.adapter.decodeError(response.status, JSON.stringify(response.parsedBody)).message).toBe('The provided model identifier is invalid.');
  });
});

/** The canonical outcome of a stream must say what the native events say. */
function expectStreamMatches(chunks: Record<string, unknown>[], native: NativeStreamOutcome): void {
  const out = reassembleChatChunks(chunks);
  expect(out.content ?? '').toBe(native.text);
  expect(out.reasoning ?? '').toBe(native.reasoning);
  expect(out.finishReason).toBe(FINISH_BY_STOP[native.stopReason ?? ''] ?? 'stop');
  expect(out.toolCalls).toEqual(native.tools.map((t) => ({ id: t.id, name: t.name, arguments: t.input })));
  for (const call of out.toolCalls) expect(() => JSON.parse(call.arguments)).not.toThrow();
  const usage = native.usage as { inputTokens: number; outputTokens: number; totalTokens: number };
  expect(out.usage).toMatchObject({ prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.totalTokens });
  const details = foldReasoningDetails(chunks);
  const expectedDetails = [
    ...(native.reasoning ? [{ type: 'reasoning.text', text: native.reasoning, ...(native.signature ? { signature: native.signature } : {}) }] : []),
    ...native.redacted.map((data) => ({ type: 'reasoning.encrypted', data })),
  ];
  expect(details).toEqual(expectedDetails);
  // Usage and finish reason travel together on the very last chunk.
  const last = chunks[chunks.length - 1]!;
  expect(last['usage']).toBeDefined();
  expect((last['choices'] as Array<Record<string, unknown>>)[0]!['finish_reason']).toBe(out.finishReason);
}

const JSONL_STREAMS = [
  'amazon-bedrock-text.chunks.txt',
  'amazon-bedrock-reasoning.chunks.txt',
  'amazon-bedrock-redacted-content.chunks.txt',
  'amazon-bedrock-document-citations.chunks.txt',
  'issue-17523-converse-stream.chunks.txt',
];

describe('ConverseStream recordings (JSONL-EVENTSTREAM, encoded to event-stream bytes)', () => {
  for (const rel of JSONL_STREAMS) {
    for (const pieceSize of [undefined, 7]) {
      it(`${rel} ${pieceSize ? `in ${pieceSize}-byte reads` : 'in one read'}: reassembles to what the recording says`, async () => {
        const wire = eventStreamWireBody(fixture(rel));
        const events = await decodeBedrockWire(wire, provider, pieceSize);
        expect(events.filter((e) => e.kind === 'error')).toEqual([]);
        expectStreamMatches(chunksOf(events), foldNativeStream(nativeEventsOfJsonl(fixture(rel))));
      });
    }
  }

  it('amazon-bedrock-text.chunks.txt: the recorded values themselves (text, stop, usage 22/55/77)', async () => {
    const out = reassembleChatChunks(chunksOf(await decodeBedrockWire(eventStreamWireBody(fixture('amazon-bedrock-text.chunks.txt')), provider)));
    expect(out.content).toBe('Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** r\'s in "strawberry."');
    expect(out.finishReason).toBe('stop');
    expect(out.usage).toEqual({ prompt_tokens: 22, completion_tokens: 55, total_tokens: 77 });
  });

  it('amazon-bedrock-redacted-content.chunks.txt: the streamed tool arguments are the complete JSON', async () => {
    const out = reassembleChatChunks(
      chunksOf(await decodeBedrockWire(eventStreamWireBody(fixture('amazon-bedrock-redacted-content.chunks.txt')), provider, 3)),
    );
    expect(out.toolCalls).toHaveLength(1);
    expect(out.toolCalls[0]!.name).toBe('propose');
    expect(JSON.parse(out.toolCalls[0]!.arguments)).toEqual({
      groups: [
        { name: 'Sales', parentGroupName: '' },
        { name: 'Team1', parentGroupName: 'Sales' },
      ],
    });
    expect(out.finishReason).toBe('tool_calls');
  });

  it('issue-17523-converse-stream.chunks.txt: max_tokens → length', async () => {
    const out = reassembleChatChunks(chunksOf(await decodeBedrockWire(eventStreamWireBody(fixture('issue-17523-converse-stream.chunks.txt')), provider)));
    expect(out.finishReason).toBe('length');
    expect(out.content).toBe('Hello! How can I assist you today? If');
  });

  it('amazon-bedrock-document-citations.chunks.txt: all the text survives (citation metadata has no canonical slot and is dropped)', async () => {
    const chunks = chunksOf(await decodeBedrockWire(eventStreamWireBody(fixture('amazon-bedrock-document-citations.chunks.txt')), provider, 11));
    const out = reassembleChatChunks(chunks);
    expect(out.content).toContain('Based on the supplied document, generative artificial intelligence refers to models');
    expect(out.content).toMatch(/meets a specified stopping criterion\.$/);
    expect(out.usage).toMatchObject({ prompt_tokens: 2787, completion_tokens: 297, total_tokens: 3084 });
    expect(JSON.stringify(chunks)).not.toContain('"p":');
  });
});

describe('ConverseStream recordings (raw recorded event-stream bytes)', () => {
  const RAW = [
    { rel: 'issue-18994-live-converse-stream.json', bytes: liveConverseStreamBytes },
    { rel: 'pydantic-ai/test_bedrock_model_stream.yaml', bytes: vcrConverseStreamBytes },
  ];
  for (const { rel, bytes } of RAW) {
    for (const pieceSize of [undefined, 1, 9]) {
      it(`${rel} ${pieceSize ? `in ${pieceSize}-byte reads` : 'in one read'}: reassembles to what the bytes say`, async () => {
        const events = await decodeBedrockWire(bytes(), provider, pieceSize);
        expect(events.filter((e) => e.kind === 'error')).toEqual([]);
        expectStreamMatches(chunksOf(events), foldNativeStream(nativeEventsOfBytes(bytes())));
      });
    }
  }

  it("issue-18994: matches the recorder's own observation (text OK., finish stop, 12 in / 5 out)", async () => {
    COVERED.add('amazon-bedrock/issue-18994-live-converse-stream.json');
    const wrapper = readJsonBody('amazon-bedrock/issue-18994-live-converse-stream.json') as {
      observed: { text: string; finishReason: string; inputTokens: number; outputTokens: number };
    };
    const out = reassembleChatChunks(chunksOf(await decodeBedrockWire(liveConverseStreamBytes(), provider, 4)));
    expect(out.content).toBe(wrapper.observed.text);
    expect(out.finishReason).toBe(wrapper.observed.finishReason);
    expect(out.usage).toMatchObject({ prompt_tokens: wrapper.observed.inputTokens, completion_tokens: wrapper.observed.outputTokens });
  });

  it('pydantic-ai stream: the answer text and usage 13/82/95', async () => {
    COVERED.add('amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml');
    const out = reassembleChatChunks(chunksOf(await decodeBedrockWire(vcrConverseStreamBytes(), provider)));
    expect(out.content).toMatch(/^The capital of France is Paris\. Paris is not only the capital city but also the most populous city in France/);
    expect(out.usage).toEqual({ prompt_tokens: 13, completion_tokens: 82, total_tokens: 95 });
  });
});

describe('the fixture folder', () => {
  it('every amazon-bedrock recording is exercised above', () => {
    const all = listFixtures('amazon-bedrock');
    expect(all.filter((rel) => !COVERED.has(rel))).toEqual([]);
  });
});
