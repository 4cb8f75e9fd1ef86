/**
 * The request log's writer thread. ThreadedLogStore against a scripted thread: writes answered in
 * order, failures and a dying thread reported to the caller (and a new thread for the next write),
 * nothing keeping the process alive when idle. Then the real thing, in the built gateway: rows
 * written by the thread named `iris-log-writer`, readable at once through /api/logs, and every row
 * in logs.db after SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/stores/log-store.js';
import { SqliteLogStore } from '../../src/stores/sqlite/sqlite-log-store.js';
import { serveLogWrites, type LogWriteReply } from '../../src/stores/threaded/log-write-protocol.js';
import { ThreadedLogStore } from '../../src/stores/threaded/threaded-log-store.js';
import { chatBody, chatCompletion, providerAt, useTestbed } from '../gateway/gateway-harness.js';
import { buildGateway, listeningUrl, type BuiltGateway } from '../support/child-gateway.js';
import { MemoryLogStore } from '../support/memory-log-store.js';
import { replyJson } from '../support/mock-upstream.js';

const SCRIPTED_THREAD = new URL('../support/scripted-log-writer-thread.mjs', import.meta.url);
const testbed = useTestbed();

function entry(id: string): LogEntry {
  return { id } as LogEntry;
}

async function scripted(workerData: unknown = {}) {
  const warnings: string[] = [];
  const store = await ThreadedLogStore.start(new MemoryLogStore(), {
    threadModule: SCRIPTED_THREAD,
    workerData,
    onBackgroundError: (message) => warnings.push(message),
  });
  return { store, warnings };
}

describe('ThreadedLogStore', () => {
  it('sends writes to the thread and answers each with its result', async () => {
    const { store } = await scripted();
    await Promise.all([store.insertBatch([entry('slow'), entry('a')]), store.insertBatch([entry('b')])]);
    expect(await store.delete(['a', 'b', 'zzz'])).toBe(2);
    expect(await store.deleteOlderThan(0)).toBe(3);
    await store.close();
  });

  it("fails only the batch the thread could not write, and passes on the thread's background errors", async () => {
    const { store, warnings } = await scripted();
    await expect(store.insertBatch([entry('fail')])).rejects.toThrow('disk full: scripted');
    await store.insertBatch([entry('background')]);
    await store.insertBatch([entry('c')]);
    expect(warnings).toEqual(['index slice failed: scripted']);
    await store.close();
  });

  it('fails the calls of a thread that dies, says so, and starts another for the next write', async () => {
    const { store, warnings } = await scripted();
    await store.insertBatch([entry('a')]);
    await expect(store.insertBatch([entry('exit')])).rejects.toThrow('ended before answering');
    expect(warnings.some((w) => w.includes('ended (code 3)'))).toBe(true);
    await store.insertBatch([entry('d')]);
    // The new thread's list is its own: only 'd' is there to delete.
    expect(await store.delete(['a', 'd'])).toBe(1);
    await store.close();
  });

  it('rejects at start when the thread cannot open the store', async () => {
    await expect(scripted({ failOpen: true })).rejects.toThrow('cannot open: scripted');
  });

  it('refuses writes once closed', async () => {
    const { store } = await scripted();
    await store.close();
    await expect(store.insertBatch([entry('e')])).rejects.toThrow('closed');
  });
});

describe('serveLogWrites (the thread side)', () => {
  it('runs calls one at a time in arrival order, and answers a failed one with its message', async () => {
    const order: string[] = [];
    const store = new MemoryLogStore();
    const insert = store.insertBatch.bind(store);
    store.insertBatch = async (entries) => {
      order.push(`start ${entries[0]!.id}`);
      if (entries[0]!.id === 'slow') await new Promise((r) => setTimeout(r, 100));
      if (entries[0]!.id === 'fail') throw new Error('no room');
      await insert(entries);
      order.push(`end ${entries[0]!.id}`);
    };
    const { port1, port2 } = new MessageChannel();
    let closed = false;
    serveLogWrites(store, port2, () => (closed = true));
    const replies: LogWriteReply[] = [];
    const all = new Promise<void>((resolve) =>
      port1.on('message', (reply: LogWriteReply) => {
        replies.push(reply);
        if (replies.length === 4) resolve();
      }),
    );
    port1.postMessage({ id: 1, op: 'insertBatch', entries: [{ id: 'slow' }] });
    port1.postMessage({ id: 2, op: 'insertBatch', entries: [{ id: 'fast' }] });
    port1.postMessage({ id: 3, op: 'insertBatch', entries: [{ id: 'fail' }] });
    port1.postMessage({ id: 4, op: 'close' });
    await all;
    port1.close();
    expect(order).toEqual(['start slow', 'end slow', 'start fast', 'end fast', 'start fail']);
    expect(replies).toEqual([
      { id: 1, ok: true, value: undefined },
      { id: 2, ok: true, value: undefined },
      { id: 3, ok: false, message: 'no room' },
      { id: 4, ok: true, value: undefined },
    ]);
    expect(closed).toBe(true);
  });
});

describe('the built gateway writes its request log on a thread of its own', () => {
  let built: BuiltGateway;
  beforeAll(async () => {
    built = await buildGateway();
  }, 120_000);
  afterAll(() => built?.remove());

  it('names the thread, serves the rows at once, and has every row in logs.db after SIGTERM', async () => {
    const mock = await testbed.mock();
    mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('hello from the thread')));
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-log-thread-'));
    writeFileSync(path.join(appDir, 'config.json'), JSON.stringify({ providers: { openai: providerAt(mock.url) } }));
    const child = spawn(process.execPath, [built.cliPath, '--app-dir', appDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await listeningUrl(child);
      const names = readdirSync(`/proc/${child.pid}/task`).map((tid) => readFileSync(`/proc/${child.pid}/task/${tid}/comm`, 'utf8').trim());
      expect(names).toContain('iris-log-writer');

      const post = () =>
        fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody()) });
      for (const res of await Promise.all(Array.from({ length: 40 }, post))) expect(res.status).toBe(200);
      let total = 0;
      for (let i = 0; i < 100 && total < 40; i++) {
        await new Promise((r) => setTimeout(r, 50));
        total = ((await (await fetch(`${url}/api/logs?limit=1`)).json()) as { stats: { total_requests: number } }).stats.total_requests;
      }
      expect(total).toBe(40);
      const found = (await (await fetch(`${url}/api/logs?content_search=${encodeURIComponent('from the thread')}`)).json()) as { logs: unknown[] };
      expect(found.logs.length).toBeGreaterThan(0);

      // Written after the last read, then SIGTERM at once: the drain writes them before the exit.
      for (const res of await Promise.all(Array.from({ length: 25 }, post))) expect(res.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const store = await SqliteLogStore.open(path.join(appDir, 'logs.db'), { backgroundIndexing: false });
      try {
        expect((await store.stats({})).total_requests).toBe(65);
      } finally {
        await store.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(appDir, { recursive: true, force: true });
    }
  }, 60_000);
});
