/**
 * The OpenAI-compatible converters against real recordings (OpenAI, Azure Chat, Groq, xAI,
 * Mistral, DeepSeek, Perplexity): non-streaming bodies decode to what the provider said, and
 * streams fed through the real SSE parser reassemble to the same answer however the bytes arrive.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedEvent } from '../../src/providers/types.js';
import { isRecord, readJsonBody, readJsonlLines, readVcr, sseWireBody, sseWireFromLines } from '../support/fixtures.js';
import {
  asRecord,
  chatOutcomeOfResponse,
  chunksOf,
  configuredProvider,
  decodeWire,
  deepFreeze,
  reassembleChatChunks,
  usageNumbers,
  type ChatOutcome,
  type UsageNumbers,
} from './stream-reassembly.js';

/** What the user should get: parsed tool arguments and token counts instead of raw objects. */
interface ExpectedChat {
  content: string | null;
  reasoning: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: unknown }>;
  finishReason: string;
  usage: UsageNumbers;
}

function asSeenByUser(outcome: ChatOutcome): ExpectedChat {
  return {
    content: outcome.content,
    reasoning: outcome.reasoning,
    toolCalls: outcome.toolCalls.map((call) => ({ ...call, arguments: JSON.parse(call.arguments) as unknown })),
    finishReason: outcome.finishReason ?? '(none)',
    usage: usageNumbers(outcome.usage) ?? { prompt: undefined, completion: undefined, total: undefined },
  };
}

/** First choice's message field of a recorded body, read before any decoding touched it. */
function recordedMessageField(body: unknown, field: string): string {
  const choices = asRecord(body, 'body')['choices'];
  const message = Array.isArray(choices) ? asRecord(choices[0], 'choice')['message'] : undefined;
  const value = asRecord(message, 'message')[field];
  if (typeof value !== 'string') throw new Error(`recorded message has no string ${field}`);
  return value;
}

function vcrResponseJson(rel: string, interaction: number): unknown {
  const parsed = readVcr(rel).interactions[interaction]?.response.parsedBody;
  if (parsed === undefined) throw new Error(`${rel}#${interaction}: no parsed_body`);
  return parsed;
}

function vcrResponseText(rel: string, interaction: number): string {
  const text = readVcr(rel).interactions[interaction]?.response.bodyText;
  if (text === undefined) throw new Error(`${rel}#${interaction}: no body.string`);
  return text;
}

function cachedAttempt(attempt: number): unknown {
  const attempts = asRecord(readJsonBody('openai/chat/openai-chat-cached-input-tokens-11178.json'), 'wrapper')['attempts'];
  return Array.isArray(attempts) ? asRecord(attempts[attempt], 'attempt')['rawResponseBody'] : undefined;
}

const NATIVE_OUTPUT = 'openai/chat/pydantic-ai/test_openai_native_output.yaml';
const IMAGE_TOOL = 'openai/chat/pydantic-ai/test_image_url_tool_response.yaml';
const MISTRAL_CACHE = 'mistral/pydantic-ai/test_mistral_history_uses_prompt_cache.yaml';
const OPENAI_STREAM_CASSETTE = 'openai/chat/pydantic-ai/test_run_stream_sync_streams_real_model.yaml';
const MISTRAL_THINKING_CASSETTE = 'mistral/pydantic-ai/test_mistral_model_thinking_part_iter.yaml';

interface NonStreamingCase {
  name: string;
  provider: string;
  /** A fresh copy of the recorded body each call. */
  load: () => unknown;
  expected: ExpectedChat;
  /** Where Iris rewrites the message, the recorded message is not expected verbatim. */
  messageRewritten?: boolean;
  /** Hand-written opening of a long content or reasoning text taken from the recording. */
  contentStartsWith?: string;
  reasoningStartsWith?: string;
}

const WEATHER_SF = { location: 'San Francisco' };

