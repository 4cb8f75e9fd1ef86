/**
 * Cohere embeddings and rerank through the provider: what `/v2/embed` and `/v2/rerank` receive, and
 * the OpenAI-shaped embedding list / Bifrost-shaped rerank result a caller gets back.
 */
import { describe, expect, it } from 'vitest';
import { GatewayFailure } from '../../../src/schema/error.js';
import { configuredProvider } from '../stream-reassembly.js';

const cohere = configuredProvider('cohere', { network_config: { base_url: 'http://cohere.test' } });

/** Float32-exact numbers, so a base64 round trip gives them back unchanged. */
const VECTORS = [
  [0.5, -0.25, 3.75],
  [Math.fround(0.1), 0, -1],
];

const EMBED_RESPONSE = {
  id: 'b1f2b7c1-6a7e-4f0e-9d7a-1c2f3e4d5a6b',
  embeddings: { float: VECTORS },
  texts: ['hello', 'goodbye'],
  meta: { api_version: { version: '2' }, billed_units: { input_tokens: 2 } },
  response_type: 'embeddings_by_type',
};

const RERANK_RESPONSE = {
  id: '07734bd2-2473-4f07-94e1-0d9f0e6843cf',
  results: [
    { index: 2, relevance_score: 0.999071 },
    { index: 0, relevance_score: 0.32713068 },
    { index: 1, relevance_score: 0.7867867 },
  ],
  meta: { api_version: { version: '2', is_experimental: false }, billed_units: { search_units: 1 } },
};

const DOCUMENTS = [
  'Carson City is the capital of Nevada.',
  { text: 'Saipan is the capital of the Northern Mariana Islands.' },
  'Washington, D.C. is the capital of the United States.',
];

function embedCall(body: Record<string, unknown>) {
  return cohere.call('embedding', 'embed-v4.0', { body: { model: 'cohere/embed-v4.0', ...body } });
}

function rerankCall(body: Record<string, unknown>) {
  return cohere.call('rerank', 'rerank-v3.5', { body: { model: 'cohere/rerank-v3.5', query: 'capital of the United States?', documents: DOCUMENTS, ...body } });
}

function float32(base64: unknown): number[] {
  const bytes = Buffer.from(String(base64), 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

describe('cohere embeddings', () => {
  it('posts texts to /v2/embed asking for floats, with search_document unless told otherwise', () => {
    const req = cohere.adapter.buildRequest(embedCall({ input: ['hello', 'goodbye'], dimensions: 512 }));

    expect(req.url).toBe('http://cohere.test/v2/embed');
    expect(JSON.parse(req.body!)).toEqual({
      model: 'embed-v4.0',
      texts: ['hello', 'goodbye'],
      input_type: 'search_document',
      embedding_types: ['float'],
      output_dimension: 512,
    });
  });

  it('passes input_type, truncate and max_tokens through and embeds a single string', () => {
    const req = cohere.adapter.buildRequest(embedCall({ input: 'hello', input_type: 'search_query', truncate: 'END', max_tokens: 128 }));

    expect(JSON.parse(req.body!)).toMatchObject({ texts: ['hello'], input_type: 'search_query', truncate: 'END', max_tokens: 128 });
  });

  it.each([[[1, 2, 3]], [[[1, 2]]]])('refuses token-id input %j with a 400 naming input', (input) => {
    let refused: unknown;
    try {
      cohere.adapter.buildRequest(embedCall({ input }));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(GatewayFailure);
    expect((refused as GatewayFailure).body).toMatchObject({ status_code: 400, error: { param: 'input' } });
  });

  it('answers with an OpenAI embedding list and the billed input tokens', () => {
    const body = cohere.adapter.decodeResponse('embedding', EMBED_RESPONSE, embedCall({ input: ['hello', 'goodbye'] }));

    expect(body).toMatchObject({
      object: 'list',
      model: 'embed-v4.0',
      data: [
        { object: 'embedding', index: 0, embedding: VECTORS[0] },
        { object: 'embedding', index: 1, embedding: VECTORS[1] },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
  });

  it('encodes base64 (little-endian float32) when asked, with the very same numbers', () => {
    const body = cohere.adapter.decodeResponse('embedding', EMBED_RESPONSE, embedCall({ input: ['hello', 'goodbye'], encoding_format: 'base64' }));
    const data = body['data'] as { embedding: unknown }[];

    expect(data.map((d) => float32(d.embedding))).toEqual(VECTORS);
  });
});

describe('cohere rerank', () => {
  it('posts the query and plain-text documents to /v2/rerank; return_documents is not a v2 field', () => {
    const req = cohere.adapter.buildRequest(rerankCall({ top_n: 2, max_tokens_per_doc: 512, return_documents: true }));

    expect(req.url).toBe('http://cohere.test/v2/rerank');
    expect(JSON.parse(req.body!)).toEqual({
      model: 'rerank-v3.5',
      query: 'capital of the United States?',
      documents: [DOCUMENTS[0], 'Saipan is the capital of the Northern Mariana Islands.', DOCUMENTS[2]],
      top_n: 2,
      max_tokens_per_doc: 512,
    });
  });

  it('answers most relevant first, with search units as usage', () => {
    const body = cohere.adapter.decodeResponse('rerank', RERANK_RESPONSE, rerankCall({}));

    expect(body).toEqual({
      id: RERANK_RESPONSE.id,
      model: 'rerank-v3.5',
      results: [
        { index: 2, relevance_score: 0.999071 },
        { index: 1, relevance_score: 0.7867867 },
        { index: 0, relevance_score: 0.32713068 },
      ],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, search_units: 1 },
    });
  });

  it('returns each ranked document as sent when return_documents is true', () => {
    const body = cohere.adapter.decodeResponse('rerank', RERANK_RESPONSE, rerankCall({ return_documents: true }));
    const results = body['results'] as { index: number; document?: unknown }[];

    expect(results.map((r) => r.document)).toEqual([{ text: DOCUMENTS[2] }, DOCUMENTS[1], { text: DOCUMENTS[0] }]);
  });

  it('is an operation Cohere supports and OpenAI-family providers do not', () => {
    expect(cohere.adapter.supports('rerank')).toBe(true);
    expect(configuredProvider('openai').adapter.supports('rerank')).toBe(false);
    expect(
      configuredProvider('azure', { keys: [{ name: 'a', models: ['*'], value: 'k', azure_key_config: { endpoint: 'http://azure.test' } }] }).adapter.supports(
        'rerank',
      ),
    ).toBe(false);
    expect(cohere.adapter.supports('text_completion')).toBe(false);
  });
});
