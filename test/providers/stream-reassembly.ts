/**
 * What a client ends up with after a chat completion, read the way an OpenAI SDK reads it:
 * from a non-streaming body, or by folding canonical stream chunks together
 * (content and reasoning deltas concatenated, tool calls merged by `index`,
 * the last `finish_reason`, the last `usage`). Plus the plumbing the converter
 * tests share: feeding an SSE wire through `decodeSseStream` whole or in
 * fixed-size pieces, adapters configured from a Bifrost config.json object,
 * and two small helpers for untyped JSON bodies.
 */
import { buildConfig } from '../../src/load-config.js';
import type { KeySettings, ProviderSettings } from '../../src/config/types.js';
import type { Operation } from '../../src/schema/request-type.js';
import { decodeSseStream } from '../../src/providers/stream.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChunkDecoder, DecodedEvent, ProviderAdapter, ProviderCall } from '../../src/providers/types.js';
import { isRecord } from '../support/fixtures.js';

export interface ToolCallOutcome {
  id: string;
  name: string;
  /** Arguments JSON text exactly as the client would hold it (concatenated across deltas). */
  arguments: string;
}

export interface ChatOutcome {
  content: string | null;
  reasoning: string | null;
  toolCalls: ToolCallOutcome[];
  finishReason: string | null;
  usage: Record<string, unknown> | null;
}

/** The first choice of a non-streaming chat completion. */
export function chatOutcomeOfResponse(response: Record<string, unknown>): ChatOutcome {
  const choice = firstChoice(response);
  const message = isRecord(choice?.['message']) ? choice['message'] : {};
  const toolCalls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
  return {
    content: typeof message['content'] === 'string' ? message['content'] : null,
    reasoning: typeof message['reasoning'] === 'string' ? message['reasoning'] : null,
    toolCalls: toolCalls.filter(isRecord).map((call) => {
      const fn = isRecord(call['function']) ? call['function'] : {};
      return { id: stringOr(call['id'], ''), name: stringOr(fn['name'], ''), arguments: stringOr(fn['arguments'], '') };
    }),
    finishReason: typeof choice?.['finish_reason'] === 'string' ? choice['finish_reason'] : null,
    usage: isRecord(response['usage']) ? response['usage'] : null,
  };
}

/**
 * Folds canonical chat chunks (choice index 0) into what the client ends up with.
 * Only canonical fields are read: `delta.reasoning`, never a provider's own `reasoning_content`.
 */