const NON_STREAMING: NonStreamingCase[] = [
  {
    name: 'openai/chat/openai-text.json',
    provider: 'openai',
    load: () => readJsonBody('openai/chat/openai-text.json'),
    expected: {
      content: recordedMessageField(readJsonBody('openai/chat/openai-text.json'), 'content'),
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 16, completion: 363, total: 379, cached: 0, reasoning: 0 },
    },
    contentStartsWith: '**Holiday Name:** Galaxy Day',
  },
  {
    name: 'openai cached-input-tokens attempt 1 (cold cache)',
    provider: 'openai',
    load: () => cachedAttempt(0),
    expected: {
      content: 'ok',
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 10122, completion: 1, total: 10123, cached: 0, reasoning: 0 },
    },
  },
  {
    name: 'openai cached-input-tokens attempt 2 (9984 cached tokens)',
    provider: 'openai',
    load: () => cachedAttempt(1),
    expected: {
      content: 'ok',
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 10122, completion: 1, total: 10123, cached: 9984, reasoning: 0 },
    },
  },
  {
    name: 'openai native output turn 1 (tool call)',
    provider: 'openai',
    load: () => vcrResponseJson(NATIVE_OUTPUT, 0),
    expected: {
      content: null,
      reasoning: null,
      toolCalls: [{ id: 'call_PkRGedQNRFUzJp2R7dO7avWR', name: 'get_user_country', arguments: {} }],
      finishReason: 'tool_calls',
      usage: { prompt: 71, completion: 12, total: 83, cached: 0, reasoning: 0 },
    },
  },
  {
    name: 'openai native output turn 2 (JSON text)',
    provider: 'openai',
    load: () => vcrResponseJson(NATIVE_OUTPUT, 1),
    expected: {
      content: '{"city":"Mexico City","country":"Mexico"}',
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 92, completion: 15, total: 107, cached: 0, reasoning: 0 },
    },
  },
  {
    name: 'openai image tool turn 1 (tool call)',
    provider: 'openai',
    load: () => vcrResponseJson(IMAGE_TOOL, 0),
    expected: {
      content: null,
      reasoning: null,
      toolCalls: [{ id: 'call_4hrT4QP9jfojtK69vGiFCFjG', name: 'get_image', arguments: {} }],
      finishReason: 'tool_calls',
      usage: { prompt: 46, completion: 11, total: 57, cached: 0, reasoning: 0 },
    },
  },
  {
    name: 'openai image tool turn 2 (answer about the image)',
    provider: 'openai',
    load: () => vcrResponseJson(IMAGE_TOOL, 1),
    expected: {
      content: 'The image shows a potato.',
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 503, completion: 8, total: 511, cached: 0, reasoning: 0 },
    },
  },
  {
    name: 'azure/azure-deepseek-reasoning.1.json (reasoning_content → reasoning)',
    provider: 'azure',
    load: () => readJsonBody('azure/azure-deepseek-reasoning.1.json'),
    expected: {
      content: recordedMessageField(readJsonBody('azure/azure-deepseek-reasoning.1.json'), 'content'),
      reasoning: recordedMessageField(readJsonBody('azure/azure-deepseek-reasoning.1.json'), 'reasoning_content'),
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 19, completion: 1969, total: 1988 },
    },
    contentStartsWith: 'Absolutely! Based on the most recent Knicks game',
    reasoningStartsWith: 'We need to invent a new holiday around the latest Knicks game.',
  },
  {
    name: 'groq/groq-text.json',
    provider: 'groq',
    load: () => readJsonBody('groq/groq-text.json'),
    expected: {
      content: recordedMessageField(readJsonBody('groq/groq-text.json'), 'content'),
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 45, completion: 607, total: 652 },
    },
    contentStartsWith: `I'd like to introduce "Luminaria"`,
  },
  {
    name: 'groq/groq-tool-call.json',
    provider: 'groq',
    load: () => readJsonBody('groq/groq-tool-call.json'),
    expected: {
      content: null,
      reasoning: null,
      toolCalls: [{ id: 'ax9fskhev', name: 'weather', arguments: {} }],
      finishReason: 'tool_calls',
      usage: { prompt: 218, completion: 15, total: 233 },
    },
  },
  {
    name: 'groq/groq-reasoning.json (native reasoning field kept)',
    provider: 'groq',
    load: () => readJsonBody('groq/groq-reasoning.json'),
    expected: {
      content: recordedMessageField(readJsonBody('groq/groq-reasoning.json'), 'content'),
      reasoning: recordedMessageField(readJsonBody('groq/groq-reasoning.json'), 'reasoning'),
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 17, completion: 649, total: 666, reasoning: 570 },
    },
    contentStartsWith: 'The word "strawberry" contains **3** instances',
    reasoningStartsWith: 'Okay, so the user is asking how many times the letter "r" appears',
  },
  {
    name: 'xai/chat/xai-text.json (reasoning_content → reasoning)',
    provider: 'xai',
    load: () => readJsonBody('xai/chat/xai-text.json'),
    expected: {
      content: 'Hello',
      reasoning: recordedMessageField(readJsonBody('xai/chat/xai-text.json'), 'reasoning_content'),
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 12, completion: 1, total: 241, cached: 2, reasoning: 228 },
    },
    reasoningStartsWith: 'First, the user said: "Say a single word."',
  },
  {
    name: 'xai/chat/xai-tool-call.json',
    provider: 'xai',
    load: () => readJsonBody('xai/chat/xai-tool-call.json'),
    expected: {
      content: '',
      reasoning: recordedMessageField(readJsonBody('xai/chat/xai-tool-call.json'), 'reasoning_content'),
      toolCalls: [{ id: 'call_93562515', name: 'weather', arguments: WEATHER_SF }],
      finishReason: 'tool_calls',
      usage: { prompt: 291, completion: 26, total: 506, cached: 244, reasoning: 189 },
    },
    reasoningStartsWith: 'First, the user is asking about the weather in San Francisco.',
  },
  {
    name: 'mistral/mistral-text.json',
    provider: 'mistral',
    load: () => readJsonBody('mistral/mistral-text.json'),
    expected: {
      content: recordedMessageField(readJsonBody('mistral/mistral-text.json'), 'content'),
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 13, completion: 434, total: 447 },
    },
    contentStartsWith: '**Holiday Name: "World Kindness Day of Sharing"**',
  },
  {
    name: 'mistral/mistral-tool-call.json',
    provider: 'mistral',
    load: () => readJsonBody('mistral/mistral-tool-call.json'),
    expected: {
      content: null,
      reasoning: null,
      toolCalls: [{ id: 'gSIMJiOkT', name: 'weather', arguments: WEATHER_SF }],
      finishReason: 'tool_calls',
      usage: { prompt: 124, completion: 22, total: 146 },
    },
  },
  {
    name: 'mistral/mistral-reasoning-history-live.json (thinking array → content + reasoning)',
    provider: 'mistral',
    load: () => readJsonBody('mistral/mistral-reasoning-history-live.json'),
    expected: {
      content: '391',
      reasoning: expect.stringMatching(/^Okay, I need to calculate 17 multiplied by 23\.[\s\S]*340 \+ 51 = 391\n\nSo, 17 \* 23 = 391\.$/),
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 31, completion: 272, total: 303, cached: 0 },
    },
    messageRewritten: true,
  },
  {
    name: 'mistral prompt cache turn 1 (cold)',
    provider: 'mistral',
    load: () => vcrResponseJson(MISTRAL_CACHE, 0),
    expected: {
      content: 'cache probe one.',
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 253, completion: 5, total: 258, cached: 0 },
    },
  },
  {
    name: 'mistral prompt cache turn 2 (224 cached tokens)',
    provider: 'mistral',
    load: () => vcrResponseJson(MISTRAL_CACHE, 1),
    expected: {
      content: 'cache probe two.',
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 268, completion: 5, total: 273, cached: 224 },
    },
  },
  {
    name: 'deepseek/deepseek-text.json (cut off at max tokens)',
    provider: 'deepseek',
    load: () => readJsonBody('deepseek/deepseek-text.json'),
    expected: {
      content: recordedMessageField(readJsonBody('deepseek/deepseek-text.json'), 'content'),
      reasoning: null,
      toolCalls: [],
      finishReason: 'length',
      usage: { prompt: 13, completion: 300, total: 313, cached: 0 },
    },
    contentStartsWith: '## **Holiday Name: Gratitude of Small Things Day (GST Day)**',
  },
  {
    name: 'deepseek/deepseek-reasoning.json (reasoning_content → reasoning)',
    provider: 'deepseek',
    load: () => readJsonBody('deepseek/deepseek-reasoning.json'),
    expected: {
      content: 'The word "strawberry" contains three instances of the letter "r": one after the "t" and two before the "y".',
      reasoning: recordedMessageField(readJsonBody('deepseek/deepseek-reasoning.json'), 'reasoning_content'),
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 18, completion: 345, total: 363, cached: 0, reasoning: 315 },
    },
    reasoningStartsWith: `We are asked: "How many 'r's are in the word 'strawberry'?"`,
  },
  {
    name: 'deepseek/deepseek-tool-call.json',
    provider: 'deepseek',
    load: () => readJsonBody('deepseek/deepseek-tool-call.json'),
    expected: {
      content: '',
      reasoning: recordedMessageField(readJsonBody('deepseek/deepseek-tool-call.json'), 'reasoning_content'),
      toolCalls: [{ id: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo', name: 'weather', arguments: WEATHER_SF }],
      finishReason: 'tool_calls',
      usage: { prompt: 339, completion: 92, total: 431, cached: 320, reasoning: 48 },
    },
    reasoningStartsWith: 'The user is asking for the weather in San Francisco.',
  },
  {
    name: 'deepseek/deepseek-json.json (JSON content)',
    provider: 'deepseek',
    load: () => readJsonBody('deepseek/deepseek-json.json'),
    expected: {
      content: '{\n  "location": "San Francisco",\n  "condition": "cloudy",\n  "temperature": 7\n}',
      reasoning: recordedMessageField(readJsonBody('deepseek/deepseek-json.json'), 'reasoning_content'),
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 495, completion: 144, total: 639, cached: 320, reasoning: 118 },
    },
    reasoningStartsWith: 'I have the result from the weather tool.',
  },
  {
    name: 'perplexity/perplexity-text.json',
    provider: 'perplexity',
    load: () => readJsonBody('perplexity/perplexity-text.json'),
    expected: {
      content: recordedMessageField(readJsonBody('perplexity/perplexity-text.json'), 'content'),
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 11, completion: 392, total: 403 },
    },
    contentStartsWith: '**EcoVista Day** is a new annual holiday',
  },
  {
    name: 'perplexity/perplexity-citations.json',
    provider: 'perplexity',
    load: () => readJsonBody('perplexity/perplexity-citations.json'),
    expected: {
      content: recordedMessageField(readJsonBody('perplexity/perplexity-citations.json'), 'content'),
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
      usage: { prompt: 10, completion: 251, total: 261 },
    },
    contentStartsWith: "The most recent estimates for San Francisco's city population",
  },
];

