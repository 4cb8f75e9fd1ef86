/**
 * The job runner over the real SQLite store, with a stand-in engine: what happens to jobs a
 * crash or a shutdown interrupted, how expired results are purged, and that the database keeps
 * jobs across reopenings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncJobRunner } from '../../src/core/async-jobs/async-job-runner.js';
import type { EngineResult } from '../../src/core/engine-result.js';
import type { EngineRequest } from '../../src/core/engine-request.js';
import { failure } from '../../src/schema/error.js';
import { openSqliteDatabase } from '../../src/stores/sqlite/database.js';
import { SQLITE_MIGRATIONS } from '../../src/stores/sqlite/migrations.js';
import { SqliteJobStore } from '../../src/stores/sqlite/sqlite-job-store.js';
import type { IrisDatabase } from '../../src/stores/sqlite/tables.js';
import { waitFor } from './async-harness.js';

const REQUEST = { op: 'chat' as const, model: 'openai/gpt-4o-mini', body: { model: 'openai/gpt-4o-mini', messages: [] } };

interface FakeEngine {
  calls: EngineRequest[];
  execute(req: EngineRequest): Promise<EngineResult>;
}

/** Answers every request with a chat body naming the call number. */
function answeringEngine(): FakeEngine {
  const calls: EngineRequest[] = [];
  return {
    calls,
    async execute(req) {
      calls.push(req);
      return { kind: 'json', body: { object: 'chat.completion', call: calls.length } };
    },
  };
}

/** Never answers; rejects like the real engine (499) once the job's signal aborts. */
function hangingEngine(): FakeEngine {
  const calls: EngineRequest[] = [];
  return {
    calls,
    execute(req) {
      calls.push(req);
      return new Promise((_resolve, reject) => {
        req.signal.addEventListener('abort', () => reject(failure({ status: 499, message: 'client closed the request' })), { once: true });
      });
    },
  };
}

describe('async job runner', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  async function openStore(dir: string): Promise<{ db: Kysely<IrisDatabase>; store: SqliteJobStore }> {
    const db = await openSqliteDatabase(dir);
    const store = new SqliteJobStore(db);
    cleanups.push(() => store.close());
    return { db, store };
  }

  function appDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'iris-runner-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  function runner(store: SqliteJobStore, engine: FakeEngine, sweepIntervalMs = 60_000): AsyncJobRunner {
    const r = new AsyncJobRunner({ store, engine, concurrency: 4, defaultResultTtlSeconds: 3600, sweepIntervalMs });
    cleanups.push(() => r.close());
    return r;
  }

  it('on start, a job a crash left processing runs again; one already re-run after a crash fails with a clear error', async () => {
    const { db, store } = await openStore(appDir());
    const now = Date.now();
    for (const id of ['interrupted-once', 'interrupted-twice']) {
      await store.insert({ id, ownerHash: 'h', requestType: 'chat_completion', request: REQUEST, resultTtlSeconds: 3600, createdAt: now });
    }
    await db.updateTable('async_jobs').set({ status: 'processing', attempts: 1 }).where('id', '=', 'interrupted-once').execute();
    await db.updateTable('async_jobs').set({ status: 'processing', attempts: 2 }).where('id', '=', 'interrupted-twice').execute();

    const engine = answeringEngine();
    const jobs = runner(store, engine);
    await jobs.start();

    await waitFor('the re-queued job to complete', () => engine.calls.length === 1);
    const once = await pollJob(jobs, 'interrupted-once');
    expect(once).toMatchObject({ status: 'completed', attempts: 2, statusCode: 200, result: { object: 'chat.completion', call: 1 } });
    expect(engine.calls[0]).toMatchObject({ ...REQUEST, stream: false });

    const twice = await jobs.find('interrupted-twice', 'h', 'chat_completion');
    expect(twice).toMatchObject({ status: 'failed', statusCode: 500, result: null });
    expect(twice?.error?.error.message).toMatch(/the gateway restarted while this job was running/);
    expect(twice?.expiresAt).toBe((twice?.completedAt ?? 0) + 3600 * 1000);
    expect(engine.calls).toHaveLength(1);
  });

  it('closing puts a running job back in the queue without counting the attempt; the next start runs it', async () => {
    const dir = appDir();
    const first = await openStore(dir);
    const hanging = hangingEngine();
    const jobs = runner(first.store, hanging);
    await jobs.start();
    const job = await jobs.submit({ ownerHash: 'h', requestType: 'chat_completion', request: REQUEST });
    await waitFor('the job to start', () => hanging.calls.length === 1);
    expect(await first.store.find(job.id, Date.now())).toMatchObject({ status: 'processing', attempts: 1 });

    await jobs.close();
    expect(await first.store.find(job.id, Date.now())).toMatchObject({ status: 'pending', attempts: 0, startedAt: null });

    const engine = answeringEngine();
    const next = runner(first.store, engine);
    await next.start();
    expect(await pollJob(next, job.id)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('the periodic sweep deletes expired results nobody polls, and keeps the others', async () => {
    const { db, store } = await openStore(appDir());
    const jobs = runner(store, answeringEngine(), 20);
    await jobs.start();
    const shortLived = await jobs.submit({ ownerHash: 'h', requestType: 'chat_completion', request: REQUEST, resultTtlSeconds: 0 });
    const kept = await jobs.submit({ ownerHash: 'h', requestType: 'chat_completion', request: REQUEST });
    const ids = async (): Promise<string[]> => (await db.selectFrom('async_jobs').select('id').execute()).map((row) => row.id);
    const deadline = Date.now() + 5_000;
    while ((await ids()).includes(shortLived.id)) {
      if (Date.now() > deadline) throw new Error('the expired job was never purged');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await ids()).toEqual([kept.id]);
    expect(await jobs.find(kept.id, 'h', 'chat_completion')).toMatchObject({ status: 'completed' });
  });

  it('reopening the database keeps its jobs and does not re-apply migrations', async () => {
    const dir = appDir();
    const db = await openSqliteDatabase(dir);
    const store = new SqliteJobStore(db);
    await store.insert({ id: 'kept', ownerHash: 'h', requestType: 'embedding', request: REQUEST, resultTtlSeconds: 60, createdAt: 1 });
    await store.close();

    const reopened = await openStore(dir);
    expect(await reopened.store.find('kept', Date.now())).toMatchObject({ id: 'kept', status: 'pending', requestType: 'embedding', request: REQUEST });
    const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(reopened.db);
    expect(rows[0]?.user_version).toBe(SQLITE_MIGRATIONS.length);
    const { rows: mode } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(reopened.db);
    expect(mode[0]?.journal_mode).toBe('wal');
  });
});

/** Reads a job until it has finished (bounded). */
async function pollJob(jobs: AsyncJobRunner, id: string): Promise<Awaited<ReturnType<AsyncJobRunner['find']>>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const job = await jobs.find(id, 'h', 'chat_completion');
    if (job && (job.status === 'completed' || job.status === 'failed')) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
