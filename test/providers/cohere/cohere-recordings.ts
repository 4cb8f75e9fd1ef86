/**
 * The Cohere recordings in test/fixtures/cohere, and what each one says a client should end up
 * with, read straight from the native bodies and events (an independent fold, not the code under test).
 */
import { isRecord, readJsonBody, readJsonlEvents, sseWireBody } from '../../support/fixtures.js';
import type { ChatOutcome, ToolCallOutcome } from '../stream-reassembly.js';

/** OpenAI finish reasons for the Cohere finish reasons the recordings hold. */
const FINISH_FOR_COHERE: Readonly<Record<string, string>> = {
  COMPLETE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
};

/** Non-streaming `/v2/chat` bodies. */
export const JSON_BODIES: readonly string[] = [
  'cohere/cohere-citations.json',
  'cohere/cohere-max-tokens.json',
  'cohere/cohere-null-args.json',
  'cohere/cohere-reasoning.json',
  'cohere/cohere-text.json',
  'cohere/cohere-tool-call.json',
];

/** Streams saved one event per line (wire: `event: <type>` + `data: <line>`). */
export const STREAMS: readonly string[] = [
  'cohere/cohere-empty-tool-call.chunks.txt',
  'cohere/cohere-reasoning.chunks.txt',
  'cohere/cohere-text.chunks.txt',
  'cohere/cohere-tool-call.chunks.txt',
];

export function asObject(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** Cohere's `tokens` are what the model read and wrote; `cached_tokens` the prompt-cache hits; `billed_units` what is charged. */
function usageOf(usage: Record<string, unknown>): Record<string, unknown> {
  const tokens = asObject(usage['tokens']);
  const prompt = Number(tokens['input_tokens']);
  const completion = Number(tokens['output_tokens']);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage['cached_tokens'] },
    billed_units: usage['billed_units'],
  };
}

/** A call without arguments (`""` or `"null"` on the wire) is `{}` to an OpenAI client. */
function argumentsOf(raw: string): string {
  return raw === '' || raw === 'null' ? '{}' : raw;
}

export function outcomeOfBody(rel: string): ChatOutcome {
  const body = asObject(readJsonBody(rel));
  const message = asObject(body['message']);
  const blocks = Array.isArray(message['content']) ? message['content'].map(asObject) : [];
  const text = blocks
    .filter((b) => b['type'] === 'text')
    .map((b) => String(b['text']))
    .join('');
  const thinking = blocks
    .filter((b) => b['type'] === 'thinking')
    .map((b) => String(b['thinking']))
    .join('');
  const reasoning = thinking + (typeof message['tool_plan'] === 'string' ? message['tool_plan'] : '');
  const toolCalls: ToolCallOutcome[] = (Array.isArray(message['tool_calls']) ? message['tool_calls'] : []).map((raw: unknown) => {
    const call = asObject(raw);
    const fn = asObject(call['function']);
    return { id: String(call['id']), name: String(fn['name']), arguments: argumentsOf(String(fn['arguments'])) };
  });
  return {
    content: text || (toolCalls.length > 0 ? null : ''),
    reasoning: reasoning || null,
    toolCalls,
    finishReason: FINISH_FOR_COHERE[String(body['finish_reason'])] ?? null,
    usage: usageOf(asObject(body['usage'])),
  };
}

export interface RecordedStream {
  file: string;
  wire: string;
  events: Record<string, unknown>[];
}

export function recordedStreams(): RecordedStream[] {
  return STREAMS.map((file) => ({ file, wire: sseWireBody(file, 'named-events'), events: readJsonlEvents(file).map(asObject) }));
}

export function outcomeOfStream(events: readonly Record<string, unknown>[]): ChatOutcome {
  let content: string | null = null;
  let reasoning: string | null = null;
  const calls = new Map<number, ToolCallOutcome>();
  let finishReason: string | null = null;
  let usage: Record<string, unknown> | null = null;
  for (const event of events) {
    const message = asObject(asObject(event['delta'])['message']);
    const piece = asObject(message['content']);
    if (event['type'] === 'content-delta' && typeof piece['text'] === 'string') content = (content ?? '') + piece['text'];
    if (event['type'] === 'content-delta' && typeof piece['thinking'] === 'string') reasoning = (reasoning ?? '') + piece['thinking'];
    if (event['type'] === 'tool-plan-delta') reasoning = (reasoning ?? '') + String(message['tool_plan']);
    const call = asObject(message['tool_calls']);
    const fn = asObject(call['function']);
    const index = Number(event['index']);
    if (event['type'] === 'tool-call-start') calls.set(index, { id: String(call['id']), name: String(fn['name']), arguments: String(fn['arguments'] ?? '') });
    if (event['type'] === 'tool-call-delta') calls.get(index)!.arguments += String(fn['arguments']);
    if (event['type'] === 'message-end') {
      const delta = asObject(event['delta']);
      finishReason = FINISH_FOR_COHERE[String(delta['finish_reason'])] ?? null;
      usage = usageOf(asObject(delta['usage']));
    }
  }
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => ({ ...c, arguments: argumentsOf(c.arguments) }));
  // Like OpenAI, the first chunk says `content: ""`, so a stream without text leaves the client with "".
  return { content: content ?? '', reasoning, toolCalls, finishReason, usage };
}