describe('non-streaming chat recordings decode to what the provider answered', () => {
  it.each(NON_STREAMING)('$name', ({ provider, load, expected, messageRewritten, contentStartsWith, reasoningStartsWith }) => {
    const { adapter, call } = configuredProvider(provider);
    const recorded = asRecord(load(), 'recording');
    const decoded = adapter.decodeResponse('chat', load(), call('chat', 'recorded-model'));

    expect(asSeenByUser(chatOutcomeOfResponse(decoded))).toEqual(expected);
    if (contentStartsWith !== undefined) expect(expected.content?.startsWith(contentStartsWith)).toBe(true);
    if (reasoningStartsWith !== undefined) expect(expected.reasoning?.startsWith(reasoningStartsWith)).toBe(true);

    // Nothing the provider sent is lost (ids, model, provider extras such as citations or x_groq).
    if (messageRewritten) {
      expect({ ...decoded, choices: [] }).toEqual({ ...recorded, choices: [] });
    } else {
      expect(decoded).toMatchObject(recorded);
    }
  });

  it('keeps provider extras a client may read: Perplexity citations, Groq x_groq, DeepSeek cache counters', () => {
    const perplexity = configuredProvider('perplexity');
    const citations = perplexity.adapter.decodeResponse('chat', readJsonBody('perplexity/perplexity-citations.json'), perplexity.call('chat', 'sonar'));
    expect(citations['citations']).toHaveLength(7);
    expect((citations['citations'] as string[])[1]).toBe('https://en.wikipedia.org/wiki/San_Francisco');

    const groq = configuredProvider('groq');
    const groqText = groq.adapter.decodeResponse('chat', readJsonBody('groq/groq-text.json'), groq.call('chat', 'llama-3.3-70b-versatile'));
    expect(groqText['x_groq']).toEqual({ id: 'req_01kh52m3qqem4sw141xf026ehx', seed: 167346302 });

    const deepseek = configuredProvider('deepseek');
    const tool = deepseek.adapter.decodeResponse('chat', readJsonBody('deepseek/deepseek-tool-call.json'), deepseek.call('chat', 'deepseek-reasoner'));
    expect(tool['usage']).toMatchObject({ prompt_cache_hit_tokens: 320, prompt_cache_miss_tokens: 19 });
  });
});

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

