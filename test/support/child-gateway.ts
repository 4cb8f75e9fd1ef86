/**
 * The gateway as its own process, built with the project's build config into a private folder (so
 * a parallel `npm run build` writing dist/ cannot race), for tests of the CLI itself, of a crash,
 * or of its memory seen from outside.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './fixtures.js';

export interface BuiltGateway {
  cliPath: string;
  remove(): void;
}

export async function buildGateway(): Promise<BuiltGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-build-'));
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await new Promise<void>((resolve) => {
    // tsc still emits when some other file has a type error; the typecheck step reports those.
    execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dir, '--sourceMap', 'false'], { cwd: REPO_ROOT }, () => resolve());
  });
  const cliPath = path.join(dir, 'cli.js');
  if (!existsSync(cliPath)) throw new Error(`build produced no ${cliPath}`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { cliPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface GatewayProcess {
  url: string;
  pid: number;
  /** Resident set size now, in bytes (VmRSS of /proc/<pid>/status). */
  rss(): number;
  stop(): void;
}

/** Starts the built CLI on a free port with `config` as its app dir's config.json. */
export async function startGatewayProcess(built: BuiltGateway, config: unknown): Promise<GatewayProcess> {
  const appDir = mkdtempSync(path.join(tmpdir(), 'iris-resources-app-'));
  writeFileSync(path.join(appDir, 'config.json'), JSON.stringify(config));
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir() };
  const child = spawn(process.execPath, [built.cliPath, '--app-dir', appDir, '--port', '0', '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(appDir, { recursive: true, force: true });
  };
  try {
    const url = await listeningUrl(child);
    return { url, pid: child.pid!, rss: () => rssOf(child.pid!), stop };
  } catch (err) {
    stop();
    throw err;
  }
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}

/** Resolves with the URL from a starting gateway's "iris listening" log line. */
export function listeningUrl(child: ChildProcess, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "iris listening" line; stdout: ${out} stderr: ${err}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('iris listening')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening; stderr: ${err}`));
    });
  });
}

/** Samples a process's RSS every `everyMs` until stopped; reports the highest. */
export function sampleRss(processUnderTest: GatewayProcess, everyMs = 5): { stop(): number } {
  let peak = processUnderTest.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, processUnderTest.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, processUnderTest.rss());
    },
  };
}
