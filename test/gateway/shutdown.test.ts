/**
 * Stopping: no new connection is taken, requests in flight (streams included) finish within the
 * drain time, then whatever is left is cut. The CLI drains on SIGTERM/SIGINT and exits 0; a second
 * signal stops it at once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, listeningUrl, type BuiltGateway } from '../support/child-gateway.js';
import { replyHang, replySse } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { chatBody, providerAt, useTestbed } from './gateway-harness.js';

const testbed = useTestbed();
const EVENTS =
  Array.from({ length: 6 }, (_, i) => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`).join('') +
  'data: [DONE]\n\n';

/**
 * Starts a streamed chat and resolves once its head is in (and, unless the upstream is silent, its
 * first bytes), with the rest of the body to come.
 */
async function streamStarted(url: string, silentUpstream = false): Promise<{ rest: Promise<string>; first: string }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chatBody('openai/gpt-4o-mini', { stream: true })),
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const first = silentUpstream ? '' : decoder.decode((await reader.read()).value);
  const rest = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  // A cut stream rejects before the test gets to look at it; that is not an unhandled failure.
  rest.catch(() => undefined);
  return { first, rest };
}

describe('closing with a drain time', () => {
  it('lets a stream in flight finish, refuses new connections, then resolves', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replySse(res, EVENTS, { chunkDelayMs: 80 }));
    const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url) } });

    const { first, rest } = await streamStarted(gateway.url);
    expect(first).toContain('data: ');
    const started = Date.now();
    const closing = gateway.close({ drainMs: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();

    const body = first + (await rest);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(body.match(/"content":"\d"/g)).toHaveLength(6);
    await closing;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('cuts what is still running when the drain time is up', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyHang(res, { sendHeaders: true }));
    const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url) } });
    const { rest } = await streamStarted(gateway.url, true);

    const started = Date.now();
    await gateway.close({ drainMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(rest).rejects.toThrow();
  });
});

describe('the CLI on SIGTERM', () => {
  let built: BuiltGateway;
  beforeAll(async () => {
    built = await buildGateway();
  }, 120_000);
  afterAll(() => built?.remove());

  it('finishes the stream in flight and exits 0; a second signal exits at once', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replySse(res, EVENTS, { chunkDelayMs: 80 }));
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-shutdown-'));
    writeFileSync(path.join(appDir, 'config.json'), JSON.stringify({ providers: { openai: providerAt(mock.url) } }));
    const start = () => spawn(process.execPath, [built.cliPath, '--app-dir', appDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exitOf = (child: ReturnType<typeof start>) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const child = start();
      const url = await listeningUrl(child);
      const exited = exitOf(child);
      const { first, rest } = await streamStarted(url);
      child.kill('SIGTERM');
      const body = first + (await rest);
      expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(await exited).toBe(0);

      mock.on('POST', '/v1/chat/completions', (_req, res) => replyHang(res, { sendHeaders: true }));
      const second = start();
      const secondUrl = await listeningUrl(second);
      const secondExit = exitOf(second);
      const cut = await streamStarted(secondUrl, true);
      second.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      second.kill('SIGTERM');
      expect(await secondExit).toBe(1);
      await expect(cut.rest).rejects.toThrow();
    } finally {
      rmSync(appDir, { recursive: true, force: true });
    }
  }, 60_000);
});
