/**
 * The Gemini / Vertex converters against every real recording under fixtures/google and
 * fixtures/google-vertex (the Interactions API under google/interactions is out of scope):
 * responses decode to the content, reasoning, tool calls, finish reason and usage the recording
 * holds, and every stream fed through the real SSE parser — whole, and in 7-byte pieces —
 * reassembles to the same answer.
 */
import { describe, expect, it } from 'vitest';
import { isRecord, listFixtures, readJsonBody, readVcr, sseWireBody } from '../../support/fixtures.js';
import {
  chatOutcomeOfResponse,
  chunksOf,
  configuredProvider,
  decodeWire,
  reassembleChatChunks,
  usageNumbers,
  type ChatOutcome,
  type UsageNumbers,
} from '../stream-reassembly.js';

const gemini = configuredProvider('gemini');
const PIECE_SIZES = [undefined, 7] as const;

interface Expected {
  content: string | null;
  reasoning?: string | null;
  toolCalls?: Array<{ name: string; arguments: unknown; signature?: string }>;
  finishReason: string;
  usage: UsageNumbers;
  /** Tool call ids derive from the response id: the same response gives the same ids. */
  toolCallIds?: string[];
}

function asSeen(outcome: ChatOutcome): {
  content: string | null;
  reasoning: string | null;
  toolCalls: Array<{ name: string; arguments: unknown }>;
  finishReason: string | null;
  usage: UsageNumbers | null;
} {
  return {
    content: outcome.content,
    reasoning: outcome.reasoning,
    toolCalls: outcome.toolCalls.map((c) => ({ name: c.name, arguments: JSON.parse(c.arguments) as unknown })),
    finishReason: outcome.finishReason,
    usage: usageNumbers(outcome.usage),
  };
}

function expectOutcome(outcome: ChatOutcome, expected: Expected): void {
  expect(asSeen(outcome)).toEqual({
    content: expected.content,
    reasoning: expected.reasoning ?? null,
    toolCalls: (expected.toolCalls ?? []).map(({ name, arguments: args }) => ({ name, arguments: args })),
    finishReason: expected.finishReason,
    usage: expected.usage,
  });
  if (expected.toolCallIds) expect(outcome.toolCalls.map((c) => c.id)).toEqual(expected.toolCallIds);
  expect(new Set(outcome.toolCalls.map((c) => c.id)).size).toBe(outcome.toolCalls.length);
}

/** Thought signatures of the tool calls, read from the response message or the stream deltas. */
function signaturesOf(toolCalls: unknown[]): Array<string | undefined> {
  return toolCalls.map((call) => {
    const extra = isRecord(call) ? call['extra_content'] : undefined;
    const google = isRecord(extra) ? extra['google'] : undefined;
    return isRecord(google) && typeof google['thought_signature'] === 'string' ? google['thought_signature'] : undefined;
  });
}