interface StreamingCase {
  name: string;
  provider: string;
  wire: () => string;
  /** `data:` payloads of the wire, in order, without `[DONE]`. */
  payloads: () => string[];
  expected: ExpectedChat;
  reasoningStartsWith?: string;
}

function jsonlCase(rel: string, provider: string, expected: ExpectedChat, reasoningStartsWith?: string): StreamingCase {
  return {
    name: rel,
    provider,
    wire: () => sseWireBody(rel, 'openai'),
    payloads: () => readJsonlLines(rel),
    expected,
    ...(reasoningStartsWith !== undefined ? { reasoningStartsWith } : {}),
  };
}

function cassetteCase(rel: string, interaction: number, provider: string, expected: ExpectedChat, reasoningStartsWith?: string): StreamingCase {
  return {
    name: `${rel} #${interaction} (raw wire bytes)`,
    provider,
    wire: () => vcrResponseText(rel, interaction),
    payloads: () =>
      vcrResponseText(rel, interaction)
        .split('\n')
        .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
        .map((line) => line.slice('data: '.length)),
    expected,
    ...(reasoningStartsWith !== undefined ? { reasoningStartsWith } : {}),
  };
}

/** A stream's reasoning as the provider spelled it (`reasoning_content` deltas), to compare with the canonical `reasoning`. */
function recordedReasoningContent(rel: string): string {
  return readJsonlLines(rel)
    .map((line) => asRecord(JSON.parse(line), rel))
    .map((chunk) => {
      const choices = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
      const delta = isRecord(choices[0]) && isRecord(choices[0]['delta']) ? choices[0]['delta'] : {};
      return typeof delta['reasoning_content'] === 'string' ? delta['reasoning_content'] : '';
    })
    .join('');
}

