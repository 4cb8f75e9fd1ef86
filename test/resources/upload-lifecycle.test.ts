/**
 * What happens to an upload besides success: a client that leaves midway sends nothing upstream
 * and leaves no spooled file behind; a streamed upload is never retried (its body cannot be sent
 * twice), while other resource calls follow the provider's retry settings.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBifrostError, providerAt, toJsonReply, useTestbed, within } from '../gateway/gateway-harness.js';
import { replyJson } from '../support/mock-upstream.js';
import { installOpenAIResourceMock } from './provider-resource-mocks.js';

const testbed = useTestbed();

// Test files run in their own processes: this one's uploads spool into a folder of its own.
const originalTmp = process.env['TMPDIR'];
let spoolRoot: string;
beforeAll(() => {
  spoolRoot = mkdtempSync(path.join(tmpdir(), 'iris-upload-lifecycle-'));
  process.env['TMPDIR'] = spoolRoot;
});
afterAll(() => {
  if (originalTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = originalTmp;
  rmSync(spoolRoot, { recursive: true, force: true });
});

function spooled(): string[] {
  return readdirSync(spoolRoot).filter((name) => name.startsWith('iris-upload-'));
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!check()) await new Promise((r) => setTimeout(r, 10));
    })(),
    5_000,
    what,
  );
}

describe('an upload the client abandons', () => {
  it('sends nothing upstream and removes the spooled file', async () => {
    const upstream = await testbed.mock();
    installOpenAIResourceMock(upstream, { root: '/v1', authorized: () => true });
    const gateway = await testbed.gateway({ providers: { openai: providerAt(upstream.url) } });
    const { port, hostname } = new URL(gateway.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/files HTTP/1.1\r\nhost: iris\r\ncontent-type: multipart/form-data; boundary=b\r\ncontent-length: 1000000\r\n\r\n' +
        '--b\r\ncontent-disposition: form-data; name="file"; filename="part.bin"\r\n\r\n' +
        'x'.repeat(50_000),
    );
    await waitFor(() => spooled().length === 1, 'the upload to be spooled');
    socket.destroy();
    await waitFor(() => spooled().length === 0, 'the spooled file to be removed');

    const after = await fetch(`${gateway.url}/v1/files`);
    expect(after.status).toBe(200);
    expect(upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('retries', () => {
  it('never retries a streamed upload, but retries a retrieve', async () => {
    const upstream = await testbed.mock();
    upstream.on('POST', '/v1/files', (_req, res) => replyJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } }));
    upstream.on('GET', '/v1/files/file-1', (_req, res) => replyJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } }));
    const gateway = await testbed.gateway({
      providers: { openai: providerAt(upstream.url, { network_config: { max_retries: 2, retry_backoff_initial: 1, retry_backoff_max: 2 } }) },
    });

    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob(['{}\n']), 'in.jsonl');
    const upload = expectBifrostError(await toJsonReply(await fetch(`${gateway.url}/v1/files`, { method: 'POST', body: form })), 503);
    expect(upload.is_bifrost_error).toBe(false);
    expect(upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    await waitFor(() => spooled().length === 0, 'the spooled file to be removed');

    expectBifrostError(await toJsonReply(await fetch(`${gateway.url}/v1/files/file-1`)), 503);
    expect(upstream.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });
});