function streamedSignatures(chunks: Record<string, unknown>[]): Array<string | undefined> {
  const byIndex = new Map<number, string | undefined>();
  for (const chunk of chunks) {
    const choices = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
    for (const choice of choices.filter(isRecord)) {
      const delta = isRecord(choice['delta']) ? choice['delta'] : {};
      const calls = Array.isArray(delta['tool_calls']) ? delta['tool_calls'].filter(isRecord) : [];
      for (const call of calls) {
        const index = Number(call['index']);
        const [signature] = signaturesOf([call]);
        if (!byIndex.has(index) || signature) byIndex.set(index, signature ?? byIndex.get(index));
      }
    }
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
}

function decodeJson(native: unknown): Record<string, unknown> {
  return gemini.adapter.decodeResponse('chat', native, gemini.call('chat', 'gemini-test'));
}

async function decodeStream(wire: string, pieceSize?: number): Promise<Record<string, unknown>[]> {
  const events = await decodeWire(wire, () => gemini.adapter.streamDecoder('chat', gemini.call('chat', 'gemini-test', { stream: true })), pieceSize);
  expect(events.filter((e) => e.kind === 'error')).toEqual([]);
  return chunksOf(events);
}

function vcrWire(rel: string, interaction: number): string {
  const text = readVcr(rel).interactions[interaction]?.response.bodyText;
  if (text === undefined) throw new Error(`${rel}#${interaction}: no raw body`);
  return text;
}

function vcrJson(rel: string, interaction = 0): unknown {
  const parsed = readVcr(rel).interactions[interaction]?.response.parsedBody;
  if (parsed === undefined) throw new Error(`${rel}#${interaction}: no parsed_body`);
  return parsed;
}

/** What the recording's SSE events hold, read without the converter: answer text and thought text. */
function recordedTexts(wire: string): { content: string; reasoning: string } {
  let content = '';
  let reasoning = '';
  for (const block of wire.split(/\r\n\r\n|\n\n/)) {
    if (!block.startsWith('data:')) continue;
    const event = JSON.parse(block.slice(5)) as { candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }> };
    for (const part of event.candidates?.[0]?.content?.parts ?? []) {
      if (part.thought) reasoning += part.text ?? '';
      else content += part.text ?? '';
    }
  }
  return { content, reasoning };
}

const TEXT = "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.";
const REASONING_TEXT = 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.';
const GEMMA_THOUGHTS =
  '*   User input: "Reply with exactly: hello"\n    *   Constraint: The response must be "exactly: hello".\n    *   Goal: Comply with the specific instruction.\n\n    *   The user wants a single word: "hello".\n\n    *   Input: "Reply with exactly: hello"\n    *   Output: "hello"';
const VERTEX_THOUGHT =
  '**Processing User Requests**\n\nI\'ve started by understanding the user\'s instructions. Currently, I\'m focusing on the initial steps: reading the specified theme using the appropriate tool. Next, I plan to tackle reading the screens, beginning with screen "A," then proceeding with "B" and "C" in parallel as instructed.\n\n\n';
const LASAGNA = {
  recipe: {
    ingredients: [
      { amount: '16 oz', name: 'Lasagna noodles' },
      { amount: '1 lb', name: 'Ground beef' },
      { amount: '15 oz', name: 'Ricotta cheese' },
      { amount: '3 cups', name: 'Mozzarella cheese' },
      { amount: '1/2 cup', name: 'Parmesan cheese' },
      { amount: '24 oz', name: 'Tomato sauce' },
      { amount: '1', name: 'Egg' },
      { amount: '2 cloves', name: 'Garlic' },
      { amount: '1 tsp', name: 'Salt' },
      { amount: '1/2 tsp', name: 'Pepper' },
    ],
    name: 'Lasagna',
    steps: [
      'Preheat oven to 375°F (190°C).',
      'Cook lasagna noodles according to package directions, drain and set aside.',
      'Brown ground beef with minced garlic in a skillet. Drain fat and stir in tomato sauce. Simmer for 10 minutes.',
      'In a bowl, mix ricotta cheese, egg, salt, pepper, and Parmesan cheese.',
      'In a 9x13 baking dish, spread a thin layer of meat sauce.',
      'Layer noodles, ricotta mixture, mozzarella, and meat sauce. Repeat.',
      'Top with remaining mozzarella cheese.',
      'Cover with foil and bake for 25 minutes.',
      'Remove foil and bake for another 25 minutes until golden.',
      'Let stand for 15 minutes before serving.',
    ],
  },
};

const SIG_TOOL_JSON = 'EskgCsYgAb4+9vtF7/499YQS2bjZs3xcQI+iAl+ILn29nK1j0Kg6su7QsUUUk3nrAAfnS2w5WiVvlcCqu9fAebJ2cvfaEyBahEt5';

