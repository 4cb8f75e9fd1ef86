/**
 * A crash never loses a submitted job: the real CLI (built into a private folder, as the CLI
 * tests do) takes 50 async jobs against a slow upstream, is SIGKILLed while some are running,
 * and restarted on the same app dir; every job then reaches completed or failed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, listeningUrl, type BuiltGateway } from '../support/child-gateway.js';
import { replyFixtureJson, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { CHAT_BODY, gatewayConfig, getJson, jobRows, postJson, sleep, waitFor } from './async-harness.js';

const JOBS = 50;
const UPSTREAM_DELAY_MS = 300;
const START_TIMEOUT_MS = 15_000;
const CREDENTIAL = { authorization: 'Bearer sk-bf-crash-test' };

let built: BuiltGateway | undefined;
let cliPath: string;
const tempDirs: string[] = [];
const children: ChildProcess[] = [];
let mock: MockUpstream | undefined;

beforeAll(async () => {
  built = await buildGateway();
  cliPath = built.cliPath;
}, 120_000);

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await mock?.close();
});

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  built?.remove();
});

/** Starts the CLI on `appDir` and resolves with its URL from the "iris listening" log line. */
async function startCli(appDir: string): Promise<{ child: ChildProcess; url: string }> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir() };
  const child = spawn(process.execPath, [cliPath, '--app-dir', appDir, '--port', '0', '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return { child, url: await listeningUrl(child, START_TIMEOUT_MS) };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('close', () => resolve()));
}

describe('async jobs across a crash', () => {
  it('50 jobs, SIGKILL while they run, restart on the same app dir: every job ends completed or failed', async () => {
    mock = await startMockUpstream();
    let answered = 0;
    mock.on('POST', '/v1/chat/completions', async (_req, res) => {
      await sleep(UPSTREAM_DELAY_MS);
      replyFixtureJson(res, 'openai/chat/openai-text.json');
      answered++;
    });
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-async-crash-'));
    tempDirs.push(appDir);
    writeFileSync(path.join(appDir, 'config.json'), JSON.stringify(gatewayConfig(mock.url)));

    const first = await startCli(appDir);
    const submitted = await Promise.all(Array.from({ length: JOBS }, () => postJson(`${first.url}/v1/async/chat/completions`, CHAT_BODY, CREDENTIAL)));
    expect(submitted.map((reply) => reply.status)).toEqual(Array(JOBS).fill(202));
    const ids = submitted.map((reply) => String(reply.json['id']));

    await waitFor('a few jobs to finish while others run', () => answered >= 4);
    first.child.kill('SIGKILL');
    await exited(first.child);

    const atCrash = jobRows(appDir);
    expect(atCrash).toHaveLength(JOBS);
    const interrupted = atCrash.filter((row) => row['status'] === 'processing').map((row) => String(row['id']));
    expect(interrupted.length).toBeGreaterThan(0);
    expect(atCrash.filter((row) => row['status'] === 'pending').length).toBeGreaterThan(0);

    const second = await startCli(appDir);
    const deadline = Date.now() + 30_000;
    const finished = new Map<string, string>();
    while (finished.size < JOBS) {
      if (Date.now() > deadline) throw new Error(`only ${finished.size} of ${JOBS} jobs finished within 30 s after the restart`);
      for (const id of ids.filter((id) => !finished.has(id))) {
        const reply = await getJson(`${second.url}/v1/async/chat/completions/${id}`, CREDENTIAL);
        expect([200, 202]).toContain(reply.status);
        if (reply.status === 200) finished.set(id, String(reply.json['status']));
      }
      await sleep(50);
    }
    expect([...finished.values()].every((status) => status === 'completed' || status === 'failed')).toBe(true);
    // A job interrupted once is re-run, so here every job completes.
    expect([...finished.values()].filter((status) => status === 'completed')).toHaveLength(JOBS);

    const afterRestart = jobRows(appDir);
    expect(afterRestart.filter((row) => row['status'] === 'pending' || row['status'] === 'processing')).toEqual([]);
    for (const row of afterRestart.filter((row) => interrupted.includes(String(row['id'])))) expect(row['attempts']).toBe(2);

    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(second.child.exitCode).toBe(0);
  }, 90_000);
});