export function reassembleChatChunks(chunks: Iterable<Record<string, unknown>>): ChatOutcome {
  const outcome: ChatOutcome = { content: null, reasoning: null, toolCalls: [], finishReason: null, usage: null };
  const callsByIndex = new Map<number, ToolCallOutcome>();
  for (const chunk of chunks) {
    if (isRecord(chunk['usage'])) outcome.usage = chunk['usage'];
    const choice = firstChoice(chunk);
    if (!choice) continue;
    if (typeof choice['finish_reason'] === 'string') outcome.finishReason = choice['finish_reason'];
    const delta = isRecord(choice['delta']) ? choice['delta'] : {};
    if (typeof delta['content'] === 'string') outcome.content = (outcome.content ?? '') + delta['content'];
    if (typeof delta['reasoning'] === 'string') outcome.reasoning = (outcome.reasoning ?? '') + delta['reasoning'];
    const deltaCalls = Array.isArray(delta['tool_calls']) ? delta['tool_calls'] : [];
    deltaCalls.filter(isRecord).forEach((part, position) => mergeToolCallDelta(callsByIndex, part, position));
  }
  outcome.toolCalls = [...callsByIndex.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return outcome;
}

/** A later delta of the same call carries only argument text (Mistral even sends `name: ""`). */
function mergeToolCallDelta(calls: Map<number, ToolCallOutcome>, part: Record<string, unknown>, position: number): void {
  const index = typeof part['index'] === 'number' ? part['index'] : position;
  const call = calls.get(index) ?? { id: '', name: '', arguments: '' };
  calls.set(index, call);
  const fn = isRecord(part['function']) ? part['function'] : {};
  if (!call.id && typeof part['id'] === 'string') call.id = part['id'];
  if (!call.name && typeof fn['name'] === 'string') call.name = fn['name'];
  if (typeof fn['arguments'] === 'string') call.arguments += fn['arguments'];
}

function firstChoice(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const choices = Array.isArray(body['choices']) ? body['choices'] : [];
  return choices.filter(isRecord).find((c) => (c['index'] ?? 0) === 0);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** Token counts a client reads from an OpenAI-shaped usage object (absent details stay absent). */
export interface UsageNumbers {
  prompt: unknown;
  completion: unknown;
  total: unknown;
  cached?: unknown;
  reasoning?: unknown;
}

export function usageNumbers(usage: Record<string, unknown> | null): UsageNumbers | null {
  if (!usage) return null;
  const numbers: UsageNumbers = {
    prompt: usage['prompt_tokens'],
    completion: usage['completion_tokens'],
    total: usage['total_tokens'],
  };
  const promptDetails = usage['prompt_tokens_details'];
  if (isRecord(promptDetails) && promptDetails['cached_tokens'] !== undefined) numbers.cached = promptDetails['cached_tokens'];
  const completionDetails = usage['completion_tokens_details'];
  if (isRecord(completionDetails) && completionDetails['reasoning_tokens'] !== undefined) {
    numbers.reasoning = completionDetails['reasoning_tokens'];
  }
  return numbers;
}

// ---------------------------------------------------------------------------
// Feeding a wire body through the real SSE parser
// ---------------------------------------------------------------------------

/** The wire bytes as one read (`pieceSize` undefined) or as reads of `pieceSize` bytes. */
export async function* wireReads(wire: string | Uint8Array, pieceSize?: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'utf8') : wire;
  if (pieceSize === undefined) {
    yield bytes;
    return;
  }
  for (let offset = 0; offset < bytes.length; offset += pieceSize) yield bytes.subarray(offset, offset + pieceSize);
}

/** Every event `decodeSseStream` yields for the wire, with a fresh decoder per run. */
export async function decodeWire(wire: string | Uint8Array, newDecoder: () => ChunkDecoder, pieceSize?: number): Promise<DecodedEvent[]> {
  const events: DecodedEvent[] = [];
  for await (const event of decodeSseStream(wireReads(wire, pieceSize), newDecoder())) events.push(event);
  return events;
}

/** The canonical chunks among decoded events, in order. */
export function chunksOf(events: readonly DecodedEvent[]): Record<string, unknown>[] {
  return events.flatMap((event) => (event.kind === 'chunk' ? [event.chunk] : []));
}

// ---------------------------------------------------------------------------
// Adapters configured the way a user configures them
// ---------------------------------------------------------------------------

export interface ConfiguredProvider {
  settings: ProviderSettings;
  key: KeySettings;
  adapter: ProviderAdapter;
  /** A provider call for this provider's first key. */
  call(op: Operation, model: string, extra?: Partial<ProviderCall>): ProviderCall;
}

const START_OPTIONS = { appDir: '.', port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' } as const;

/** Azure keys are not valid without an endpoint; the other providers need only a value. */
const KEY_EXTRAS: Record<string, Record<string, unknown>> = {
  azure: { azure_key_config: { endpoint: 'https://iris-test.openai.azure.com' } },
};

/**
 * Settings, first key and adapter for `providers.<name>` of a Bifrost config.json object;
 * without `keys`, one test key the provider accepts is configured.
 */
export function configuredProvider(name: string, providerConfig: Record<string, unknown> = {}): ConfiguredProvider {
  const defaultKey = { name: `${name}-key`, value: `sk-${name}-test`, models: ['*'], ...KEY_EXTRAS[name] };
  const withKey = { keys: [defaultKey], ...providerConfig };
  const settings = buildConfig(START_OPTIONS, { providers: { [name]: withKey } }, {}).providers.get(name);
  if (!settings) throw new Error(`provider ${name} missing from the built config`);
  const key = settings.keys[0];
  if (!key) throw new Error(`provider ${name} has no key`);
  return {
    settings,
    key,
    adapter: adapterFor(settings),
    call: (op, model, extra = {}) => ({ op, settings, key, model, stream: false, ...extra }),
  };
}

// ---------------------------------------------------------------------------
// Small assertions on untyped JSON
// ---------------------------------------------------------------------------

/** Narrows a JSON value to an object, or fails naming where it was expected. */
export function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${where}: expected an object`);
  return value;
}

/** Freezes a body all the way down, so any write to it by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