/** Non-streaming recordings: a JSON body, or a cassette's parsed_body. */
const RESPONSES: Array<{ file: string; load: () => unknown; expected: Expected; signatures?: Array<string | undefined> }> = [
  {
    file: 'google/google-text.json',
    load: () => readJsonBody('google/google-text.json'),
    expected: { content: TEXT, finishReason: 'stop', usage: { prompt: 9, completion: 28 + 244, total: 281, reasoning: 244 } },
  },
  {
    file: 'google/google-tool-call.json',
    load: () => readJsonBody('google/google-tool-call.json'),
    expected: {
      content: null,
      toolCalls: [{ name: 'weather', arguments: { location: 'San Francisco' } }],
      toolCallIds: ['call_m36LaZGyCLz1xs0PtNSB-QU_0'],
      finishReason: 'tool_calls',
      usage: { prompt: 29, completion: 15 + 893, total: 937, reasoning: 893 },
    },
    signatures: [SIG_TOOL_JSON],
  },
  {
    file: 'google/google-reasoning.json',
    load: () => readJsonBody('google/google-reasoning.json'),
    expected: { content: REASONING_TEXT, finishReason: 'stop', usage: { prompt: 9, completion: 29 + 282, total: 320, reasoning: 282 } },
  },
  {
    file: 'google/google-response-schema-7689.json',
    load: () => readJsonBody('google/google-response-schema-7689.json'),
    expected: { content: '{"location":"Paris"}', finishReason: 'stop', usage: { prompt: 6, completion: 5 + 40, total: 51, reasoning: 40 } },
  },
  {
    file: 'google/pydantic-ai/test_google_model_max_tokens.yaml',
    load: () => vcrJson('google/pydantic-ai/test_google_model_max_tokens.yaml'),
    expected: { content: 'The capital of France is', finishReason: 'length', usage: { prompt: 15, completion: 5, total: 20 } },
  },
  {
    file: 'google/pydantic-ai/test_google_model_safety_settings.yaml',
    load: () => vcrJson('google/pydantic-ai/test_google_model_safety_settings.yaml'),
    expected: { content: null, finishReason: 'content_filter', usage: { prompt: 14, completion: 0, total: 14 } },
  },
  {
    file: 'google/pydantic-ai/test_google_model_mobile_youtube_video_url_input.yaml',
    load: () => vcrJson('google/pydantic-ai/test_google_model_mobile_youtube_video_url_input.yaml'),
    expected: {
      content:
        'This video demonstrates an AI assistant within a code editor analyzing recent 404 HTTP responses from a logfile database. The AI queries the database, identifies common patterns related to specific endpoints, request types, timeline issues, and authentication problems. Finally, it provides a detailed analysis of these patterns along with actionable recommendations to resolve the identified issues.',
      finishReason: 'stop',
      usage: { prompt: 17713, completion: 68 + 821, total: 18602, cached: 17379, reasoning: 821 },
    },
  },
  {
    file: 'google-vertex/pydantic-ai/test_google_url_input[ImageUrl].yaml',
    load: () => vcrJson('google-vertex/pydantic-ai/test_google_url_input[ImageUrl].yaml'),
    expected: {
      content:
        "The URL's main content is the landing page of Wikipedia, showcasing the available language editions with article counts, a search bar, and links to other Wikimedia projects.",
      finishReason: 'stop',
      usage: { prompt: 2589, completion: 33, total: 2622 },
    },
  },
];