const STREAMING: StreamingCase[] = [
  jsonlCase('openai/chat/issue-15789-step-1.chunks.txt', 'openai', {
    content: 'PRE_TOOL',
    reasoning: null,
    toolCalls: [{ id: 'call_NZa7xqfefoaMI2YYHowVXVlU', name: 'weather', arguments: {} }],
    finishReason: 'tool_calls',
    usage: { prompt: 58, completion: 12, total: 70, cached: 0, reasoning: 0 },
  }),
  jsonlCase('openai/chat/issue-15789-step-2.chunks.txt', 'openai', {
    content: 'POST_TOOL',
    reasoning: null,
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt: 86, completion: 2, total: 88, cached: 0, reasoning: 0 },
  }),
  jsonlCase('azure/azure-model-router.1.chunks.txt', 'azure', {
    content: 'Capital of Denmark.',
    reasoning: null,
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt: 15, completion: 78, total: 93, cached: 0, reasoning: 64 },
  }),
  jsonlCase('groq/groq-tool-call.chunks.txt', 'groq', {
    content: null,
    reasoning: null,
    toolCalls: [{ id: 'tk85n1k4m', name: 'weather', arguments: {} }],
    finishReason: 'tool_calls',
    usage: { prompt: 210, completion: 15, total: 225 },
  }),
  jsonlCase('xai/chat/xai-text.chunks.txt', 'xai', {
    content: 'Hello',
    reasoning: 'First, the user said',
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt: 12, completion: 1, total: 303, cached: 11, reasoning: 290 },
  }),
  jsonlCase('xai/chat/xai-tool-call.chunks.txt', 'xai', {
    content: null,
    reasoning: 'First, the user is',
    toolCalls: [{ id: 'call_55117580', name: 'weather', arguments: WEATHER_SF }],
    finishReason: 'tool_calls',
    usage: { prompt: 291, completion: 26, total: 513, cached: 290, reasoning: 196 },
  }),
  jsonlCase('mistral/mistral-incremental-tool-call.chunks.txt', 'mistral', {
    content: '',
    reasoning: null,
    toolCalls: [{ id: 'chatcmpl-tool-9f149c74c42f265b', name: 'webSearchTool', arguments: { query: 'current Berlin weather' } }],
    finishReason: 'tool_calls',
    usage: { prompt: 171, completion: 14, total: 185, cached: 128 },
  }),
  jsonlCase(
    'deepseek/deepseek-tool-call.chunks.txt',
    'deepseek',
    {
      content: '',
      reasoning: recordedReasoningContent('deepseek/deepseek-tool-call.chunks.txt'),
      toolCalls: [{ id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', arguments: WEATHER_SF }],
      finishReason: 'tool_calls',
      usage: { prompt: 339, completion: 83, total: 422, cached: 320, reasoning: 39 },
    },
    'The user is asking for the weather in San Francisco. I need to use the weather tool',
  ),
  jsonlCase('perplexity/perplexity-citations.chunks.txt', 'perplexity', {
    content: 'The current population of **[2][3]',
    reasoning: null,
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt: 10, completion: 336, total: 346 },
  }),
  cassetteCase(OPENAI_STREAM_CASSETTE, 0, 'openai', {
    content: null,
    reasoning: null,
    toolCalls: [{ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: { country: 'UK' } }],
    finishReason: 'tool_calls',
    usage: { prompt: 53, completion: 15, total: 68, cached: 0, reasoning: 0 },
  }),
  cassetteCase(OPENAI_STREAM_CASSETTE, 1, 'openai', {
    content: 'The capital of the UK is London.',
    reasoning: null,
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt: 78, completion: 9, total: 87, cached: 0, reasoning: 0 },
  }),
  cassetteCase(MISTRAL_THINKING_CASSETTE, 0, 'mistral', {
    content: expect.stringMatching(
      /^To cross the street safely, follow these steps:\n\n1\. Look both ways to check for oncoming traffic\.[\s\S]*By following these steps, you can ensure a safe crossing\.$/,
    ),
    reasoning: expect.stringMatching(
      /^Okay, the user is asking how to cross the street\. I know that crossing the street safely involves a few key steps[\s\S]*Let me compile this information into a clear and concise response\.$/,
    ),
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt: 10, completion: 232, total: 242 },
  }),
];

