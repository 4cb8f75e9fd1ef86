/**
 * What the hardening tests share: one mock upstream standing in for every provider, a config that
 * points every wire format at it, a raw HTTP sender (no URL normalisation, so `%2e%2e` and `%zz`
 * reach the gateway as written), and the check that decides whether an upstream request was
 * smuggled — sent outside a provider's own paths, with a forged query, or with a forbidden header.
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream.js';
import { replyJson } from '../support/mock-upstream.js';

/** Each forbidden header a test tries to smuggle carries this value, so its arrival upstream is unmistakable. */
export const SMUGGLED = 'smuggled-by-client';

export const KEYS = {
  openai: 'sk-openai-hardening',
  azure: 'azure-hardening',
  anthropic: 'sk-ant-hardening',
  gemini: 'gemini-hardening',
  vertex: 'ya29.vertex-hardening',
  cohere: 'cohere-hardening',
  groq: 'gsk-hardening',
} as const;

/** Every wire format the gateway speaks, each pointed at the one mock. */
export function hostileConfig(mockUrl: string, client: Record<string, unknown> = {}): Record<string, unknown> {
  const net = { base_url: mockUrl, max_retries: 0, default_request_timeout_in_seconds: 5 };
  return {
    client: { max_request_body_size_mb: 4, ...client },
    providers: {
      openai: { keys: [{ name: 'main', value: KEYS.openai, models: ['*'] }], network_config: net },
      groq: { keys: [{ name: 'main', value: KEYS.groq, models: ['*'] }], network_config: net },
      azure: {
        keys: [
          {
            name: 'eastus',
            value: KEYS.azure,
            models: ['*'],
            azure_key_config: { endpoint: mockUrl, deployments: { 'gpt-4o': 'gpt-4o-prod' }, api_version: '2024-10-21' },
          },
        ],
        network_config: net,
      },
      anthropic: { keys: [{ name: 'main', value: KEYS.anthropic, models: ['*'] }], network_config: net },
      gemini: { keys: [{ name: 'main', value: KEYS.gemini, models: ['*'] }], network_config: net },
      vertex: {
        keys: [{ name: 'main', value: KEYS.vertex, models: ['*'], vertex_key_config: { project_id: 'proj', region: 'us-central1' } }],
        network_config: net,
      },
      bedrock: {
        keys: [{ name: 'aws', models: ['*'], bedrock_key_config: { access_key: 'AKIDHARDENING', secret_key: 'secret', region: 'us-east-1' } }],
        network_config: net,
      },
      cohere: { keys: [{ name: 'main', value: KEYS.cohere, models: ['*'] }], network_config: net },
    },
  };
}

/** Chat answers for the chat paths so well-formed requests succeed; everything else is the mock's 404. */
export function answerChats(mock: MockUpstream): void {
  mock.on('POST', /\/chat\/completions$/, (_req, res) =>
    replyJson(res, 200, {
      id: 'chatcmpl-hardening',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  );
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as written: no normalisation of `..` or percent-escapes. */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

/** Sends one request over a fresh connection; rejects on a network failure or after `timeoutMs` without an answer. */
export function sendRaw(baseUrl: string, raw: RawRequest, timeoutMs = 10_000): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const body = raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body, 'utf8');
    const headers: OutgoingHttpHeaders = {
      connection: 'close',
      ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
      ...raw.headers,
    };
    const req = request({ host: hostname, port, method: raw.method, path: raw.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseOrUndefined(text) });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The first path segment of every provider's own API (OpenAI, Azure, Anthropic, Gemini, Vertex, Bedrock, Cohere). */
const PROVIDER_ROOTS = new Set(['v1', 'v2', 'v1beta', 'upload', 'download', 'openai', 'model']);
/** Headers that must never reach a provider from a client. */
const FORBIDDEN_UPSTREAM = ['cookie', 'proxy-authorization', 'te', 'upgrade', 'expect', 'keep-alive', 'trailer', 'x-bf-vk'];

/** Why an upstream request was smuggled, or undefined when it is one the gateway may send. */
export function smuggling(req: RecordedRequest, mockUrl: string): string | undefined {
  const q = req.rawUrl.indexOf('?');
  const rawPath = q === -1 ? req.rawUrl : req.rawUrl.slice(0, q);
  const segments = rawPath.split('/').slice(1);
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return `undecodable path segment '${segment}' in ${req.rawUrl}`;
    }
    if (decoded === '.' || decoded === '..' || segment === '') return `dot or empty segment in ${req.rawUrl}`;
  }
  if (!PROVIDER_ROOTS.has(segments[0] ?? '')) return `path outside every provider's API: ${req.rawUrl}`;
  if (req.query.has('key')) return `query carries key=: ${req.rawUrl}`;
  const host = new URL(mockUrl).host;
  if (req.headers.host !== host) return `host header '${String(req.headers.host)}'`;
  for (const name of FORBIDDEN_UPSTREAM) if (req.headers[name] !== undefined) return `header '${name}' arrived upstream`;
  for (const [name, value] of Object.entries(req.headers)) {
    if (String(value).includes(SMUGGLED)) return `smuggled value arrived upstream in '${name}'`;
  }
  const auth = req.headers.authorization;
  if (auth !== undefined && !Object.values(KEYS).some((k) => auth === `Bearer ${k}`) && !auth.startsWith('AWS4-HMAC-SHA256 ')) {
    return `authorization '${auth}' is not a configured key`;
  }
  return undefined;
}