/** Streaming recordings: a JSONL file rebuilt as Gemini SSE, or a cassette's raw SSE bytes. */
const STREAMS: Array<{ file: string; wire: () => string; expected: Expected | (() => Expected); signatures?: Array<string | undefined> }> = [
  {
    file: 'google/google-text.chunks.txt',
    wire: () => sseWireBody('google/google-text.chunks.txt', 'gemini'),
    expected: {
      content: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
      finishReason: 'stop',
      usage: { prompt: 9, completion: 23 + 185, total: 217, reasoning: 185 },
    },
  },
  {
    file: 'google/google-tool-call.chunks.txt',
    wire: () => sseWireBody('google/google-tool-call.chunks.txt', 'gemini'),
    expected: {
      content: null,
      toolCalls: [{ name: 'weather', arguments: { location: 'San Francisco' } }],
      toolCallIds: ['call_b36LacjwM668nsEP2tbsgQQ_0'],
      finishReason: 'tool_calls',
      usage: { prompt: 29, completion: 15 + 45, total: 89, reasoning: 45 },
    },
    signatures: [expect.stringMatching(/^EqUCCqICAb4\+9vsh8Pd5/)],
  },
  {
    file: 'google/google-reasoning.chunks.txt',
    wire: () => sseWireBody('google/google-reasoning.chunks.txt', 'gemini'),
    expected: { content: REASONING_TEXT, finishReason: 'stop', usage: { prompt: 9, completion: 29 + 256, total: 294, reasoning: 256 } },
  },
  {
    file: 'google/gemma-4-output-usage.chunks.txt',
    wire: () => sseWireBody('google/gemma-4-output-usage.chunks.txt', 'gemini'),
    expected: { content: 'hello', reasoning: GEMMA_THOUGHTS, finishReason: 'stop', usage: { prompt: 6, completion: 1 + 76, total: 83, reasoning: 76 } },
  },
  {
    file: 'google/pydantic-ai/test_google_model_stream.yaml',
    wire: () => vcrWire('google/pydantic-ai/test_google_model_stream.yaml', 0),
    expected: { content: 'The capital of France is Paris.\n', finishReason: 'stop', usage: { prompt: 13, completion: 8, total: 21 } },
  },
  {
    file: 'google/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml',
    wire: () => vcrWire('google/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml', 0),
    expected: {
      content: null,
      toolCalls: [{ name: 'get_country', arguments: {} }],
      toolCallIds: ['call_QUVVadTSNJ6_qtsPvN7J8Q0_0'],
      finishReason: 'tool_calls',
      usage: { prompt: 29, completion: 10 + 202, total: 241, reasoning: 202 },
    },
    signatures: [expect.stringMatching(/^EpwICpkIAXLI2nxlU6gsWZaZHRYkX1orzuM8vSUFwaAt1JRxEC2hJzPAcAu3PWaKz7X\+PIyT/)],
  },
  {
    file: 'google/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml#1',
    wire: () => vcrWire('google/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml', 1),
    expected: { content: 'The capital of Mexico is Mexico City.', finishReason: 'stop', usage: { prompt: 257, completion: 8, total: 265 } },
  },
  {
    file: 'google/pydantic-ai/test_google_model_thinking_part_iter.yaml',
    wire: () => vcrWire('google/pydantic-ai/test_google_model_thinking_part_iter.yaml', 0),
    expected: () => {
      const { content, reasoning } = recordedTexts(vcrWire('google/pydantic-ai/test_google_model_thinking_part_iter.yaml', 0));
      expect(reasoning.startsWith('**Clarifying User Goals**')).toBe(true);
      expect(content.startsWith('This is a great question!')).toBe(true);
      return { content, reasoning, finishReason: 'stop', usage: { prompt: 34, completion: 469 + 787, total: 1290, reasoning: 787 } };
    },
  },
  {
    file: 'google-vertex/google-stream-no-args-tool-call.chunks.txt',
    wire: () => sseWireBody('google-vertex/google-stream-no-args-tool-call.chunks.txt', 'gemini'),
    expected: {
      content: null,
      reasoning: VERTEX_THOUGHT,
      toolCalls: [
        { name: 'read_theme', arguments: {} },
        { name: 'read_screen', arguments: { id: 'A' } },
        { name: 'read_screen', arguments: { id: 'B' } },
        { name: 'read_screen', arguments: { id: 'C' } },
      ],
      toolCallIds: [0, 1, 2, 3].map((i) => `call__vr4aYiWEJnYodAPkujX0QM_${i}`),
      finishReason: 'tool_calls',
      usage: { prompt: 249, completion: 58 + 183, total: 490, reasoning: 183 },
    },
    signatures: [expect.stringMatching(/^AY89a18a8\/Loc2wl5oft/), undefined, undefined, undefined],
  },
  {
    file: 'google-vertex/google-stream-tool-call-arguments.chunks.txt',
    wire: () => sseWireBody('google-vertex/google-stream-tool-call-arguments.chunks.txt', 'gemini'),
    expected: {
      content: null,
      toolCalls: [
        { name: 'getWeather', arguments: { location: 'Boston' } },
        { name: 'getWeather', arguments: { location: 'San Francisco' } },
      ],
      finishReason: 'tool_calls',
      usage: { prompt: 26, completion: 23 + 132, total: 181, reasoning: 132 },
    },
    signatures: [expect.stringMatching(/^CiMBjz1rX25KieIB4d4A/), undefined],
  },
  {
    file: 'google-vertex/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt',
    wire: () => sseWireBody('google-vertex/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt', 'gemini'),
    expected: {
      content: null,
      toolCalls: [{ name: 'cookRecipe', arguments: LASAGNA }],
      finishReason: 'tool_calls',
      usage: { prompt: 31, completion: 684 + 1026, total: 1741, reasoning: 1026 },
    },
  },
];

