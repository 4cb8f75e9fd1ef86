// The logs API on a big store: fills a log store with ROWS realistic rows (30 days of traffic) through
// the store's own insertBatch, starts Iris on it, and times the common /api/logs queries over HTTP.
// Not a test; nothing here runs in CI. See bench/README.md ("Logs API").
//
//   npm run build && node bench/logs-api.mjs                  # SQLite, 1,000,000 rows
//   ROWS=100000 RUNS=10 node bench/logs-api.mjs               # quick check
//   BENCH_PG=host:port[:user[:db]] node bench/logs-api.mjs     # PostgreSQL too (an empty database)
//
// The SQLite file is kept in BENCH_DIR (default $TMPDIR/iris-logs-bench) and reused when it already
// holds ROWS rows, so a second run measures without refilling; FRESH=1 rebuilds it.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGateway } from '../dist/index.js';
import { PostgresLogStore } from '../dist/stores/postgres/postgres-log-store.js';
import { SqliteLogStore } from '../dist/stores/sqlite/sqlite-log-store.js';
import { benchPostgresSettings, DAY, logEntries, NOW } from './log-entries.mjs';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 30);
const WARMUP = 3;
const BATCH = 1_000;
const BENCH_DIR = process.env.BENCH_DIR ?? path.join(tmpdir(), 'iris-logs-bench');

/** Fills the store through its own insertBatch, then lets the content indexer finish (timed apart: it runs off the insert path). */
async function fill(store, label) {
  const began = performance.now();
  let batch = [];
  let written = 0;
  for (const entry of logEntries(ROWS)) {
    batch.push(entry);
    if (batch.length < BATCH) continue;
    await store.insertBatch(batch);
    written += batch.length;
    batch = [];
    if ((written / BATCH) % 100 === 0) process.stderr.write(`[bench] ${label}: ${written} rows, ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
  }
  if (batch.length > 0) await store.insertBatch(batch);
  const seconds = (performance.now() - began) / 1000;
  process.stderr.write(`[bench] ${label}: filled ${ROWS} rows in ${seconds.toFixed(0)} s (${Math.round(ROWS / seconds)} rows/s); indexing content…\n`);
  const indexBegan = performance.now();
  await store.indexContent();
  const indexSeconds = (performance.now() - indexBegan) / 1000;
  process.stderr.write(`[bench] ${label}: content indexed in ${indexSeconds.toFixed(0)} s\n`);
  return { seconds, indexSeconds };
}

const QUERIES = [
  ['latest page', '/api/logs'],
  ['filter by model', '/api/logs?models=claude-haiku-4-5'],
  ['filter by status', '/api/logs?status=error'],
  ['time window (24 h)', `/api/logs?start_time=${new Date(NOW - DAY).toISOString()}&end_time=${new Date(NOW).toISOString()}`],
  ['content search, rare', '/api/logs?content_search=escalation'],
  ['content search, common', '/api/logs?content_search=refund'],
  ['stats', '/api/logs/stats'],
  ['filterdata', '/api/logs/filterdata'],
  ['sort by cost, provider', '/api/logs?providers=gemini&sort_by=cost&order=desc'],
];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(store, label) {
  const appDir = path.join(BENCH_DIR, `app-${label}`);
  mkdirSync(appDir, { recursive: true });
  const gateway = await startGateway({ appDir, port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json', configObject: {}, logStore: store });
  const results = [];
  try {
    for (const [name, url] of QUERIES) {
      const times = [];
      let total;
      for (let run = 0; run < WARMUP + RUNS; run++) {
        const began = performance.now();
        const res = await fetch(gateway.url + url);
        const body = await res.json();
        const ms = performance.now() - began;
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
        if (run >= WARMUP) times.push(ms);
        total = body.pagination?.total_count ?? body.total_requests ?? (body.models ? `${body.models.length} models` : '');
      }
      times.sort((a, b) => a - b);
      results.push({ name, p50: percentile(times, 50), p99: percentile(times, 99), matches: total });
    }
  } finally {
    await gateway.close();
  }
  return results;
}

function table(label, results, filled) {
  const how = filled ? `, inserted in ${filled.seconds.toFixed(0)} s, content indexed in ${filled.indexSeconds.toFixed(0)} s more` : '';
  const lines = [`${label}: ${ROWS.toLocaleString('en')} rows${how}, ${RUNS} runs per query`, ''];
  lines.push('| query | p50 ms | p99 ms | rows matched |', '|---|---:|---:|---:|');
  for (const r of results) lines.push(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.matches} |`);
  return lines.join('\n');
}

mkdirSync(BENCH_DIR, { recursive: true });
const file = path.join(BENCH_DIR, `logs-${ROWS}.db`);
if (process.env.FRESH === '1') for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
let sqlite = await SqliteLogStore.open(file, { backgroundIndexing: false });
let fillSeconds;
const existing = (await sqlite.stats({})).total_requests;
if (existing !== ROWS) {
  await sqlite.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  sqlite = await SqliteLogStore.open(file, { backgroundIndexing: false });
  fillSeconds = await fill(sqlite, 'SQLite');
}
const out = [table('SQLite', await measure(sqlite, 'sqlite'), fillSeconds)];
await sqlite.close();

if (process.env.BENCH_PG) {
  const pg = await PostgresLogStore.open(benchPostgresSettings(process.env.BENCH_PG), undefined, { backgroundIndexing: false });
  let pgFill;
  if ((await pg.stats({})).total_requests !== ROWS) {
    if (await pg.hasLogs()) throw new Error('BENCH_PG: the database holds a different number of rows; give an empty one');
    pgFill = await fill(pg, 'PostgreSQL');
  }
  out.push(table(`PostgreSQL (content search index: ${pg.contentSearchIndexed ? 'pg_trgm' : 'none'})`, await measure(pg, 'postgres'), pgFill));
  await pg.close();
}
console.log(`\n${out.join('\n\n')}\n`);