const PIECE_SIZES = [undefined, 1, 7] as const;

function doneEvents(events: readonly DecodedEvent[]): number {
  return events.filter((event) => event.kind === 'done').length;
}

describe('streaming chat recordings reassemble to what the provider answered', () => {
  it.each(STREAMING)('$name', async ({ provider, wire, payloads, expected, reasoningStartsWith }) => {
    const { adapter, call } = configuredProvider(provider);
    const streamCall = call('chat', 'recorded-model', { stream: true });
    const newDecoder = () => adapter.streamDecoder('chat', streamCall);
    const recordedPayloads = payloads();

    const runs = await Promise.all(PIECE_SIZES.map((size) => decodeWire(wire(), newDecoder, size)));
    const [whole, oneByte, sevenBytes] = runs.map((events) => ({ events, outcome: reassembleChatChunks(chunksOf(events)) }));
    if (!whole || !oneByte || !sevenBytes) throw new Error('missing run');

    expect(asSeenByUser(whole.outcome)).toEqual(expected);
    if (reasoningStartsWith !== undefined) expect(whole.outcome.reasoning?.startsWith(reasoningStartsWith)).toBe(true);
    expect(oneByte.outcome).toEqual(whole.outcome);
    expect(sevenBytes.outcome).toEqual(whole.outcome);

    for (const { events } of [whole, oneByte, sevenBytes]) {
      // One chunk per recorded event, payload text untouched, then exactly one done from `[DONE]`.
      expect(events.filter((event) => event.kind === 'error')).toEqual([]);
      expect(events.map((event) => (event.kind === 'chunk' ? event.rawText : event.kind))).toEqual([...recordedPayloads, 'done']);
      expect(doneEvents(events)).toBe(1);
    }
  });

  it('the final usage equals the last usage object the provider sent, field for field', async () => {
    const rel = 'xai/chat/xai-tool-call.chunks.txt';
    const { adapter, call } = configuredProvider('xai');
    const events = await decodeWire(sseWireBody(rel, 'openai'), () => adapter.streamDecoder('chat', call('chat', 'grok-3-mini')), 7);
    const lastLine = asRecord(JSON.parse(readJsonlLines(rel).at(-1) ?? 'null'), rel);
    expect(reassembleChatChunks(chunksOf(events)).usage).toEqual(lastLine['usage']);
  });

  it('a stream cut before [DONE] yields no done event, so a truncated answer is detectable', async () => {
    const rel = 'openai/chat/issue-15789-step-2.chunks.txt';
    const { adapter, call } = configuredProvider('openai');
    const truncatedWire = readJsonlLines(rel)
      .map((line) => `data: ${line}\n\n`)
      .join('');
    const events = await decodeWire(truncatedWire, () => adapter.streamDecoder('chat', call('chat', 'gpt-4o')), 1);
    expect(doneEvents(events)).toBe(0);
    expect(chunksOf(events)).toHaveLength(readJsonlLines(rel).length);
  });

  it('a final [DONE] whose blank line never came still ends the stream', async () => {
    const rel = 'openai/chat/issue-15789-step-2.chunks.txt';
    const { adapter, call } = configuredProvider('openai');
    const wire = sseWireBody(rel, 'openai').replace(/\n$/, '');
    expect(wire.endsWith('data: [DONE]\n')).toBe(true);
    for (const size of PIECE_SIZES) {
      const events = await decodeWire(wire, () => adapter.streamDecoder('chat', call('chat', 'gpt-4o')), size);
      expect(events.at(-1)).toEqual({ kind: 'done' });
      expect(reassembleChatChunks(chunksOf(events)).content).toBe('POST_TOOL');
    }
  });

  it('multi-byte characters split across reads arrive intact', async () => {
    // A recorded Mistral answer with an emoji (4 bytes) and an em dash (3 bytes), as one streamed delta.
    const text = recordedMessageField(readJsonBody('mistral/mistral-text.json'), 'content');
    expect(text).toMatch(/\u{1F60A}/u);
    const chunk = { id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: 'stop' }] };
    const wire = sseWireFromLines([JSON.stringify(chunk)], 'openai');
    const { adapter, call } = configuredProvider('mistral');
    for (const size of [1, 2, 3, 5]) {
      const events = await decodeWire(wire, () => adapter.streamDecoder('chat', call('chat', 'mistral-small-latest')), size);
      expect(reassembleChatChunks(chunksOf(events)).content).toBe(text);
    }
  });
});

