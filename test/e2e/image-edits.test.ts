/**
 * Image edits (`/images/edits`) through Iris with the official `openai` SDK: the images (one or
 * several) and the mask go upstream as multipart file parts, untouched and in order, with the model
 * named as the provider knows it; the JSON answer comes back with `extra_fields`. On `/v1` and
 * `/openai/v1`, to OpenAI and to Azure deployments; providers without the API get a 400.
 * (The shared fixtures hold no image-edit recordings, so the mock answers in OpenAI's documented shape.)
 */
import { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replyJson, type MockUpstream } from '../support/mock-upstream.js';
import { parseMultipart } from '../resources/provider-resource-mocks.js';
import { AZURE_API_VERSION, AZURE_DEPLOYMENTS, azureClientFor, extraFieldsOf, onlyRequestTo, openAIClient, startE2EGateway, UPSTREAM_KEYS } from './harness.js';
import type { E2EGateway } from './harness.js';

const PNG_A = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PNG_B = Buffer.concat([PNG_A, Buffer.from('second image')]);
const MASK = Buffer.concat([PNG_A, Buffer.from('mask')]);
const EDITED = { created: 1_745_325_600, data: [{ b64_json: PNG_A.toString('base64') }], usage: { input_tokens: 40, output_tokens: 272, total_tokens: 312 } };

let env: E2EGateway;
let openaiMock: MockUpstream;
beforeAll(async () => {
  env = await startE2EGateway(['openai', 'azure', 'xai']);
  openaiMock = env.mock('openai');
});
afterEach(() => env.resetMocks());
afterAll(async () => {
  await env?.close();
});

function serveEdits(mock: MockUpstream, path: string): void {
  mock.on('POST', path, (_req, res) => replyJson(res, 200, EDITED));
}

describe.each([
  { prefix: '/v1', model: 'openai/gpt-image-1' },
  { prefix: '/openai/v1', model: 'gpt-image-1' },
])('OpenAI SDK images.edit on $prefix', ({ prefix, model }) => {
  it('sends the image, the mask and the fields on, and answers with extra_fields', async () => {
    serveEdits(openaiMock, '/v1/images/edits');
    const result = await openAIClient(`${env.url}${prefix}`).images.edit({
      image: await toFile(PNG_A, 'photo.png', { type: 'image/png' }),
      mask: await toFile(MASK, 'mask.png', { type: 'image/png' }),
      prompt: 'Add a red hat',
      model,
      size: '1024x1024',
    });

    expect(result.data?.[0]?.b64_json).toBe(EDITED.data[0]!.b64_json);
    expect(extraFieldsOf(result)).toMatchObject({ provider: 'openai', model_requested: 'gpt-image-1', request_type: 'image_edit' });
    const upstream = onlyRequestTo(openaiMock, '/v1/images/edits');
    expect(upstream.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEYS.openai}`);
    const form = await parseMultipart(upstream);
    expect(form.fields).toMatchObject({ model: 'gpt-image-1', prompt: 'Add a red hat', size: '1024x1024' });
    expect(form.files.map((f) => [f.field, f.filename, f.contentType])).toEqual([
      ['image', 'photo.png', 'image/png'],
      ['mask', 'mask.png', 'image/png'],
    ]);
    expect(form.files[0]!.data.equals(PNG_A)).toBe(true);
    expect(form.files[1]!.data.equals(MASK)).toBe(true);
  });
});

describe('image edits: several images, Azure, bad input', () => {
  it('keeps several images in the order sent', async () => {
    serveEdits(openaiMock, '/v1/images/edits');
    await openAIClient(`${env.url}/v1`).images.edit({
      image: [await toFile(PNG_A, 'a.png', { type: 'image/png' }), await toFile(PNG_B, 'b.png', { type: 'image/png' })],
      prompt: 'Combine them',
      model: 'openai/gpt-image-1',
    });
    const form = await parseMultipart(onlyRequestTo(openaiMock, '/v1/images/edits'));
    expect(form.files.map((f) => f.filename)).toEqual(['a.png', 'b.png']);
    expect(form.files[1]!.data.equals(PNG_B)).toBe(true);
    expect(new Set(form.files.map((f) => f.field)).size).toBe(1);
  });

  it('azure/<model> edits go to the deployment path with the api-key and api-version', async () => {
    const azure = env.mock('azure');
    const deployment = AZURE_DEPLOYMENTS['gpt-4o-mini']!;
    serveEdits(azure, `/openai/deployments/${deployment}/images/edits`);
    const result = await openAIClient(`${env.url}/v1`).images.edit({
      image: await toFile(PNG_A, 'a.png', { type: 'image/png' }),
      prompt: 'Hat',
      model: 'azure/gpt-4o-mini',
    });
    expect(result.data).toHaveLength(1);
    const upstream = onlyRequestTo(azure, `/openai/deployments/${deployment}/images/edits`);
    expect(upstream.query.get('api-version')).toBe(AZURE_API_VERSION);
    expect(upstream.headers['api-key']).toBe(UPSTREAM_KEYS.azure);
  });

  it('AzureOpenAI images.edit (sent outside the deployment paths) reaches the deployment the form names', async () => {
    const azure = env.mock('azure');
    const deployment = AZURE_DEPLOYMENTS['gpt-4o-mini']!;
    serveEdits(azure, `/openai/deployments/${deployment}/images/edits`);
    const result = await azureClientFor(env.url).images.edit({ image: await toFile(PNG_A, 'a.png', { type: 'image/png' }), prompt: 'Hat', model: deployment });
    expect(result.data).toHaveLength(1);
    expect(extraFieldsOf(result)).toMatchObject({ provider: 'azure', request_type: 'image_edit' });
    const upstream = onlyRequestTo(azure, `/openai/deployments/${deployment}/images/edits`);
    expect(upstream.query.get('api-version')).toBe(AZURE_API_VERSION);
    expect((await parseMultipart(upstream)).fields['model']).toBe(deployment);
  });

  it.each([
    [{ model: 'openai/gpt-image-1', mask: true }, "multipart field 'image' is required"],
    [{ image: true }, "multipart field 'model' is required"],
    [{ model: 'xai/grok-2-image', image: true }, "provider 'xai' does not support image_edit"],
  ] as const)('refuses %o with a 400 BifrostError', async (parts, message) => {
    const form = new FormData();
    form.append('prompt', 'Hat');
    if ('model' in parts) form.append('model', parts.model);
    if ('image' in parts) form.append('image', new Blob([PNG_A], { type: 'image/png' }), 'a.png');
    if ('mask' in parts) form.append('mask', new Blob([MASK], { type: 'image/png' }), 'mask.png');
    const res = await fetch(`${env.url}/v1/images/edits`, { method: 'POST', body: form });
    const body = (await res.json()) as { is_bifrost_error: boolean; error: { message: string }; extra_fields: Record<string, unknown> };
    expect(res.status).toBe(400);
    expect(body.error.message).toContain(message);
    expect(body.extra_fields['request_type']).toBe('image_edit');
    expect(openaiMock.requests).toHaveLength(0);
    expect(env.mock('xai').requests).toHaveLength(0);
  });
});
