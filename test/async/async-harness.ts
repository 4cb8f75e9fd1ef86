/**
 * Shared setup for the async job tests: a gateway on its own app dir (so its iris.db is private),
 * an OpenAI mock upstream, HTTP helpers that submit and poll jobs, and a read-only look at the
 * job rows the gateway wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect } from 'vitest';
import { startGateway } from '../../src/index.js';
import type { RunningGateway } from '../../src/index.js';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';

export type JsonObject = Record<string, unknown>;

export interface AsyncTestbed {
  /** A fresh app dir, removed after the test. */
  appDir(): string;
  mock(): Promise<MockUpstream>;
  /** A gateway on `appDir` whose openai provider is `mockUrl`, with extra `client` settings. */
  gateway(appDir: string, mockUrl: string, client?: JsonObject): Promise<RunningGateway>;
}

/** Registers an afterEach that closes every gateway, then every mock, then removes the app dirs. */
export function useAsyncTestbed(): AsyncTestbed {
  const gateways: RunningGateway[] = [];
  const mocks: MockUpstream[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    for (const mock of mocks.splice(0)) await mock.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    appDir() {
      const dir = mkdtempSync(path.join(tmpdir(), 'iris-async-'));
      dirs.push(dir);
      return dir;
    },
    async mock() {
      const mock = await startMockUpstream();
      mocks.push(mock);
      return mock;
    },
    async gateway(appDir, mockUrl, client = {}) {
      const gateway = await startGateway({
        appDir,
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        logStyle: 'json',
        configObject: gatewayConfig(mockUrl, client),
      });
      gateways.push(gateway);
      return gateway;
    },
  };
}

/** config.json for a gateway whose openai provider is a mock. */
export function gatewayConfig(mockUrl: string, client: JsonObject = {}): JsonObject {
  return {
    client,
    providers: { openai: { keys: [{ name: 'default', value: 'sk-upstream', models: ['*'], weight: 1 }], network_config: { base_url: mockUrl } } },
  };
}

export const CHAT_BODY: JsonObject = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] };

export interface Reply {
  status: number;
  json: JsonObject;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as JsonObject };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, { headers });
  return { status: res.status, json: (await res.json()) as JsonObject };
}

/** Polls a job URL until it answers something other than 202 (bounded). */
export async function pollUntilDone(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await getJson(url, headers);
    if (reply.status !== 202) return reply;
    if (Date.now() > deadline) throw new Error(`job at ${url} still ${String(reply.json['status'])} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Waits until `check` holds (bounded), polling every 10 ms. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The async_jobs rows of an app dir's iris.db, read with a separate read-only connection. */
export function jobRows(appDir: string): JsonObject[] {
  const db = new Database(path.join(appDir, 'iris.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM async_jobs ORDER BY created_at').all() as JsonObject[];
  } finally {
    db.close();
  }
}

/** A response body with the one field that differs between two runs (latency) removed. */
export function withoutLatency(body: unknown): JsonObject {
  const copy = structuredClone(body) as JsonObject;
  const extra = copy['extra_fields'];
  if (extra && typeof extra === 'object') delete (extra as JsonObject)['latency'];
  return copy;
}

/** A BifrostError with its per-response event ids removed, for comparing two of them. */
export function withoutEventIds(error: unknown): JsonObject {
  const copy = structuredClone(error) as JsonObject;
  delete copy['event_id'];
  const inner = copy['error'];
  if (inner && typeof inner === 'object') delete (inner as JsonObject)['event_id'];
  return copy;
}

/** Asserts the BifrostError wire shape with the given status. */
export function expectBifrostError(reply: Reply, status: number): void {
  expect(reply.status).toBe(status);
  expect(reply.json).toMatchObject({ is_bifrost_error: true, status_code: status, error: { message: expect.any(String) } });
}
