/**
 * A 50 MB file goes up through the gateway and comes back down without the gateway ever holding
 * it: the gateway (its own process) stays within 60 MB of its idle RSS the whole time, and the
 * bytes that arrive at each end hash the same as the bytes sent.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { buildGateway, sampleRss, startGatewayProcess, type BuiltGateway, type GatewayProcess } from '../support/child-gateway.js';
import { installOpenAIResourceMock, sha256, type OpenAIResourceState } from './provider-resource-mocks.js';

const FILE_BYTES = 50 * 1024 * 1024;
const RSS_HEADROOM = 60 * 1024 * 1024;
const MB = 1024 * 1024;

let built: BuiltGateway;
let upstream: MockUpstream;
let openai: OpenAIResourceState;
let gateway: GatewayProcess;

beforeAll(async () => {
  built = await buildGateway();
  upstream = await startMockUpstream();
  openai = installOpenAIResourceMock(upstream, { root: '/v1', authorized: (req) => req.headers['authorization'] === 'Bearer sk-big' });
  gateway = await startGatewayProcess(built, {
    providers: {
      openai: {
        keys: [{ name: 'k', value: 'sk-big', models: ['*'], weight: 1 }],
        network_config: { base_url: upstream.url, default_request_timeout_in_seconds: 120 },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  gateway?.stop();
  await upstream?.close();
  built?.remove();
});

/** 50 MB that is not all one byte, so a truncated or reordered transfer cannot hash the same. */
function payload(): Buffer {
  const data = Buffer.alloc(FILE_BYTES);
  for (let i = 0; i < FILE_BYTES; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
  return data;
}

async function upload(data: Buffer): Promise<Response> {
  const form = new FormData();
  form.append('purpose', 'assistants');
  form.append('file', new Blob([data]), 'big.bin');
  return fetch(`${gateway.url}/v1/files`, { method: 'POST', body: form });
}

describe('a 50 MB file through the gateway', () => {
  it('is uploaded and downloaded intact while the gateway stays within 60 MB of its idle RSS', async () => {
    // Warm up every code path once, so the idle figure includes loaded modules and pools.
    const warm = (await (await upload(Buffer.from('warm-up'))).json()) as { id: string };
    await (await fetch(`${gateway.url}/v1/files/${warm.id}/content`)).arrayBuffer();
    const idle = gateway.rss();

    const data = payload();
    const sent = sha256(data);
    const uploadPeak = sampleRss(gateway);
    const res = await upload(data);
    const uploadRss = uploadPeak.stop();
    expect(res.status, await res.clone().text()).toBe(200);
    const file = (await res.json()) as { id: string; bytes: number };
    expect(file.bytes).toBe(FILE_BYTES);
    expect(sha256(openai.files.get(file.id)!.data)).toBe(sent);

    const downloadPeak = sampleRss(gateway);
    const content = await fetch(`${gateway.url}/v1/files/${file.id}/content`);
    expect(content.status).toBe(200);
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of content.body!) {
      hash.update(chunk);
      received += chunk.length;
    }
    const downloadRss = downloadPeak.stop();
    expect(received).toBe(FILE_BYTES);
    expect(hash.digest('hex')).toBe(sent);

    const report = `idle ${Math.round(idle / MB)} MB, upload peak ${Math.round(uploadRss / MB)} MB, download peak ${Math.round(downloadRss / MB)} MB`;
    expect(uploadRss - idle, report).toBeLessThan(RSS_HEADROOM);
    expect(downloadRss - idle, report).toBeLessThan(RSS_HEADROOM);
  }, 120_000);
});
