/**
 * The Responses API through the OpenAI-family converters (OpenAI, Azure `/openai/v1`, xAI):
 * recorded streams come out as named events in order with their payloads untouched, and
 * recorded non-streaming bodies pass through whole.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedEvent } from '../../src/providers/types.js';
import { isRecord, readJsonBody, readJsonlEvents, readJsonlLines, sseWireBody } from '../support/fixtures.js';
import { asRecord, configuredProvider, decodeWire } from './stream-reassembly.js';

/** What a client reads from a finished response: output text, function calls, token counts. */
interface ResponseOutcome {
  status: unknown;
  text: string;
  functionCalls: Array<{ callId: unknown; name: unknown; arguments: unknown }>;
  usage: { input: unknown; output: unknown; total: unknown; cached: unknown; reasoning: unknown };
}

function responseOutcome(response: Record<string, unknown>): ResponseOutcome {
  const output = Array.isArray(response['output']) ? response['output'].filter(isRecord) : [];
  const text = output
    .filter((item) => item['type'] === 'message')
    .flatMap((item) => (Array.isArray(item['content']) ? item['content'].filter(isRecord) : []))
    .filter((part) => part['type'] === 'output_text')
    .map((part) => String(part['text']))
    .join('');
  const functionCalls = output
    .filter((item) => item['type'] === 'function_call')
    .map((item) => ({ callId: item['call_id'], name: item['name'], arguments: JSON.parse(String(item['arguments'])) as unknown }));
  const usage = asRecord(response['usage'], 'usage');
  const inputDetails = isRecord(usage['input_tokens_details']) ? usage['input_tokens_details'] : {};
  const outputDetails = isRecord(usage['output_tokens_details']) ? usage['output_tokens_details'] : {};
  return {
    status: response['status'],
    text,
    functionCalls,
    usage: {
      input: usage['input_tokens'],
      output: usage['output_tokens'],
      total: usage['total_tokens'],
      cached: inputDetails['cached_tokens'],
      reasoning: outputDetails['reasoning_tokens'],
    },
  };
}

function completedResponses(events: readonly DecodedEvent[]): Record<string, unknown>[] {
  return events.flatMap((event) =>
    event.kind === 'chunk' && event.event === 'response.completed' ? [asRecord(event.chunk['response'], 'response.completed')] : [],
  );
}

function deltasOf(events: readonly DecodedEvent[], eventName: string): string {
  return events.map((event) => (event.kind === 'chunk' && event.event === eventName ? String(event.chunk['delta']) : '')).join('');
}

interface StreamCase {
  rel: string;
  provider: string;
  /** One entry per `response.completed` in the recording (multi-turn files hold several). */
  completed: ResponseOutcome[];
}

const usage = (input: number, output: number, total: number, cached: number, reasoning: number): ResponseOutcome['usage'] => ({
  input,
  output,
  total,
  cached,
  reasoning,
});

