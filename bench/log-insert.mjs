// The request log's insert path: µs per row for the store's own insertBatch (batches of 1,000, as the
// log writer sends them under load) with 0, 100k and 1M rows already in the table, and what the content
// indexer then spends per row, off the insert path. Not a test; nothing here runs in CI. See
// bench/README.md ("Log inserts").
//
//   npm run build && node bench/log-insert.mjs                # SQLite
//   SIZES=0,100000 node bench/log-insert.mjs                  # quick check
//   BENCH_PG=host:port[:user[:db]] node bench/log-insert.mjs  # PostgreSQL too (an empty database)
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PostgresLogStore } from '../dist/stores/postgres/postgres-log-store.js';
import { SqliteLogStore } from '../dist/stores/sqlite/sqlite-log-store.js';
import { benchPostgresSettings, logEntries } from './log-entries.mjs';

const SIZES = (process.env.SIZES ?? '0,100000,1000000').split(',').map(Number);
const BATCH = 1_000;
/** Batches timed at each size (the median batch is reported, and the mean). */
const BATCHES = Number(process.env.BATCHES ?? 30);
/** Entries are spread over 30 days as if the store held this many: the measured ones land among the others. */
const SPREAD = Math.max(...SIZES) + BATCHES * BATCH * SIZES.length;
const BENCH_DIR = process.env.BENCH_DIR ?? path.join(tmpdir(), 'iris-log-insert-bench');

function batchesOf(from, to) {
  const batches = [];
  let batch = [];
  for (const entry of logEntries(SPREAD, from, to)) {
    batch.push(entry);
    if (batch.length === BATCH) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Inserts rows `from`..`to` a batch at a time (entries made just before each insert, so they are never all in memory). */
async function fill(store, label, from, to) {
  const began = performance.now();
  for (let i = from; i < to; i += 100 * BATCH) {
    for (const batch of batchesOf(i, Math.min(to, i + 100 * BATCH))) await store.insertBatch(batch);
    process.stderr.write(`[bench] ${label}: ${Math.min(to, i + 100 * BATCH)} rows, ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
  }
  const began2 = performance.now();
  await store.indexContent();
  process.stderr.write(
    `[bench] ${label}: filled to ${to} rows in ${((began2 - began) / 1000).toFixed(0)} s, indexed in ${((performance.now() - began2) / 1000).toFixed(0)} s\n`,
  );
}

async function measure(store, label) {
  const results = [];
  let rows = 0;
  for (const size of SIZES) {
    if (size > rows) await fill(store, label, rows, size);
    rows = Math.max(rows, size);
    const batches = batchesOf(rows, rows + BATCHES * BATCH);
    const perBatch = [];
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    for (const batch of batches) {
      const t = performance.now();
      await store.insertBatch(batch);
      perBatch.push(((performance.now() - t) * 1000) / batch.length);
    }
    const wall = performance.now() - began;
    const cpu = process.cpuUsage(cpuBefore);
    rows += BATCHES * BATCH;
    const indexBegan = performance.now();
    await store.indexContent();
    const indexMs = performance.now() - indexBegan;
    perBatch.sort((a, b) => a - b);
    results.push({
      size,
      median: perBatch[Math.floor(perBatch.length / 2)],
      mean: (wall * 1000) / (BATCHES * BATCH),
      cpu: (cpu.user + cpu.system) / (BATCHES * BATCH),
      index: (indexMs * 1000) / (BATCHES * BATCH),
    });
    process.stderr.write(`[bench] ${label}: at ${size} rows, ${results.at(-1).median.toFixed(1)} µs/row\n`);
  }
  return results;
}

function table(label, results) {
  const lines = [`${label}: batches of ${BATCH}, ${BATCHES} batches per size`, ''];
  lines.push(
    '| rows already in the table | insert µs/row (median batch) | insert µs/row (mean) | process CPU µs/row | content indexer µs/row |',
    '|---:|---:|---:|---:|---:|',
  );
  for (const r of results) {
    lines.push(`| ${r.size.toLocaleString('en')} | ${r.median.toFixed(1)} | ${r.mean.toFixed(1)} | ${r.cpu.toFixed(1)} | ${r.index.toFixed(1)} |`);
  }
  return lines.join('\n');
}

mkdirSync(BENCH_DIR, { recursive: true });
const file = path.join(BENCH_DIR, 'logs.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
// Background indexing off: the insert is timed alone, then the indexer's share of the same rows.
const sqlite = await SqliteLogStore.open(file, { backgroundIndexing: false });
const out = [table('SQLite', await measure(sqlite, 'SQLite'))];
await sqlite.close();

if (process.env.BENCH_PG) {
  const settings = benchPostgresSettings(process.env.BENCH_PG);
  const pg = await PostgresLogStore.open(settings, () => {}, { backgroundIndexing: false });
  if (await pg.hasLogs()) throw new Error('BENCH_PG: give an empty database');
  out.push(table('PostgreSQL', await measure(pg, 'PostgreSQL')));
  await pg.close();
}
console.log(`\n${out.join('\n\n')}\n`);
