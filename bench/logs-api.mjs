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

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 30);
const WARMUP = 3;
const BATCH = 1_000;
const DAYS = 30;
const DAY = 86_400_000;
const BENCH_DIR = process.env.BENCH_DIR ?? path.join(tmpdir(), 'iris-logs-bench');
/** The newest row's time: fixed, so a reused file and the queries agree. */
const NOW = Date.UTC(2026, 11, 1);

/** mulberry32: the same rows every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [value, weight] pairs → a picker. */
function weighted(rand, pairs) {
  const total = pairs.reduce((sum, [, w]) => sum + w, 0);
  return () => {
    let r = rand() * total;
    for (const [value, w] of pairs) if ((r -= w) < 0) return value;
    return pairs[pairs.length - 1][0];
  };
}

const MODELS = {
  openai: [
    ['gpt-4o-mini', 5],
    ['gpt-4o', 2],
    ['gpt-4.1', 1],
    ['o3-mini', 1],
    ['text-embedding-3-small', 1],
  ],
  anthropic: [
    ['claude-sonnet-4-5', 4],
    ['claude-haiku-4-5', 2],
    ['claude-opus-4-1', 1],
  ],
  gemini: [
    ['gemini-2.5-flash', 4],
    ['gemini-2.5-pro', 1],
  ],
  bedrock: [
    ['anthropic.claude-3-haiku-20240307-v1:0', 2],
    ['meta.llama3-70b-instruct-v1:0', 1],
  ],
  groq: [
    ['llama-3.3-70b-versatile', 2],
    ['llama-3.1-8b-instant', 1],
  ],
  mistral: [
    ['mistral-large-latest', 1],
    ['mistral-small-latest', 1],
  ],
  azure: [['gpt-4o', 1]],
};
const WORDS = (
  'the a to of and in is for on with that this it as be are from at by or an have not you your can will we our my me ' +
  'please help write summarize explain translate code function error bug test deploy server database query index table ' +
  'customer order refund shipping delivery account password login email report chart revenue budget forecast meeting ' +
  'weather travel flight hotel booking recipe dinner health doctor appointment contract clause legal review draft letter ' +
  'python typescript javascript rust golang kubernetes docker terraform postgres sqlite redis kafka api endpoint request ' +
  'response latency token model prompt stream cache retry fallback provider gateway config json yaml csv pdf image audio'
).split(' ');