const ERRORS = [
  {
    file: 'google/google-429-retry-info.json',
    status: 429,
    expected: { message: 'You exceeded your current quota, please check your plan.', type: 'RESOURCE_EXHAUSTED', code: '429' },
  },
  {
    file: 'google/issue-8943-gemini-2.5-flash-error.json',
    status: 400,
    expected: { message: 'Penalty is not enabled for models/gemini-2.5-flash', type: 'INVALID_ARGUMENT', code: '400' },
  },
];

describe('every Gemini and Vertex recording is covered', () => {
  it('has a decoding test for each file outside the Interactions API (out of scope)', () => {
    const covered = new Set([...RESPONSES, ...STREAMS, ...ERRORS].map((f) => f.file.replace(/#\d+$/, '')));
    const all = [...listFixtures('google'), ...listFixtures('google-vertex')].filter((f) => !f.startsWith('google/interactions/'));
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });
});

describe('Gemini responses decode to what the recording says', () => {
  for (const { file, load, expected, signatures } of RESPONSES) {
    it(`${file}: content, tool calls, finish reason and usage`, () => {
      const response = decodeJson(load());
      expectOutcome(chatOutcomeOfResponse(response), expected);
      if (signatures) {
        const choices = response['choices'] as Array<{ message: { tool_calls?: unknown[] } }>;
        expect(signaturesOf(choices[0]?.message.tool_calls ?? [])).toEqual(signatures);
      }
    });
  }

  it('a prompt blocked before any candidate (promptFeedback.blockReason) is one choice stopped by content_filter', () => {
    const response = decodeJson({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } });
    expect(chatOutcomeOfResponse(response)).toMatchObject({ content: null, finishReason: 'content_filter' });
  });

  it('every blocking finish reason maps to content_filter, MAX_TOKENS to length', () => {
    for (const reason of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) {
      const response = decodeJson({ candidates: [{ content: { parts: [] }, finishReason: reason }] });
      expect(chatOutcomeOfResponse(response).finishReason, reason).toBe('content_filter');
    }
    expect(chatOutcomeOfResponse(decodeJson({ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'MAX_TOKENS' }] })).finishReason).toBe(
      'length',
    );
  });

  it('thought parts become reasoning with a reasoning.text detail, apart from the answer', () => {
    const response = decodeJson({
      responseId: 'r1',
      candidates: [
        { content: { role: 'model', parts: [{ text: 'thinking…', thought: true, thoughtSignature: 'sig-1' }, { text: 'answer' }] }, finishReason: 'STOP' },
      ],
    });
    const message = (response['choices'] as Array<{ message: Record<string, unknown> }>)[0]!.message;
    expect(message).toMatchObject({
      content: 'answer',
      reasoning: 'thinking…',
      reasoning_details: [{ type: 'reasoning.text', text: 'thinking…', signature: 'sig-1' }],
    });
  });

  it('several candidates become several choices, each with its own tool call ids', () => {
    const response = decodeJson({
      responseId: 'resp',
      candidates: [
        { index: 0, content: { parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] }, finishReason: 'STOP' },
        { index: 1, content: { parts: [{ functionCall: { name: 'f', args: { a: 2 } } }] }, finishReason: 'STOP' },
      ],
    });
    const choices = response['choices'] as Array<{ index: number; message: { tool_calls: Array<{ id: string }> } }>;
    expect(choices.map((c) => c.index)).toEqual([0, 1]);
    expect(choices.map((c) => c.message.tool_calls[0]!.id)).toEqual(['call_resp_0', 'call_resp_1_0']);
  });
});

