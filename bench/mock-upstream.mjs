#!/usr/bin/env node
// Mock OpenAI upstream for the Iris benchmark. Plain node:http, no dependencies.
//
//   node bench/mock-upstream.mjs [port]        (or PORT=... env; default 18080)
//
// POST /v1/chat/completions
//   - body has "stream": true  -> text/event-stream, 20 chat.completion.chunk events
//     back-to-back (last one carries finish_reason "stop" and usage), then [DONE]
//   - otherwise                -> a realistic ~1 KB chat.completion JSON body
// GET /v1/models               -> a small model list
//
// Every response body is serialised once at start-up; per request the server only
// reads the request body (it must, to see "stream") and writes prepared buffers.
// The model in the request is ignored ("gpt-4o-mini" and "openai/gpt-4o-mini" alike).

import http from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 18080);
const host = process.env.HOST ?? '127.0.0.1';

const created = Math.floor(Date.now() / 1000);
const model = 'gpt-4o-mini-2024-07-18';
const fingerprint = 'fp_560af6e559';

const content =
  'Hello! It is nice to meet you. I am an AI assistant, and I can help with a wide range of tasks: ' +
  'answering questions, explaining concepts, drafting and editing text, summarising long documents, ' +
  'brainstorming ideas, writing and reviewing code, translating between languages, and working through ' +
  'problems step by step. If you have something specific in mind, just let me know what you are trying ' +
  'to accomplish and any constraints that matter, such as length, tone, audience or format, and I will ' +
  'tailor my answer accordingly. You can also ask follow-up questions at any point, and I will keep the ' +
  'context of our conversation in mind. What would you like to talk about today?';

const completion = {
  id: 'chatcmpl-BZx3kQ9fYtN2mLr8vWcE4aHs7uJpD',
  object: 'chat.completion',
  created,
  model,
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 9,
    completion_tokens: 142,
    total_tokens: 151,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: fingerprint,
};
const completionBody = Buffer.from(JSON.stringify(completion));

// 20 chunks: first carries the role, 18 carry content pieces, last is empty delta +
// finish_reason "stop" + usage (as OpenAI does with stream_options.include_usage).
const CHUNKS = 20;
const streamId = 'chatcmpl-BZx3mTq1RkV8sLp0nYdG6cFw2eHiA';
const words = content.split(' ');
const pieces = [];
for (let i = 0; i < CHUNKS - 2; i++) {
  const from = Math.floor((i * words.length) / (CHUNKS - 2));
  const to = Math.floor(((i + 1) * words.length) / (CHUNKS - 2));
  const part = words.slice(from, to).join(' ');
  pieces.push(i === 0 ? part : ' ' + part);
}
const chunkBase = (delta, finish_reason, extra = {}) => ({
  id: streamId,
  object: 'chat.completion.chunk',
  created,
  model,
  service_tier: 'default',
  system_fingerprint: fingerprint,
  choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  ...extra,
});
const events = [];
events.push(chunkBase({ role: 'assistant', content: '', refusal: null }, null));
for (const p of pieces) events.push(chunkBase({ content: p }, null));
events.push(
  chunkBase({}, 'stop', {
    usage: {
      prompt_tokens: 9,
      completion_tokens: 142,
      total_tokens: 151,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
  }),
);
if (events.length !== CHUNKS) throw new Error(`expected ${CHUNKS} chunks, built ${events.length}`);
const streamEvents = events.map((e) => Buffer.from(`data: ${JSON.stringify(e)}\n\n`));
streamEvents.push(Buffer.from('data: [DONE]\n\n'));

const modelsBody = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: [
      { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
      { id: 'gpt-4o-mini-2024-07-18', object: 'model', created: 1721172717, owned_by: 'system' },
      { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
    ],
  }),
);

const errorBody = (status, message, type = 'invalid_request_error') => Buffer.from(JSON.stringify({ error: { message, type, param: null, code: null } }));

function sendJson(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': body.length,
    'x-request-id': 'req_bench',
    'openai-processing-ms': '1',
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  if (req.method === 'GET' && path === '/v1/models') {
    req.resume();
    sendJson(res, 200, modelsBody);
    return;
  }
  if (req.method !== 'POST' || path !== '/v1/chat/completions') {
    req.resume();
    sendJson(res, 404, errorBody(404, `Unknown route ${req.method} ${path}`));
    return;
  }
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    let stream;
    try {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      stream = body?.stream === true;
    } catch {
      sendJson(res, 400, errorBody(400, 'Invalid JSON body'));
      return;
    }
    if (!stream) {
      sendJson(res, 200, completionBody);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': 'req_bench',
    });
    // Back-to-back, no delays; chunked transfer encoding, one write per event.
    for (let i = 0; i < streamEvents.length - 1; i++) res.write(streamEvents[i]);
    res.end(streamEvents[streamEvents.length - 1]);
  });
});

server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, host, () => {
  console.log(
    `mock-upstream listening on http://${host}:${port} (completion ${completionBody.length} B, ` +
      `stream ${streamEvents.length - 1} chunks / ${streamEvents.reduce((n, b) => n + b.length, 0)} B)`,
  );
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
