/**
 * Vertex AI: Gemini's wire under a project and region, authorised by an OAuth2 access token that
 * Iris obtains itself from the key's service account (JWT-bearer grant), caches, and renews.
 * A mock token endpoint verifies the signed assertion with the service account's public key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replyFixtureJson, replyFixtureSse, replyJson, type MockUpstream } from '../../support/mock-upstream.js';
import { chunksOf, configuredProvider, decodeWire, reassembleChatChunks } from '../stream-reassembly.js';
import { useTestbed } from '../../gateway/gateway-harness.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const SERVICE_ACCOUNT = {
  type: 'service_account',
  project_id: 'iris-test',
  private_key_id: 'key-1',
  private_key: privateKey,
  client_email: 'iris@iris-test.iam.gserviceaccount.com',
  token_uri: 'https://oauth2.googleapis.com/token',
};

const PROJECT = 'iris-test';
const REGION = 'us-central1';
const MODEL_PATH = `/v1/projects/${PROJECT}/locations/${REGION}/publishers/google/models/gemini-2.5-flash`;

const testbed = useTestbed();

afterEach(() => {
  vi.useRealTimers();
});

interface TokenEndpoint {
  /** Verified assertion claims, one per token request. */
  claims: Array<Record<string, unknown>>;
}

/** A token endpoint on the mock that checks the JWT-bearer grant and hands out tok-1, tok-2, … */
function serveTokens(mock: MockUpstream, expiresIn = 3600): TokenEndpoint {
  const endpoint: TokenEndpoint = { claims: [] };
  mock.on('POST', '/token', async (req, res) => {
    const form = new URLSearchParams(req.bodyText);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', await importSPKI(publicKey, 'RS256'));
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: 'key-1' });
    endpoint.claims.push(payload);
    replyJson(res, 200, { access_token: `tok-${endpoint.claims.length}`, expires_in: expiresIn, token_type: 'Bearer' });
  });
  return endpoint;
}

function vertexConfig(mock: MockUpstream, keyConfig: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: {
      vertex: {
        keys: [
          {
            name: 'vertex-sa',
            models: ['*'],
            vertex_key_config: {
              project_id: PROJECT,
              region: REGION,
              auth_credentials: JSON.stringify(SERVICE_ACCOUNT),
              token_url: `${mock.url}/token`,
              ...keyConfig,
            },
          },
        ],
        network_config: { base_url: mock.url },
      },
    },
  };
}

async function chat(gatewayUrl: string, stream = false): Promise<Response> {
  return fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'vertex/gemini-2.5-flash', messages: [{ role: 'user', content: 'How many r in strawberry?' }], stream }),
  });
}

function authorizations(mock: MockUpstream): unknown[] {
  return mock.requests.filter((r) => r.path.startsWith('/v1/')).map((r) => r.headers['authorization']);
}

