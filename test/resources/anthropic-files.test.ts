/**
 * Anthropic's Files API through the unified `/v1/files`: the beta header on every call, the upload
 * as a bare `file` part, and Anthropic's file objects converted to the canonical file.
 */
import { describe, expect, it } from 'vitest';
import { providerAt, toJsonReply, useTestbed } from '../gateway/gateway-harness.js';
import { installAnthropicResourceMock, parseMultipart, type JsonObject } from './provider-resource-mocks.js';

const testbed = useTestbed();

describe('Anthropic files', () => {
  it('uploads, lists, retrieves, downloads and deletes with anthropic-beta: files-api-2025-04-14', async () => {
    const upstream = await testbed.mock();
    const anthropic = installAnthropicResourceMock(upstream, 'sk-ant');
    const gateway = await testbed.gateway({ providers: { anthropic: providerAt(upstream.url, { keys: [{ name: 'a', models: ['*'], value: 'sk-ant' }] }) } });

    const form = new FormData();
    form.append('purpose', 'user_data');
    form.append('file', new Blob(['%PDF-1.4 fake'], { type: 'application/pdf' }), 'doc.pdf');
    const created = await toJsonReply(await fetch(`${gateway.url}/v1/files?provider=anthropic`, { method: 'POST', body: form }));
    expect(created.status, created.text).toBe(200);
    const id = [...anthropic.files.keys()][0]!;
    expect(created.json).toMatchObject({
      id,
      object: 'file',
      bytes: 13,
      filename: 'doc.pdf',
      mime_type: 'application/pdf',
      created_at: 1_735_689_600,
      extra_fields: { provider: 'anthropic', request_type: 'file_upload' },
    });
    const sent = upstream.requests.find((r) => r.method === 'POST')!;
    expect(sent.headers['anthropic-beta']).toBe('files-api-2025-04-14');
    expect((await parseMultipart(sent)).order).toEqual(['file']);

    const listed = await toJsonReply(await fetch(`${gateway.url}/v1/files?provider=anthropic&limit=5&after=file_0`));
    expect((listed.json as { data: JsonObject[] }).data.map((f) => f['id'])).toEqual([id]);
    expect(Object.fromEntries(upstream.requests.at(-1)!.query)).toEqual({ limit: '5', after_id: 'file_0' });

    const retrieved = await toJsonReply(await fetch(`${gateway.url}/v1/files/${id}`, { headers: { 'x-model-provider': 'anthropic' } }));
    expect(retrieved.json).toMatchObject({ id, filename: 'doc.pdf', status: 'processed' });

    const content = await fetch(`${gateway.url}/v1/files/${id}/content?provider=anthropic`);
    expect(content.headers.get('content-type')).toBe('application/pdf');
    expect(await content.text()).toBe('%PDF-1.4 fake');

    const deleted = await toJsonReply(await fetch(`${gateway.url}/v1/files/${id}?provider=anthropic`, { method: 'DELETE' }));
    expect(deleted.json).toMatchObject({ id, object: 'file', deleted: true });
    expect(upstream.requests.every((r) => r.headers['anthropic-beta'] === 'files-api-2025-04-14')).toBe(true);
  });
});
