/**
 * The real CLI, built with the project's build config into a private folder (so a parallel
 * `npm run build` writing dist/ cannot race these tests) and run with node.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, listeningUrl, type BuiltGateway } from '../support/child-gateway.js';

const RUN_TIMEOUT_MS = 15_000;

let built: BuiltGateway | undefined;
let cliPath: string;
const tempDirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  built = await buildGateway();
  cliPath = built.cliPath;
}, 120_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  built?.remove();
});

/** A fresh app dir, optionally with a config.json. */
function appDir(config?: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-cli-app-'));
  tempDirs.push(dir);
  if (config !== undefined) writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** Environment without provider keys, so only the test's config decides what runs. */
function cleanEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir() };
}

function startCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (killed if it outlives RUN_TIMEOUT_MS). */
function runCli(args: string[]): Promise<CliRun> {
  const child = startCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectOneLineFailure(run: CliRun, ...mentions: string[]): string {
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(run.stderr.endsWith('\n')).toBe(true);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toContain('    at ');
  for (const mention of mentions) expect(run.stderr).toContain(mention);
  return lines[0]!;
}

describe('iris CLI', () => {
  it('an invalid config.json exits non-zero with one stderr line naming the field, no stack trace', async () => {
    const dir = appDir({ providers: { openai: { keys: [{ name: 'k', models: ['*'], value: 'sk-x', weight: -1 }] } } });
    const run = await runCli(['--app-dir', dir, '--port', '0']);
    const line = expectOneLineFailure(run, 'providers.openai.keys[0].weight');
    expect(line).toBe('config error: providers.openai.keys[0].weight: must be greater than 0');
    expect(run.code).toBe(2);
  });

  it('an unknown provider in config.json exits with one line naming providers.<name>', async () => {
    const run = await runCli(['-app-dir', appDir({ providers: { openia: { keys: [{ name: 'k', models: ['*'], value: 'v' }] } } }), '-port', '0']);
    expectOneLineFailure(run, 'providers.openia', 'unknown provider');
  });

  it('a missing env.VAR exits with one line naming the field and the variable', async () => {
    const run = await runCli([
      '--app-dir',
      appDir({ providers: { openai: { keys: [{ name: 'k', models: ['*'], value: 'env.IRIS_TEST_UNSET' }] } } }),
      '--port',
      '0',
    ]);
    expectOneLineFailure(run, 'providers.openai.keys[0].value', 'IRIS_TEST_UNSET');
  });

  it('a config.json that is not JSON exits with one line naming the file', async () => {
    const dir = appDir('{ "providers": ');
    expectOneLineFailure(await runCli(['--app-dir', dir, '--port', '0']), path.join(dir, 'config.json'), 'not valid JSON');
  });

  it('--port abc exits non-zero with one line', async () => {
    expectOneLineFailure(await runCli(['--app-dir', appDir(), '--port', 'abc']), '--port', "'abc'");
  });

  it('a valid config with Bifrost-style single-dash flags starts and answers GET /health', async () => {
    const dir = appDir({ providers: { openai: { keys: [{ name: 'k', models: ['*'], value: 'sk-test' }] } } });
    const child = startCli(['-app-dir', dir, '-port', '0', '-host', '127.0.0.1', '-log-level', 'info']);
    const url = await listeningUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('starts with no config.json and no provider env vars (nothing configured yet)', async () => {
    const child = startCli(['--app-dir', appDir(), '--port', '0', '--log-level', 'info']);
    const url = await listeningUrl(child);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
