// Realistic request-log entries for the log benchmarks (logs-api.mjs, log-insert.mjs): 30 days of
// traffic in time order, with the content as the gateway holds it (the canonical request body; the
// answer's body, or a stream's chunks as a JSON array) and random request ids, as Iris makes them.
import { randomUUID } from 'node:crypto';

export const DAY = 86_400_000;
export const DAYS = 30;
/** The newest row's time: fixed, so a reused file and the queries agree. */
export const NOW = Date.UTC(2026, 11, 1);

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

/**
 * Entries `from` to `to` (exclusive) of `total` spread evenly over the 30 days before NOW. The same
 * index gives the same entry every run, except its id (random, as Iris's request ids are).
 */
export function* logEntries(total, from = 0, to = total) {
  const rand = random(42 + from);
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
  const step = (DAYS * DAY) / total;
  for (let i = from; i < to; i++) yield makeEntry(i, Math.round(start + i * step), rand, pick);
}

/** One attempt of traffic at time `ts`: ~300 characters of prompt, an answer of ~200, or a stream of ~25 chunks. */
function makeEntry(i, ts, rand, pick) {
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
  const stream = object.endsWith('_stream');
  const answer = status === 'success' ? text.slice(0, 200) : null;
  return {
    id: randomUUID(),
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
    time_to_first_token: stream ? Math.round(80 + rand() * 900) : null,
    stream,
    token_usage: usage,
    cost: usage === null || unpriced ? null : (prompt * 2.5 + completion * 10) / 1e6,
    stop_reason: status === 'success' && object !== 'embedding' ? pick.stop() : null,
    error_details:
      status === 'error' ? { event_id: `e-${i}`, type: 'api_error', is_bifrost_error: false, status_code: 500, error: { message: 'upstream failed' } } : null,
    ...contentTexts(object, model, text, answer, i, ts),
    raw_request: null,
    raw_response: null,
    trace_id: null,
    virtual_key_id: vk,
    virtual_key_name: vk && `Team ${vk.slice(3)}`,
    team_id: null,
    customer_id: null,
    metadata: null,
  };
}

/** The request body and the answer as the gateway holds them for this kind of request. */
function contentTexts(object, model, text, answer, i, ts) {
  const created = Math.floor(ts / 1000);
  if (object === 'embedding') {
    return {
      request_text: JSON.stringify({ model, input: text }),
      response_text:
        answer === null ? null : JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.012, -0.034, 0.056] }], model }),
      response_kind: answer === null ? null : 'body',
    };
  }
  const request_text = JSON.stringify({
    model,
    messages: [{ role: 'user', content: text }],
    temperature: 0.7,
    max_tokens: 1024,
    stream: object.endsWith('_stream'),
  });
  if (answer === null) return { request_text, response_text: null, response_kind: null };
  const id = `chatcmpl-${i.toString(36)}`;
  if (!object.endsWith('_stream')) {
    return {
      request_text,
      response_text: JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      }),
      response_kind: 'body',
    };
  }
  const pieces = answer.match(/(?:\S+\s*){1,2}/g) ?? [answer];
  const chunks = pieces.map((piece) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
  }));
  chunks.push({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  return { request_text, response_text: JSON.stringify(chunks), response_kind: 'chunks' };
}

/** The PostgreSQL settings `BENCH_PG=host:port[:user[:db]]` names (password from PGPASSWORD), for the log benchmarks. */
export function benchPostgresSettings(spec) {
  const [host, port, user = process.env.USER ?? 'postgres', database = 'postgres'] = spec.split(':');
  return { host, port: Number(port), user, password: process.env.PGPASSWORD, database, sslMode: 'disable', maxOpenConns: 10, connMaxLifetimeMs: undefined };
}