describe('Vertex OAuth from a service account', () => {
  it('signs an RS256 assertion for the cloud-platform scope, sends the token as Bearer, and asks for one token for many calls', async () => {
    const mock = await testbed.mock();
    const tokens = serveTokens(mock);
    mock.on('POST', `${MODEL_PATH}:generateContent`, (_req, res) => replyFixtureJson(res, 'google/google-text.json'));
    const gateway = await testbed.gateway(vertexConfig(mock));

    const before = Math.floor(Date.now() / 1000);
    const answers = await Promise.all([chat(gateway.url), chat(gateway.url), chat(gateway.url)]);
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(((await answers[0].json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toContain('**3**');
    await chat(gateway.url);

    expect(tokens.claims).toHaveLength(1);
    const claims = tokens.claims[0]!;
    expect(claims).toMatchObject({
      iss: SERVICE_ACCOUNT.client_email,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      aud: `${mock.url}/token`,
    });
    expect(Number(claims['iat'])).toBeGreaterThanOrEqual(before - 5);
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(3600);
    expect(authorizations(mock)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
  });

  it('renews the token once it is about to expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const mock = await testbed.mock();
    const tokens = serveTokens(mock);
    mock.on('POST', `${MODEL_PATH}:generateContent`, (_req, res) => replyFixtureJson(res, 'google/google-text.json'));
    const gateway = await testbed.gateway(vertexConfig(mock));

    expect((await chat(gateway.url)).status).toBe(200);
    vi.setSystemTime(Date.now() + 30 * 60_000);
    expect((await chat(gateway.url)).status).toBe(200);
    vi.setSystemTime(Date.now() + 31 * 60_000);
    expect((await chat(gateway.url)).status).toBe(200);

    expect(tokens.claims).toHaveLength(2);
    expect(Number(tokens.claims[1]!['iat']) - Number(tokens.claims[0]!['iat'])).toBeGreaterThanOrEqual(61 * 60);
    expect(authorizations(mock)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });

  it('a token endpoint that refuses the service account is a 401 that says so, and nothing reaches Vertex', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/token', (_req, res) => replyJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }));
    const gateway = await testbed.gateway(vertexConfig(mock));
    const answer = await chat(gateway.url);
    expect(answer.status).toBe(401);
    const body = (await answer.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Invalid JWT Signature.');
    expect(authorizations(mock)).toEqual([]);
  });

  it('streams through Vertex with the same token: tool-call arguments streamed as partialArgs arrive whole', async () => {
    const mock = await testbed.mock();
    serveTokens(mock);
    mock.on('POST', `${MODEL_PATH}:streamGenerateContent`, (req, res) => {
      expect(req.query.get('alt')).toBe('sse');
      return replyFixtureSse(res, 'google-vertex/google-stream-tool-call-arguments.chunks.txt', 'gemini', { splitEvery: 11 });
    });
    const gateway = await testbed.gateway(vertexConfig(mock));
    const answer = await chat(gateway.url, true);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const chunks = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
      .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
    const outcome = reassembleChatChunks(chunks);
    expect(outcome.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ['getWeather', { location: 'Boston' }],
      ['getWeather', { location: 'San Francisco' }],
    ]);
    expect(outcome.finishReason).toBe('tool_calls');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(authorizations(mock)).toEqual(['Bearer tok-1']);
  });
});

describe('Vertex endpoints', () => {
  const vertexKey = (region: string, extra: Record<string, unknown> = {}) => ({
    keys: [{ name: 'v', models: ['*'], vertex_key_config: { project_id: 'proj', region, auth_credentials: JSON.stringify(SERVICE_ACCOUNT), ...extra } }],
  });
  const body = { messages: [{ role: 'user', content: 'hi' }] };

  it('regional and global hosts, generateContent and streamGenerateContent?alt=sse', () => {
    const regional = configuredProvider('vertex', vertexKey('europe-west4'));
    expect(regional.adapter.buildRequest(regional.call('chat', 'gemini-2.5-pro', { body })).url).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1/projects/proj/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent',
    );
    const global = configuredProvider('vertex', vertexKey('global'));
    expect(global.adapter.buildRequest(global.call('chat', 'gemini-2.5-pro', { body, stream: true })).url).toBe(
      'https://aiplatform.googleapis.com/v1/projects/proj/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
  });

  it('a deployment maps a model to a tuned-model endpoint id or another model name', () => {
    const provider = configuredProvider('vertex', vertexKey('us-east5', { deployments: { 'my-tuned': '1234567890', alias: 'gemini-2.0-flash' } }));
    expect(provider.adapter.buildRequest(provider.call('chat', 'my-tuned', { body })).url).toBe(
      'https://us-east5-aiplatform.googleapis.com/v1/projects/proj/locations/us-east5/endpoints/1234567890:generateContent',
    );
    expect(provider.adapter.buildRequest(provider.call('chat', 'alias', { body })).url).toContain('/publishers/google/models/gemini-2.0-flash:generateContent');
  });

  it('embeddings use predict with one instance per text, usage from the token counts', () => {
    const provider = configuredProvider('vertex', vertexKey('us-central1'));
    const call = provider.call('embedding', 'text-embedding-005', { body: { input: ['a', 'b'], dimensions: 4 } });
    const req = provider.adapter.buildRequest(call);
    expect(req.url).toMatch(/\/publishers\/google\/models\/text-embedding-005:predict$/);
    expect(JSON.parse(req.body!)).toEqual({ instances: [{ content: 'a' }, { content: 'b' }], parameters: { outputDimensionality: 4 } });
    const decoded = provider.adapter.decodeResponse(
      'embedding',
      { predictions: [{ embeddings: { values: [1, 2], statistics: { token_count: 3 } } }, { embeddings: { values: [3, 4], statistics: { token_count: 2 } } }] },
      call,
    );
    expect(decoded).toMatchObject({
      data: [
        { index: 0, embedding: [1, 2] },
        { index: 1, embedding: [3, 4] },
      ],
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });

  it('a key without a service account uses its value as the access token', async () => {
    const provider = configuredProvider('vertex', {
      keys: [{ name: 'v', models: ['*'], value: 'ya29.access', vertex_key_config: { project_id: 'p', region: 'global' } }],
    });
    const call = provider.call('chat', 'gemini-2.5-flash', { body });
    const authorized = await provider.adapter.authorize!(provider.adapter.buildRequest(call), call);
    expect(authorized.headers['authorization']).toBe('Bearer ya29.access');
  });

  it('decodes Vertex streams with the Gemini decoder (thought parts and parallel calls)', async () => {
    const provider = configuredProvider('vertex', vertexKey('global'));
    const { sseWireBody } = await import('../../support/fixtures.js');
    const events = await decodeWire(sseWireBody('google-vertex/google-stream-no-args-tool-call.chunks.txt', 'gemini'), () =>
      provider.adapter.streamDecoder('chat', provider.call('chat', 'gemini-3-flash-preview', { stream: true })),
    );
    const outcome = reassembleChatChunks(chunksOf(events));
    expect(outcome.toolCalls.map((c) => c.name)).toEqual(['read_theme', 'read_screen', 'read_screen', 'read_screen']);
    expect(outcome.reasoning).toMatch(/^\*\*Processing User Requests\*\*/);
  });
});

describe('Claude on Vertex (the Anthropic publisher)', () => {
  const CLAUDE = 'claude-sonnet-4-5@20250929';
  const CLAUDE_PATH = `/v1/projects/${PROJECT}/locations/${REGION}/publishers/anthropic/models/${CLAUDE}`;

  it('sends an Anthropic Messages body with anthropic_version and no model to rawPredict', () => {
    const provider = configuredProvider('vertex', {
      keys: [{ name: 'v', models: ['*'], vertex_key_config: { project_id: PROJECT, region: REGION, auth_credentials: JSON.stringify(SERVICE_ACCOUNT) } }],
    });
    const body = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 100,
      temperature: 0.2,
    };
    const req = provider.adapter.buildRequest(provider.call('chat', CLAUDE, { body }));
    expect(req.url).toBe(`https://${REGION}-aiplatform.googleapis.com${CLAUDE_PATH}:rawPredict`);
    const sent = JSON.parse(req.body!) as Record<string, unknown>;
    expect(sent).toMatchObject({ anthropic_version: 'vertex-2023-10-16', max_tokens: 100, temperature: 0.2, messages: [{ role: 'user' }] });
    expect(sent['model']).toBeUndefined();
    const streamed = provider.adapter.buildRequest(provider.call('chat', CLAUDE, { body, stream: true }));
    expect(streamed.url).toBe(`https://${REGION}-aiplatform.googleapis.com${CLAUDE_PATH}:streamRawPredict`);
    expect(JSON.parse(streamed.body!)).toMatchObject({ stream: true });
  });

  it('answers OpenAI-shaped, streamed and not, from Anthropic recordings served by Vertex', async () => {
    const mock = await testbed.mock();
    serveTokens(mock);
    mock.on('POST', `${CLAUDE_PATH}:rawPredict`, (_req, res) => replyFixtureJson(res, 'anthropic/anthropic-text.json'));
    mock.on('POST', `${CLAUDE_PATH}:streamRawPredict`, (_req, res) => replyFixtureSse(res, 'anthropic/anthropic-text.chunks.txt', 'named-events'));
    const gateway = await testbed.gateway(vertexConfig(mock));
    const ask = (stream: boolean): Promise<Response> =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: `vertex/${CLAUDE}`, messages: [{ role: 'user', content: 'Hello, how are you?' }], max_tokens: 200, stream }),
      });
    const json = (await (await ask(false)).json()) as {
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number };
    };
    expect(json.choices[0]).toMatchObject({ message: { content: expect.stringMatching(/^Hello! I'm doing well/) }, finish_reason: 'stop' });
    expect(json.usage.prompt_tokens).toBe(12);
    const text = await (await ask(true)).text();
    const chunks = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
      .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
    expect(reassembleChatChunks(chunks)).toMatchObject({
      content: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
      finishReason: 'stop',
    });
    expect(authorizations(mock)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });
});
