#!/usr/bin/env node
// What the telemetry (Prometheus) plugin adds to one request, measured alone: the pre-hook, the
// post-hook of a successful chat attempt and the HTTP exchange hook, against the same loop
// without them. Not a test. Needs a build first (`npm run build`).
//
//   node bench/telemetry-hooks.mjs [iterations]
//
// Prints µs per request for: a chat (JSON answer), a stream of 20 chunks (chunk hook per
// chunk), and the chat with two custom labels set by headers.

import { EngineAttempt } from '../dist/core/pipeline/attempt.js';
import { TelemetryPlugin } from '../dist/plugins/telemetry/telemetry-plugin.js';

const iterations = Number(process.argv[2] ?? 1_000_000);
const usage = { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 };
const result = { kind: 'json', body: { usage } };
const chunk = { data: {} };
const headers = { 'content-type': 'application/json', 'x-bf-dim-team': 'search', 'x-bf-prom-env': 'prod' };
const exchange = {
  method: 'POST',
  route: '/v1/chat/completions',
  status: 200,
  durationSeconds: 0.012,
  requestBytes: 180,
  responseBytes: 650,
  requestHeaders: headers,
};

function attemptFor(request) {
  const attempt = new EngineAttempt('req', 0, request, request.stream ? 'chat_completion_stream' : 'chat_completion', 'openai', 'gpt-4o-mini', undefined);
  attempt.keyName = 'default';
  attempt.usage = usage;
  attempt.durationMs = 12;
  attempt.final = true;
  return attempt;
}

function run(plugin, request, chunks) {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const attempt = attemptFor(request);
    if (plugin) {
      const hooks = plugin.preHook(attempt);
      for (let c = 0; c < chunks; c++) {
        attempt.chunks++;
        hooks.chunkHook?.(chunk);
      }
      hooks.postHook({ status: 'success', result });
      plugin.httpExchange(exchange);
    } else {
      for (let c = 0; c < chunks; c++) attempt.chunks++;
    }
  }
  return ((performance.now() - started) * 1000) / iterations;
}

function measure(label, settings, request, chunks) {
  const plugin = new TelemetryPlugin(settings);
  // Warm both loops up so the JIT has compiled them before the clock runs.
  run(plugin, request, chunks);
  run(undefined, request, chunks);
  const rounds = [];
  for (let r = 0; r < 5; r++) rounds.push(run(plugin, request, chunks) - run(undefined, request, chunks));
  rounds.sort((a, b) => a - b);
  console.log(`${label.padEnd(42)} ${rounds[2].toFixed(3)} µs per request (median of 5, ${iterations} requests each)`);
}

const signal = { aborted: false };
measure('chat, no custom labels', { customLabels: [] }, { op: 'chat', stream: false, signal }, 0);
measure('stream of 20 chunks, no custom labels', { customLabels: [] }, { op: 'chat', stream: true, signal }, 20);
measure(
  'chat, 2 custom labels from headers',
  { customLabels: ['team', 'env'] },
  { op: 'chat', stream: false, signal, labels: { team: 'search', env: 'prod' } },
  0,
);
