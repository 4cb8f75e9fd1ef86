/**
 * The Anthropic recordings in test/fixtures/anthropic, and what each one says a client should
 * end up with, read straight from the native events (an independent fold, not the decoder under test).
 */
import { isRecord, readJsonBody, readJsonlEvents, readVcr, sseWireBody } from '../../support/fixtures.js';
import type { ChatOutcome, ToolCallOutcome } from '../stream-reassembly.js';

/** OpenAI finish reasons for the stop reasons the recordings hold. */
const FINISH_FOR_STOP: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
};

export const REDACTED_STREAM = 'anthropic/pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.yaml';
export const PARALLEL_TOOLS = 'anthropic/pydantic-ai/test_multiple_parallel_tool_calls.yaml';
export const IMAGE_INPUT = 'anthropic/pydantic-ai/test_image_url_input.yaml';
export const ERROR_BODY = 'anthropic/anthropic-issue-17366-error.json';

/** Streamed recordings saved as one JSON event per line (Anthropic SSE: `event: <type>` + `data:`). */
export const JSONL_STREAMS: readonly string[] = [
  'anthropic/anthropic-clear-thinking.1.chunks.txt',
  'anthropic/anthropic-issue-11719-quoted-tool-input.chunks.txt',
  'anthropic/anthropic-issue-15652-false.chunks.txt',
  'anthropic/anthropic-issue-5942-cache-read.chunks.txt',
  'anthropic/anthropic-issue-5942-cache-write.chunks.txt',
  'anthropic/anthropic-json-output-format.1.chunks.txt',
  'anthropic/anthropic-text.chunks.txt',
  'anthropic/anthropic-tool-no-args.chunks.txt',
];

/** Non-streaming Message bodies. */
export const JSON_MESSAGES: readonly string[] = [
  'anthropic/anthropic-clear-thinking.1.json',
  'anthropic/anthropic-json-output-format.1.json',
  'anthropic/anthropic-text.json',
  'anthropic/anthropic-tool-no-args.json',
];

export interface RecordedStream {
  file: string;
  /** The SSE body as Anthropic sent it (rebuilt for JSONL files, byte-exact for the cassette). */
  wire: string;
  events: Record<string, unknown>[];
}

export function recordedStreams(): RecordedStream[] {
  const fromJsonl = JSONL_STREAMS.map((file) => ({
    file,
    wire: sseWireBody(file, 'named-events'),
    events: readJsonlEvents(file).filter(isRecord),
  }));
  const wire = readVcr(REDACTED_STREAM).interactions[0]?.response.bodyText;
  if (wire === undefined) throw new Error(`${REDACTED_STREAM} has no raw SSE body`);
  return [...fromJsonl, { file: REDACTED_STREAM, wire, events: sseDataEvents(wire) }];
}

/** Every recorded non-streaming Message (JSON bodies and cassette responses). */
export function recordedMessages(): Array<{ file: string; message: Record<string, unknown> }> {
  const fromJson = JSON_MESSAGES.map((file) => ({ file, message: asObject(readJsonBody(file)) }));
  const fromVcr = [IMAGE_INPUT, PARALLEL_TOOLS].flatMap((file) =>
    readVcr(file).interactions.map((interaction, i) => ({ file: `${file}#${i}`, message: asObject(interaction.response.parsedBody) })),
  );
  return [...fromJson, ...fromVcr];
}

function sseDataEvents(wire: string): Record<string, unknown>[] {
  return wire
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => asObject(JSON.parse(line.slice('data: '.length))));
}

/** A recorded reasoning block as a client must be able to send it back. */
export type RecordedReasoning = { type: 'reasoning.text'; text: string; signature: string } | { type: 'reasoning.encrypted'; data: string };

export interface RecordedOutcome extends ChatOutcome {
  reasoningBlocks: RecordedReasoning[];
}

