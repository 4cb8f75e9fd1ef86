/**
 * Generated hostile input at every surface (bounded in runs and time): path segments, model
 * strings, forwarded header names and values, and arbitrary JSON in place of each body field.
 * Whatever is generated, the gateway answers, never with a 5xx of its own, and nothing it sends
 * upstream leaves the provider's own paths or carries a forbidden header.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { answerChats, hostileConfig, sendRaw, smuggling } from './hostile-setup.js';
import type { RawRequest } from './hostile-setup.js';

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  answerChats(mock);
  gateway = await startTestGateway(hostileConfig(mock.url));
});

afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

/** Each property stops after this many runs or this much time, whichever comes first. */
const RUNS = { numRuns: 120, interruptAfterTimeLimit: 12_000 };

/** Sends one generated request and checks the three promises; true when all hold. */
async function holds(raw: RawRequest): Promise<boolean> {
  const seen = mock.requests.length;
  const reply = await sendRaw(gateway.url, raw, 8_000);
  const gatewayMade = (reply.json as { is_bifrost_error?: unknown } | undefined)?.is_bifrost_error !== false;
  expect(reply.status >= 500 && gatewayMade, `${raw.method} ${raw.path} → ${reply.status} ${reply.text.slice(0, 200)}`).toBe(false);
  for (const upstream of mock.requests.slice(seen)) expect(smuggling(upstream, mock.url), `${raw.method} ${raw.path}`).toBeUndefined();
  return true;
}

/** Any string, percent-encoded byte by byte — sometimes cut mid-escape, sometimes with raw `%`. */
const pathSegment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => encodeURIComponent(s) || 'x'),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%', '%z', '%2', '%E0%A4%A', '.', '..', '%2e', '%2e%2e', '..%2f..', '%2F', '%3F', '%23', '%00', '%0A'),
  fc.stringMatching(/^[A-Za-z0-9._~%-]{1,30}$/),
);

const PARAM_ROUTES: Array<[string, string]> = [
  ['GET', '/v1/files/{x}'],
  ['GET', '/v1/files/{x}/content'],
  ['DELETE', '/v1/files/{x}'],
  ['POST', '/v1/batches/{x}/cancel'],
  ['GET', '/v1/batches/{x}/results'],
  ['GET', '/v1/containers/{x}/files/{x}/content'],
  ['GET', '/v1/responses/{x}/input_items'],
  ['GET', '/v1/async/chat/completions/{x}'],
  ['GET', '/anthropic/v1/messages/batches/{x}/results'],
  ['POST', '/openai/deployments/{x}/chat/completions'],
  ['POST', '/genai/v1beta/models/{x}:generateContent'],
  ['POST', '/bedrock/model/{x}/converse'],
];

const CHAT = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}';
const GENAI = '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}';
const CONVERSE = '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';

describe('generated hostile input', () => {
  it('path segments in every kind of path parameter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PARAM_ROUTES), pathSegment, pathSegment, async ([method, template], a, b) => {
        let n = 0;
        const path = template.replace(/\{x\}/g, () => (n++ === 0 ? a : b));
        const body = path.startsWith('/genai') ? GENAI : path.startsWith('/bedrock') ? CONVERSE : method === 'POST' ? CHAT : undefined;
        return holds({ method, path, ...(body ? { body } : {}) });
      }),
      RUNS,
    );
  });

  it('model strings on every model-carrying surface', async () => {
    const provider = fc.constantFrom('openai', 'gemini', 'vertex', 'bedrock', 'azure', 'anthropic', 'cohere', 'groq', 'nope', '');
    const model = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      fc.constantFrom('../../etc/passwd', 'x?key=attacker#', '..', '.', 'a/../b', '%2e%2e', 'x\u0000y', 'm:generateContent?alt=sse'),
    );
    await fc.assert(
      fc.asyncProperty(
        provider,
        model,
        fc.constantFrom('/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/anthropic/v1/messages', '/cohere/v2/chat', '/v1/responses/input_tokens'),
        async (p, m, path) => {
          const written = p ? `${p}/${m}` : m;
          const body = JSON.stringify({ model: written, messages: [{ role: 'user', content: 'hi' }], input: 'hi', max_tokens: 5, fallbacks: [written] });
          return holds({ method: 'POST', path, body });
        },
      ),
      RUNS,
    );
  });

  it('forwarded header names and values', async () => {
    const name = fc.oneof(
      fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,30}$/),
      fc.constantFrom(
        'host',
        'content-length',
        'transfer-encoding',
        'te',
        'connection',
        'upgrade',
        'expect',
        'proxy-authorization',
        'cookie',
        'authorization',
        'x-api-key',
        'x-amz-date',
        'x-bf-vk',
      ),
    );
    const value = fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes.filter((b) => b === 9 || (b >= 32 && b !== 127))).toString('latin1'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 8 }), async (pairs) => {
        const headers = Object.fromEntries(pairs.map(([n, v]) => [`x-bf-eh-${n}`, v]));
        return holds({ method: 'POST', path: '/v1/chat/completions', body: CHAT, headers });
      }),
      RUNS,
    );
  });

  it('arbitrary JSON in place of each body field, on every surface', async () => {
    const surfaces: Array<[string, Record<string, unknown>]> = [
      ['/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/chat/completions', { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/chat/completions', { model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/chat/completions', { model: 'bedrock/anthropic.claude-3-haiku', messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/chat/completions', { model: 'cohere/command-r', messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/responses', { model: 'anthropic/claude-sonnet-4-5', input: [{ role: 'user', content: 'hi' }] }],
      ['/v1/responses/input_tokens', { model: 'openai/gpt-4o-mini', input: 'hi' }],
      ['/v1/embeddings', { model: 'gemini/text-embedding-004', input: 'hi' }],
      ['/anthropic/v1/messages', { model: 'gemini/gemini-2.5-flash', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], system: 'x', tools: [] }],
      ['/anthropic/v1/messages/count_tokens', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }],
      ['/genai/v1beta/models/anthropic%2Fclaude-sonnet-4-5:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: {} }],
      ['/genai/v1beta/models/gemini-2.5-flash:countTokens', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }],
      ['/bedrock/model/openai%2Fgpt-4o-mini/converse', { messages: [{ role: 'user', content: [{ text: 'hi' }] }], system: [], toolConfig: { tools: [] } }],
      ['/cohere/v2/chat', { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], tools: [] }],
      ['/cohere/v2/embed', { model: 'openai/text-embedding-3-small', texts: ['hi'], input_type: 'search_query' }],
      ['/cohere/v2/rerank', { model: 'cohere/rerank-v3.5', query: 'q', documents: ['a'] }],
    ];
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...surfaces), fc.nat(), anyJson, fc.boolean(), async ([path, base], pick, value, nested) => {
        const fields = Object.keys(base);
        const field = fields[pick % fields.length]!;
        const body: Record<string, unknown> = structuredClone(base);
        // Either the whole field, or the first element's first member inside it (a message's content, a part's text).
        if (nested && Array.isArray(body[field]) && typeof (body[field] as unknown[])[0] === 'object') {
          const first = (body[field] as Array<Record<string, unknown>>)[0]!;
          first[Object.keys(first)[pick % Math.max(1, Object.keys(first).length)] ?? 'x'] = value;
        } else {
          body[field] = value;
        }
        return holds({ method: 'POST', path, body: JSON.stringify(body) });
      }),
      { ...RUNS, numRuns: 300 },
    );
  });
});