describe('Gemini streams reassemble to what the recording says, however the bytes arrive', () => {
  for (const { file, wire, expected, signatures } of STREAMS) {
    for (const pieceSize of PIECE_SIZES) {
      it(`${file} (${pieceSize ? `${pieceSize}-byte reads` : 'one read'})`, async () => {
        const chunks = await decodeStream(wire(), pieceSize);
        expectOutcome(reassembleChatChunks(chunks), typeof expected === 'function' ? expected() : expected);
        if (signatures) expect(streamedSignatures(chunks)).toEqual(signatures);
      });
    }
  }

  it('usage and the finish reason arrive once, on the last chunk, as OpenAI include_usage streams do', async () => {
    const chunks = await decodeStream(sseWireBody('google/gemma-4-output-usage.chunks.txt', 'gemini'));
    const withUsage = chunks.filter((c) => c['usage'] !== undefined);
    const withFinish = chunks.filter((c) => (c['choices'] as Array<{ finish_reason: unknown }>).some((ch) => ch.finish_reason !== null));
    expect(withUsage).toEqual([chunks[chunks.length - 1]]);
    expect(withFinish).toEqual([chunks[chunks.length - 1]]);
  });

  it('the same recording gives the same tool call ids streamed and not streamed', async () => {
    const chunks = await decodeStream(sseWireBody('google/google-tool-call.chunks.txt', 'gemini'));
    const streamed = reassembleChatChunks(chunks).toolCalls.map((c) => c.id);
    const lines = sseWireBody('google/google-tool-call.chunks.txt', 'gemini');
    const first = JSON.parse(lines.split('\r\n\r\n')[0]!.slice('data: '.length)) as unknown;
    expect(chatOutcomeOfResponse(decodeJson(first)).toolCalls.map((c) => c.id)).toEqual(streamed);
  });

  it('a prompt blocked before any candidate ends the stream with content_filter (no recording has one)', async () => {
    const wire =
      'data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"responseId":"blk"}\r\n\r\n';
    const outcome = reassembleChatChunks(await decodeStream(wire));
    expect(outcome).toMatchObject({ content: null, finishReason: 'content_filter', usage: { prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 } });
  });

  it('a streamed error event becomes an error with Google’s message and status', async () => {
    const wire = 'data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n';
    const events = await decodeWire(wire, () => gemini.adapter.streamDecoder('chat', gemini.call('chat', 'g', { stream: true })));
    expect(events).toEqual([{ kind: 'error', error: expect.objectContaining({ message: 'The model is overloaded.', type: 'UNAVAILABLE', code: '503' }) }]);
  });
});

describe('Gemini error bodies keep Google’s message, status and code', () => {
  for (const { file, status, expected } of ERRORS) {
    it(file, () => {
      const text = JSON.stringify(readJsonBody(file));
      expect(gemini.adapter.decodeError(status, text)).toMatchObject({ status, ...expected });
    });
  }

  it('a Vertex error wrapped in an array reads the same', () => {
    const text = JSON.stringify([readJsonBody('google/issue-8943-gemini-2.5-flash-error.json')]);
    expect(gemini.adapter.decodeError(400, text)).toMatchObject({ message: 'Penalty is not enabled for models/gemini-2.5-flash', type: 'INVALID_ARGUMENT' });
  });
});