/** What a streamed recording holds: text, thinking (with signatures), tool calls, stop reason and usage. */
export function outcomeOfStreamEvents(events: readonly Record<string, unknown>[]): RecordedOutcome {
  const blocks = new Map<number, Record<string, unknown>>();
  const order: number[] = [];
  let stop: unknown = null;
  let usage: Record<string, unknown> = {};
  for (const event of events) {
    if (event['type'] === 'message_start') usage = { ...asObject(asObject(event['message'])['usage']) };
    if (event['type'] === 'content_block_start') {
      const index = Number(event['index']);
      blocks.set(index, { ...asObject(event['content_block']), partial: '' });
      order.push(index);
    }
    if (event['type'] === 'content_block_delta') {
      const block = blocks.get(Number(event['index']))!;
      const delta = asObject(event['delta']);
      if (delta['type'] === 'text_delta') block['text'] = String(block['text']) + String(delta['text']);
      if (delta['type'] === 'thinking_delta') block['thinking'] = String(block['thinking']) + String(delta['thinking']);
      if (delta['type'] === 'signature_delta') block['signature'] = delta['signature'];
      if (delta['type'] === 'input_json_delta') block['partial'] = String(block['partial']) + String(delta['partial_json']);
    }
    if (event['type'] === 'message_delta') {
      stop = asObject(event['delta'])['stop_reason'];
      for (const [name, value] of Object.entries(asObject(event['usage']))) if (value !== null) usage[name] = value;
    }
  }
  const content = order.map((i) => blocks.get(i)!).map((block) => (block['type'] === 'tool_use' ? { ...block, input: block['partial'] || '{}' } : block));
  return outcomeOfBlocks(content, stop, usage, (input) => String(input));
}

/** What a non-streaming Message holds. */
export function outcomeOfMessage(message: Record<string, unknown>): RecordedOutcome {
  const content = Array.isArray(message['content']) ? message['content'].filter(isRecord) : [];
  return outcomeOfBlocks(content, message['stop_reason'], asObject(message['usage']), (input) => JSON.stringify(input));
}

function outcomeOfBlocks(
  content: readonly Record<string, unknown>[],
  stop: unknown,
  usage: Record<string, unknown>,
  argumentsOf: (input: unknown) => string,
): RecordedOutcome {
  const texts = content.filter((b) => b['type'] === 'text').map((b) => String(b['text']));
  const thinking = content.filter((b) => b['type'] === 'thinking').map((b) => String(b['thinking']));
  const toolCalls: ToolCallOutcome[] = content
    .filter((b) => b['type'] === 'tool_use')
    .map((b) => ({ id: String(b['id']), name: String(b['name']), arguments: argumentsOf(b['input']) }));
  const reasoningBlocks = content.flatMap((b): RecordedReasoning[] => {
    if (b['type'] === 'thinking') return [{ type: 'reasoning.text', text: String(b['thinking']), signature: String(b['signature']) }];
    if (b['type'] === 'redacted_thinking') return [{ type: 'reasoning.encrypted', data: String(b['data']) }];
    return [];
  });
  const cacheRead = Number(usage['cache_read_input_tokens'] ?? 0);
  const cacheWrite = Number(usage['cache_creation_input_tokens'] ?? 0);
  const prompt = Number(usage['input_tokens']) + cacheRead + cacheWrite;
  const completion = Number(usage['output_tokens']);
  return {
    content: texts.length ? texts.join('') : null,
    reasoning: thinking.length ? thinking.join('') : null,
    toolCalls,
    finishReason: FINISH_FOR_STOP[String(stop)] ?? null,
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
    },
    reasoningBlocks,
  };
}

/** Folds canonical `reasoning_details` (whole, or stream fragments by `index`) into complete blocks. */
export function reasoningBlocksOf(details: readonly Record<string, unknown>[]): RecordedReasoning[] {
  const byIndex = new Map<number, RecordedReasoning>();
  details.forEach((detail, position) => {
    const index = typeof detail['index'] === 'number' ? detail['index'] : position;
    if (detail['type'] === 'reasoning.encrypted') {
      byIndex.set(index, { type: 'reasoning.encrypted', data: String(detail['data']) });
      return;
    }
    const block = byIndex.get(index) ?? { type: 'reasoning.text', text: '', signature: '' };
    if (block.type !== 'reasoning.text') throw new Error(`reasoning detail ${index} changes type`);
    block.text += String(detail['text'] ?? '');
    if (typeof detail['signature'] === 'string') block.signature = detail['signature'];
    byIndex.set(index, block);
  });
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
}

export function asObject(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected an object, got ${JSON.stringify(value)?.slice(0, 120)}`);
  return value;
}
