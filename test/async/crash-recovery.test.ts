/**
 * A crash never loses a submitted job: the real CLI (built into a private folder, as the CLI
 * tests do) takes 50 async jobs against a slow upstream, is SIGKILLed while some are running,
 * and restarted on the same app dir; every job then reaches completed or failed.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.js';
import { replyFixtureJson, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { CHAT_BODY, gatewayConfig, getJson, jobRows, postJson, sleep, waitFor } from './async-harness.js';

const JOBS = 50;
const UPSTREAM_DELAY_MS = 300;
const START_TIMEOUT_MS = 15_000;
const CREDENTIAL = { authorization: 'Bearer sk-bf-crash-test' };

let buildDir: string;
let cliPath: string;
const tempDirs: string[] = [];
const children: ChildProcess[] = [];
let mock: MockUpstream | undefined;

beforeAll(async () => {
  buildDir = mkdtempSync(path.join(tmpdir(), 'iris-async-build-'));
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await new Promise<void>((resolve) => {
    // tsc still emits when some other file has a type error; the typecheck step reports those.
    execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', buildDir, '--sourceMap', 'false'], { cwd: REPO_ROOT }, () => resolve());
  });
  cliPath = path.join(buildDir, 'cli.js');
  if (!existsSync(cliPath)) throw new Error(`build produced no ${cliPath}`);
  writeFileSync(path.join(buildDir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(buildDir, 'node_modules'), 'dir');
}, 120_000);

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await mock?.close();
});

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

/** Starts the CLI on `appDir` and resolves with its URL from the "iris listening" log line. */
function startCli(appDir: string): Promise<{ child: ChildProcess; url: string }> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir() };
  const child = spawn(process.execPath, [cliPath, '--app-dir', appDir, '--port', '0', '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "iris listening" line; stdout: ${out} stderr: ${err}`)), START_TIMEOUT_MS);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('iris listening')) continue;
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    child.on('close', (code) => reject(new Error(`cli exited with ${code} before listening; stderr: ${err}`)));
  });
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
