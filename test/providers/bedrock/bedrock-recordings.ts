/**
 * Shared plumbing for the Bedrock provider tests: the adapter configured like a user configures it,
 * the recorded streams as wire bytes, and an independent fold of native ConverseStream events into
 * what the recording says (the oracle the decoded canonical stream is compared with).
 */
import type { DecodedEvent } from '../../../src/providers/types.js';
import { decodeBedrockEventStream } from '../../../src/providers/bedrock/event-stream.js';
import { decodeEventStream, isRecord, readJsonBody, readJsonlEvents, readVcr } from '../../support/fixtures.js';
import { configuredProvider, type ConfiguredProvider, wireReads } from '../stream-reassembly.js';

export const BEDROCK_MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

export function bedrockProvider(extraKeyConfig: Record<string, unknown> = {}): ConfiguredProvider {
  return configuredProvider('bedrock', {
    keys: [{ name: 'aws', models: ['*'], bedrock_key_config: { access_key: 'AKIDTEST', secret_key: 'secret', region: 'us-east-1', ...extraKeyConfig } }],
  });
}

/** Raw bytes of the live recording wrapped in issue-18994-live-converse-stream.json. */
export function liveConverseStreamBytes(): Buffer {
  const wrapper = readJsonBody('amazon-bedrock/issue-18994-live-converse-stream.json');
  if (!isRecord(wrapper) || !isRecord(wrapper['response']) || typeof wrapper['response']['bodyBase64'] !== 'string') {
    throw new Error('issue-18994 wrapper has no response.bodyBase64');
  }
  return Buffer.from(wrapper['response']['bodyBase64'], 'base64');
}

/** Raw bytes of the pydantic-ai ConverseStream cassette. */
export function vcrConverseStreamBytes(): Buffer {
  const bytes = readVcr('amazon-bedrock/pydantic-ai/test_bedrock_model_stream.yaml').interactions[0]?.response.bodyBytes;
  if (!bytes) throw new Error('cassette has no recorded body bytes');
  return bytes;
}

/** Native events `{<eventType>: payload}` of a JSONL-EVENTSTREAM file or of raw recorded bytes. */
export function nativeEventsOfJsonl(rel: string): Array<[string, Record<string, unknown>]> {
  return readJsonlEvents(rel).map((line) => {
    if (!isRecord(line)) throw new Error(`${rel}: line is not an object`);
    const [entry] = Object.entries(line);
    if (!entry || !isRecord(entry[1])) throw new Error(`${rel}: line without an event`);
    return [entry[0], entry[1]];
  });
}

export function nativeEventsOfBytes(bytes: Buffer): Array<[string, Record<string, unknown>]> {
  return decodeEventStream(bytes).map((m) => [m.headers[':event-type'] ?? '', JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>]);
}

export interface NativeStreamOutcome {
  text: string;
  reasoning: string;
  signature: string | null;
  redacted: string[];
  tools: Array<{ id: string; name: string; input: string }>;
  stopReason: string | null;
  usage: Record<string, unknown> | null;
}

/** What a ConverseStream says, read straight from its native events. */
export function foldNativeStream(events: ReadonlyArray<[string, Record<string, unknown>]>): NativeStreamOutcome {
  const out: NativeStreamOutcome = { text: '', reasoning: '', signature: null, redacted: [], tools: [], stopReason: null, usage: null };
  const toolsByBlock = new Map<unknown, { id: string; name: string; input: string }>();
  for (const [type, payload] of events) {
    if (type === 'contentBlockStart' && isRecord(payload['start']) && isRecord(payload['start']['toolUse'])) {
      const toolUse = payload['start']['toolUse'];
      const tool = { id: String(toolUse['toolUseId']), name: String(toolUse['name']), input: '' };
      toolsByBlock.set(payload['contentBlockIndex'], tool);
      out.tools.push(tool);
    }
    if (type === 'contentBlockDelta' && isRecord(payload['delta'])) {
      const delta = payload['delta'];
      if (typeof delta['text'] === 'string') out.text += delta['text'];
      if (isRecord(delta['toolUse'])) toolsByBlock.get(payload['contentBlockIndex'])!.input += String(delta['toolUse']['input']);
      if (isRecord(delta['reasoningContent'])) {
        const r = delta['reasoningContent'];
        if (typeof r['text'] === 'string') out.reasoning += r['text'];
        if (typeof r['signature'] === 'string') out.signature = r['signature'];
        if (typeof r['redactedContent'] === 'string') out.redacted.push(r['redactedContent']);
      }
    }
    if (type === 'messageStop') out.stopReason = String(payload['stopReason']);
    if (type === 'metadata' && isRecord(payload['usage'])) out.usage = payload['usage'];
  }
  return out;
}

/** Every decoded event of a wire body through the real Bedrock framing, whole or in reads of `pieceSize` bytes. */
export async function decodeBedrockWire(bytes: Buffer, provider: ConfiguredProvider, pieceSize?: number): Promise<DecodedEvent[]> {
  const events: DecodedEvent[] = [];
  const decoder = provider.adapter.streamDecoder('chat', provider.call('chat', BEDROCK_MODEL, { stream: true }));
  for await (const event of decodeBedrockEventStream(wireReads(bytes, pieceSize), decoder)) events.push(event);
  return events;
}

export interface ReasoningDetailOutcome {
  type: string;
  text?: string;
  signature?: string;
  data?: string;
}

/** Canonical `reasoning_details` deltas folded by `index` (texts concatenated, signature and data kept). */
export function foldReasoningDetails(chunks: Iterable<Record<string, unknown>>): ReasoningDetailOutcome[] {
  const byIndex = new Map<number, ReasoningDetailOutcome>();
  for (const chunk of chunks) {
    const choice = Array.isArray(chunk['choices']) && isRecord(chunk['choices'][0]) ? chunk['choices'][0] : undefined;
    const delta = choice && isRecord(choice['delta']) ? choice['delta'] : {};
    const details = Array.isArray(delta['reasoning_details']) ? delta['reasoning_details'].filter(isRecord) : [];
    for (const detail of details) {
      const index = typeof detail['index'] === 'number' ? detail['index'] : 0;
      const folded = byIndex.get(index) ?? { type: String(detail['type']) };
      byIndex.set(index, folded);
      if (typeof detail['text'] === 'string') folded.text = (folded.text ?? '') + detail['text'];
      if (typeof detail['signature'] === 'string') folded.signature = detail['signature'];
      if (typeof detail['data'] === 'string') folded.data = detail['data'];
    }
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, detail]) => detail);
}