// ---------------------------------------------------------------------------
// Building upstream requests
// ---------------------------------------------------------------------------

const CHAT_BODY = {
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello' }],
  fallbacks: ['groq/llama-3.3-70b-versatile'],
  temperature: 0.2,
  vendor_specific_knob: { level: 3 },
};

describe('OpenAI-compatible upstream requests', () => {
  it.each([
    ['openai', 'https://api.openai.com/v1/chat/completions'],
    ['groq', 'https://api.groq.com/openai/v1/chat/completions'],
    ['perplexity', 'https://api.perplexity.ai/chat/completions'],
    ['deepseek', 'https://api.deepseek.com/v1/chat/completions'],
    ['xai', 'https://api.x.ai/v1/chat/completions'],
    ['mistral', 'https://api.mistral.ai/v1/chat/completions'],
  ])('%s chat goes to %s with a bearer key', (provider, url) => {
    const { adapter, call, key } = configuredProvider(provider);
    const request = adapter.buildRequest(call('chat', 'some-model', { body: CHAT_BODY }));
    expect(request.method).toBe('POST');
    expect(request.url).toBe(url);
    expect(request.headers['authorization']).toBe(`Bearer ${key.value}`);
    expect(request.headers['content-type']).toBe('application/json');
  });

  it('a configured base_url replaces the default origin (trailing slash tolerated)', () => {
    const { adapter, call } = configuredProvider('openai', { network_config: { base_url: 'http://127.0.0.1:9999/' } });
    expect(adapter.buildRequest(call('chat', 'gpt-4o-mini', { body: CHAT_BODY })).url).toBe('http://127.0.0.1:9999/v1/chat/completions');
    expect(adapter.buildRequest(call('embedding', 'text-embedding-3-small', { body: { input: 'x' } })).url).toBe('http://127.0.0.1:9999/v1/embeddings');
    expect(adapter.buildRequest(call('list_models', '')).url).toBe('http://127.0.0.1:9999/v1/models');
  });

  it('a custom OpenAI-family provider hangs /v1 from its base_url', () => {
    const { adapter, call } = configuredProvider('my-llm', {
      custom_provider_config: { base_provider_type: 'openai' },
      network_config: { base_url: 'http://127.0.0.1:8000/api' },
    });
    expect(adapter.buildRequest(call('chat', 'llama', { body: CHAT_BODY })).url).toBe('http://127.0.0.1:8000/api/v1/chat/completions');
  });

  it('sends extra_headers along with the key', () => {
    const { adapter, call, key } = configuredProvider('groq', { network_config: { extra_headers: { 'x-team': 'search', 'x-trace': 'on' } } });
    const headers = adapter.buildRequest(call('chat', 'llama', { body: CHAT_BODY })).headers;
    expect(headers).toMatchObject({ 'x-team': 'search', 'x-trace': 'on', authorization: `Bearer ${key.value}` });
  });

  it('strips gateway-only fields, keeps unknown fields, names the provider model, and leaves the canonical body alone', () => {
    const { adapter, call } = configuredProvider('openai');
    const body = deepFreeze(structuredClone(CHAT_BODY));
    const request = adapter.buildRequest(call('chat', 'gpt-4o-mini', { body }));
    const sent = asRecord(JSON.parse(request.body ?? 'null'), 'sent body');
    expect(sent).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0.2,
      vendor_specific_knob: { level: 3 },
    });
    expect(sent).not.toHaveProperty('fallbacks');
    expect(body).toEqual(CHAT_BODY);
  });

  it('replays the recorded OpenAI request body unchanged apart from the model', () => {
    const recordedRequest = asRecord(readVcr(OPENAI_STREAM_CASSETTE).interactions[1]?.request.json, 'request');
    const { adapter, call } = configuredProvider('openai');
    const request = adapter.buildRequest(call('chat', 'gpt-4o-mini', { body: deepFreeze({ ...recordedRequest, model: 'openai/gpt-4o-mini' }), stream: true }));
    expect(JSON.parse(request.body ?? 'null')).toEqual(recordedRequest);
  });
});