const STREAMS: StreamCase[] = [
  {
    rel: 'openai/responses/openai-pdf-input-file.1.chunks.txt',
    provider: 'openai',
    completed: [{ status: 'completed', text: 'Dummy PDF file', functionCalls: [], usage: usage(44, 4, 48, 0, 0) }],
  },
  {
    rel: 'openai/responses/openai-issue-11239.1.chunks.txt',
    provider: 'openai',
    completed: [
      {
        status: 'completed',
        text: '',
        functionCalls: [{ callId: 'call_wMUhph1s1bedjPJraJvGw62X', name: 'lookupVerificationCode', arguments: { label: 'issue-11239' } }],
        usage: usage(84, 39, 123, 0, 15),
      },
    ],
  },
  {
    rel: 'openai/responses/openai-issue-11239.2.chunks.txt',
    provider: 'openai',
    completed: [{ status: 'completed', text: 'Verification code for issue-11239 is blue-42.', functionCalls: [], usage: usage(146, 16, 162, 0, 0) }],
  },
  {
    rel: 'openai/responses/openai-reasoning-encrypted-content.1.chunks.txt',
    provider: 'openai',
    completed: [
      {
        status: 'completed',
        text: '',
        functionCalls: [{ callId: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', name: 'calculator', arguments: { a: 12, b: 7, op: 'add' } }],
        usage: usage(134, 28, 162, 0, 0),
      },
      {
        status: 'completed',
        text: '',
        functionCalls: [{ callId: 'call_Q6pW65MUgW9vF59BmItYGos3', name: 'calculator', arguments: { a: 19, b: 3, op: 'multiply' } }],
        usage: usage(221, 26, 247, 0, 0),
      },
      {
        status: 'completed',
        text: '',
        functionCalls: [{ callId: 'call_Zl5vIMnD7dVAjgU6FkhmiCZh', name: 'calculator', arguments: { a: 57, b: 10, op: 'multiply' } }],
        usage: usage(260, 26, 286, 0, 0),
      },
      { status: 'completed', text: 'The final result is **570**.', functionCalls: [], usage: usage(299, 12, 311, 0, 0) },
    ],
  },
  {
    rel: 'azure/azure-text.1.chunks.txt',
    provider: 'azure',
    completed: [{ status: 'completed', text: 'Hello', functionCalls: [], usage: usage(11, 11, 22, 0, 0) }],
  },
  {
    rel: 'azure/azure-tool-call.1.chunks.txt',
    provider: 'azure',
    completed: [
      {
        status: 'completed',
        text: '',
        functionCalls: [{ callId: 'call_H5DxLSFnsGhiROnUiDHmgyc8', name: 'weather', arguments: { location: 'San Francisco' } }],
        usage: usage(45, 24, 69, 0, 0),
      },
    ],
  },
  {
    rel: 'xai/responses/issue-17936-stream.chunks.txt',
    provider: 'xai',
    completed: [{ status: 'completed', text: 'hello', functionCalls: [], usage: usage(197, 199, 396, 192, 198) }],
  },
];

const PIECE_SIZES = [undefined, 1, 7] as const;

async function decodeResponsesStream(rel: string, provider: string, pieceSize?: number): Promise<DecodedEvent[]> {
  const { adapter, call } = configuredProvider(provider);
  const streamCall = call('responses', 'recorded-model', { stream: true });
  return decodeWire(sseWireBody(rel, 'named-events'), () => adapter.streamDecoder('responses', streamCall), pieceSize);
}

describe('Responses API streams come out as the named events the provider sent', () => {
  it.each(STREAMS)('$rel', async ({ rel, provider, completed }) => {
    const recorded = readJsonlEvents(rel).map((event) => asRecord(event, rel));
    const recordedTypes = recorded.map((event) => event['type']);

    for (const size of PIECE_SIZES) {
      const events = await decodeResponsesStream(rel, provider, size);
      // Every event in order, named by its payload type, payload and raw text untouched, no [DONE].
      expect(events.map((event) => (event.kind === 'chunk' ? event.event : event.kind))).toEqual(recordedTypes);
      expect(events.map((event) => (event.kind === 'chunk' ? event.chunk : event))).toEqual(recorded);
      expect(events.map((event) => (event.kind === 'chunk' ? event.rawText : ''))).toEqual(readJsonlLines(rel));

      expect(completedResponses(events).map(responseOutcome)).toEqual(completed);
    }
  });

  it('streamed text and argument deltas add up to what response.completed reports', async () => {
    const text = await decodeResponsesStream('openai/responses/openai-issue-11239.2.chunks.txt', 'openai', 1);
    expect(deltasOf(text, 'response.output_text.delta')).toBe('Verification code for issue-11239 is blue-42.');

    const tool = await decodeResponsesStream('azure/azure-tool-call.1.chunks.txt', 'azure', 7);
    const args = deltasOf(tool, 'response.function_call_arguments.delta');
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco' });
    const done = tool.find((event) => event.kind === 'chunk' && event.event === 'response.function_call_arguments.done');
    expect(done?.kind === 'chunk' && done.chunk['arguments']).toBe(args);
  });

  it("an error inside an open stream reaches the client as the provider's error and response.failed events", async () => {
    const rel = 'openai/responses/openai-error.1.chunks.txt';
    for (const size of PIECE_SIZES) {
      const events = await decodeResponsesStream(rel, 'openai', size);
      expect(events.map((event) => (event.kind === 'chunk' ? event.event : event.kind))).toEqual([
        'response.created',
        'response.in_progress',
        'error',
        'response.failed',
      ]);
      const error = events[2];
      expect(error?.kind === 'chunk' && error.chunk['error']).toEqual({
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        param: null,
      });
      const failed = events[3];
      expect(failed?.kind === 'chunk' && asRecord(failed.chunk['response'], 'failed')['status']).toBe('failed');
    }
  });

  it('takes the event name from the payload type even when the event: line is missing', async () => {
    const rel = 'openai/responses/openai-pdf-input-file.1.chunks.txt';
    const { adapter, call } = configuredProvider('openai');
    const dataOnlyWire = readJsonlLines(rel)
      .map((line) => `data: ${line}\n\n`)
      .join('');
    const events = await decodeWire(dataOnlyWire, () => adapter.streamDecoder('responses', call('responses', 'gpt-4.1-nano')), 7);
    expect(events.map((event) => (event.kind === 'chunk' ? event.event : event.kind))).toEqual(
      readJsonlEvents(rel).map((event) => asRecord(event, rel)['type']),
    );
  });
});

interface BodyCase {
  rel: string;
  provider: string;
  outcome: ResponseOutcome;
}

const BODIES: BodyCase[] = [
  {
    rel: 'openai/responses/openai-pdf-input-file.1.json',
    provider: 'openai',
    outcome: { status: 'completed', text: 'Dummy PDF file', functionCalls: [], usage: usage(44, 4, 48, 0, 0) },
  },
  {
    rel: 'openai/responses/issue-6454-root-definitions-success.json',
    provider: 'openai',
    outcome: { status: 'completed', text: '{"elements":[{"shared":"works"}]}', functionCalls: [], usage: usage(68, 10, 78, 0, 0) },
  },
  {
    rel: 'openai/responses/issue-7082-o3-optional-tool-parameters.json',
    provider: 'openai',
    outcome: {
      status: 'completed',
      text: '',
      functionCalls: [
        {
          callId: 'call_TXveU5dZ1lW6uhMbjhUIE9Gq',
          name: 'semantic_scholar_search',
          arguments: { query: 'machine learning', limit: 10, offset: 0, year: 0 },
        },
      ],
      usage: usage(114, 284, 398, 0, 192),
    },
  },
  {
    rel: 'openai/responses/issue-8190-web-search-preview-custom-name.1.json',
    provider: 'openai',
    outcome: { status: 'completed', text: 'AI SDK ([ai-sdk.dev](https://ai-sdk.dev/))', functionCalls: [], usage: usage(12733, 684, 13417, 3584, 576) },
  },
  {
    rel: 'openai/responses/openai-reasoning-encrypted-content.1.json',
    provider: 'openai',
    outcome: {
      status: 'completed',
      text: '12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570',
      functionCalls: [],
      usage: usage(865, 163, 1028, 0, 128),
    },
  },
  {
    rel: 'azure/azure-text.1.json',
    provider: 'azure',
    outcome: { status: 'completed', text: 'Word', functionCalls: [], usage: usage(11, 11, 22, 0, 0) },
  },
  {
    rel: 'azure/azure-tool-call.1.json',
    provider: 'azure',
    outcome: {
      status: 'completed',
      text: '',
      functionCalls: [{ callId: 'call_YunNGbIwdVJ2i0y0Mybva4Pw', name: 'weather', arguments: { location: 'San Francisco' } }],
      usage: usage(45, 24, 69, 0, 0),
    },
  },
  {
    rel: 'xai/responses/issue-17936-generate.json',
    provider: 'xai',
    outcome: { status: 'completed', text: 'hello', functionCalls: [], usage: usage(197, 111, 308, 128, 110) },
  },
  {
    rel: 'xai/responses/xai-web-search-tool.1.json',
    provider: 'xai',
    outcome: {
      status: 'completed',
      text: expect.stringMatching(/^xAI is an American artificial intelligence company founded by Elon Musk in July 2023\./),
      functionCalls: [],
      usage: usage(1941, 583, 2524, 947, 380),
    },
  },
];

describe('non-streaming Responses bodies pass through whole', () => {
  it.each(BODIES)('$rel', ({ rel, provider, outcome }) => {
    const { adapter, call } = configuredProvider(provider);
    const decoded = adapter.decodeResponse('responses', readJsonBody(rel), call('responses', 'recorded-model'));
    expect(decoded).toEqual(readJsonBody(rel));
    expect(responseOutcome(decoded)).toEqual(outcome);
  });
});