/** One row of traffic at time `ts`. */
function makeRow(i, ts, rand, pick) {
  const provider = pick.provider();
  const model = pick.model[provider]();
  const object = model.startsWith('text-embedding') ? 'embedding' : pick.object();
  const status = pick.status();
  const words = [];
  const length = 40 + Math.floor(rand() * 40);
  for (let w = 0; w < length; w++) words.push(WORDS[Math.floor(rand() ** 1.6 * WORDS.length)]);
  // A rare marker in ~0.2% of rows: what a user searching for one conversation types.
  if (rand() < 0.002) words.splice(5, 0, `ticket-${Math.floor(rand() * 90_000) + 10_000}`, 'escalation');
  const prompt = status === 'processing' ? 0 : 20 + Math.floor(rand() ** 2 * 8_000);
  const completion = status === 'success' ? 5 + Math.floor(rand() ** 2 * 2_000) : 0;
  const usage = status === 'processing' ? null : { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  const unpriced = provider === 'groq' && rand() < 0.5;
  const text = words.join(' ');
  const vk = rand() < 0.7 ? `vk-${Math.floor(rand() * 12)}` : null;
  return {
    id: `req-${i.toString(36).padStart(6, '0')}-${Math.floor(rand() * 1e9).toString(36)}`,
    parent_request_id: null,
    timestamp: ts,
    object,
    provider,
    model,
    model_requested: `${provider}/${model}`,
    selected_key_name: `${provider}-key-${Math.floor(rand() * 3)}`,
    number_of_retries: rand() < 0.03 ? 1 : 0,
    fallback_index: 0,
    status,
    latency: status === 'processing' ? null : Math.round(150 + Math.exp(rand() * 9)),
    time_to_first_token: object.endsWith('_stream') ? Math.round(80 + rand() * 900) : null,
    stream: object.endsWith('_stream'),
    token_usage: usage,
    cost: usage === null || unpriced ? null : (prompt * 2.5 + completion * 10) / 1e6,
    stop_reason: status === 'success' && object !== 'embedding' ? pick.stop() : null,
    error_details: null,
    input_history: [{ role: 'user', content: text }],
    output_message: status === 'success' ? { role: 'assistant', content: text.slice(0, 200) } : null,
    params: { temperature: 0.7, max_tokens: 1024 },
    raw_request: null,
    raw_response: null,
    trace_id: null,
    virtual_key_id: vk,
    virtual_key_name: vk && `Team ${vk.slice(3)}`,
    team_id: null,
    customer_id: null,
    content_summary: text,
    metadata: null,
  };
}

async function fill(store, label) {
  const rand = random(42);
  const pick = {
    provider: weighted(rand, [
      ['openai', 40],
      ['anthropic', 25],
      ['gemini', 15],
      ['bedrock', 8],
      ['groq', 5],
      ['mistral', 4],
      ['azure', 3],
    ]),
    model: Object.fromEntries(Object.entries(MODELS).map(([p, models]) => [p, weighted(rand, models)])),
    object: weighted(rand, [
      ['chat_completion', 60],
      ['chat_completion_stream', 28],
      ['responses', 7],
      ['text_completion', 5],
    ]),
    status: weighted(rand, [
      ['success', 93],
      ['error', 6.5],
      ['processing', 0.5],
    ]),
    stop: weighted(rand, [
      ['stop', 80],
      ['length', 8],
      ['tool_calls', 12],
    ]),
  };
  const start = NOW - DAYS * DAY;
  const step = (DAYS * DAY) / ROWS;
  const began = performance.now();
  for (let i = 0; i < ROWS; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(ROWS, i + BATCH); j++) batch.push(makeRow(j, Math.round(start + j * step), rand, pick));
    await store.insertBatch(batch);
    if ((i / BATCH) % 100 === 99) process.stderr.write(`[bench] ${label}: ${i + BATCH} rows, ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
  }
  const seconds = (performance.now() - began) / 1000;
  process.stderr.write(`[bench] ${label}: filled ${ROWS} rows in ${seconds.toFixed(0)} s (${Math.round(ROWS / seconds)} rows/s)\n`);
  return seconds;
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

function table(label, results, fillSeconds) {
  const lines = [`${label}: ${ROWS.toLocaleString('en')} rows${fillSeconds ? `, filled in ${fillSeconds.toFixed(0)} s` : ''}, ${RUNS} runs per query`, ''];
  lines.push('| query | p50 ms | p99 ms | rows matched |', '|---|---:|---:|---:|');
  for (const r of results) lines.push(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.matches} |`);
  return lines.join('\n');
}

mkdirSync(BENCH_DIR, { recursive: true });
const file = path.join(BENCH_DIR, `logs-${ROWS}.db`);
if (process.env.FRESH === '1') for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
let sqlite = await SqliteLogStore.open(file);
let fillSeconds;
const existing = (await sqlite.stats({})).total_requests;
if (existing !== ROWS) {
  await sqlite.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  sqlite = await SqliteLogStore.open(file);
  fillSeconds = await fill(sqlite, 'SQLite');
}
const out = [table('SQLite', await measure(sqlite, 'sqlite'), fillSeconds)];
await sqlite.close();

if (process.env.BENCH_PG) {
  const [host, port, user = process.env.USER ?? 'postgres', database = 'postgres'] = process.env.BENCH_PG.split(':');
  const pg = await PostgresLogStore.open({
    host,
    port: Number(port),
    user,
    password: process.env.PGPASSWORD,
    database,
    sslMode: 'disable',
    maxOpenConns: 10,
    connMaxLifetimeMs: undefined,
  });
  let pgFill;
  if ((await pg.stats({})).total_requests !== ROWS) {
    if (await pg.hasLogs()) throw new Error('BENCH_PG: the database holds a different number of rows; give an empty one');
    pgFill = await fill(pg, 'PostgreSQL');
  }
  out.push(table(`PostgreSQL (content search index: ${pg.contentSearchIndexed ? 'pg_trgm' : 'none'})`, await measure(pg, 'postgres'), pgFill));
  await pg.close();
}
console.log(`\n${out.join('\n\n')}\n`);
