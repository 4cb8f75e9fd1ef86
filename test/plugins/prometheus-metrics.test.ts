/**
 * `GET /metrics` after a known sequence of requests through a mock upstream shows Bifrost's metrics
 * with the exact counts, label sets and histogram counts a dashboard would read: a chat, a stream
 * with usage, an upstream error, a fallback, an unknown route. Cost is counted only for priced
 * requests; custom labels come from `x-bf-dim-*` headers; metrics switched off leave no route.
 */
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/core/pipeline/plugin.js';
import type { RunningGateway } from '../../src/index.js';
import {
  chatBody,
  chatChunk,
  chatCompletion,
  expectBifrostError,
  postChat,
  postStream,
  providerAt,
  sseData,
  toJsonReply,
  useTestbed,
} from '../gateway/gateway-harness.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { replyJson } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { parsePrometheusText, samplesOf, valueOf, type Sample } from './prometheus-text.js';

const testbed = useTestbed();

/** Every label a `bifrost_*` series carries, in Bifrost's set; only the ones Iris knows are filled. */
function bifrostLabels(values: { provider: string; model: string; method: string; fallback_index?: string }): Record<string, string> {
  return {
    provider: values.provider,
    model: values.model,
    alias: '',
    method: values.method,
    virtual_key_id: '',
    virtual_key_name: '',
    routing_engine_used: '',
    routing_rule_id: '',
    routing_rule_name: '',
    complexity_tier: '',
    complexity_mechanism: '',
    selected_key_id: '',
    selected_key_name: 'default',
    fallback_index: values.fallback_index ?? '0',
    team_id: '',
    team_name: '',
    customer_id: '',
    customer_name: '',
    business_unit_id: '',
    business_unit_name: '',
    project_id: '',
    project_name: '',
  };
}

/** A provider answering `gpt-4o-mini` and `llama-3` with text (or a stream with usage), and `broken` with a 500. */
function servesChat(mock: MockUpstream): void {
  mock.on('POST', '/v1/chat/completions', (req, res) => {
    const body = req.json as { model: string; stream?: boolean };
    if (body.model === 'broken') return replyJson(res, 500, { error: { message: 'upstream broke', type: 'server_error' } });
    if (!body.stream) return replyJson(res, 200, chatCompletion('hello', body.model));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseData(chatChunk('Hel')));
    res.write(sseData(chatChunk('lo', { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })));
    res.write(sseData({ ...chatChunk(''), choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } }));
    res.end(sseData('[DONE]'));
  });
}

async function scrape(gateway: RunningGateway): Promise<{ contentType: string | null; samples: Sample[] }> {
  const res = await fetch(`${gateway.url}/metrics`);
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type'), samples: parsePrometheusText(await res.text()) };
}

/** The HTTP hook runs when an exchange's connection is done with it, a moment after the client has the answer: scrape until it shows. */
async function scrapeUntil(gateway: RunningGateway, ready: (samples: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const { samples } = await scrape(gateway);
    if (ready(samples)) return samples;
    if (Date.now() > deadline) throw new Error('metrics did not reach the expected state');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /metrics (telemetry on by default)', () => {
  it('counts a chat, a stream, an upstream error, a fallback and an unknown route exactly, by route template and Bifrost label set', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const noRetries = { network_config: { max_retries: 0 } };
    const gateway = await testbed.gateway({ providers: { openai: providerAt(mock.url, noRetries), groq: providerAt(mock.url, noRetries) } });

    expect((await postChat(gateway, chatBody())).status).toBe(200);
    const stream = await postStream(gateway, chatBody('openai/gpt-4o-mini', { stream: true }));
    await stream.text();
    expectBifrostError(await postChat(gateway, chatBody('openai/broken')), 500);
    expect((await postChat(gateway, chatBody('openai/broken', { fallbacks: ['groq/llama-3'] }))).status).toBe(200);
    expect((await fetch(`${gateway.url}/v1/nowhere`)).status).toBe(404);

    const samples = await scrapeUntil(gateway, (s) => samplesOf(s, 'http_requests_total', { path: 'unmatched' }).length === 1);
    const { contentType } = await scrape(gateway);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');

    const chat = bifrostLabels({ provider: 'openai', model: 'gpt-4o-mini', method: 'chat_completion' });
    const streamed = bifrostLabels({ provider: 'openai', model: 'gpt-4o-mini', method: 'chat_completion_stream' });
    const broken = bifrostLabels({ provider: 'openai', model: 'broken', method: 'chat_completion' });
    const fallback = bifrostLabels({ provider: 'groq', model: 'llama-3', method: 'chat_completion', fallback_index: '1' });

    // One upstream attempt each, with Bifrost's full label set and nothing more.
    expect(samplesOf(samples, 'bifrost_upstream_requests_total').map((s) => [s.labels, s.value])).toEqual([
      [chat, 1],
      [streamed, 1],
      [broken, 2],
      [fallback, 1],
    ]);
    expect(valueOf(samples, 'bifrost_success_requests_total', chat)).toBe(1);
    expect(valueOf(samples, 'bifrost_success_requests_total', fallback)).toBe(1);
    expect(samplesOf(samples, 'bifrost_success_requests_total', { model: 'broken' })).toEqual([]);
    expect(samplesOf(samples, 'bifrost_error_requests_total').map((s) => s.labels)).toEqual([
      { ...broken, status_code: '500', error_type: 'provider_server_error' },
    ]);
    expect(valueOf(samples, 'bifrost_error_requests_total', broken)).toBe(2);

    // Tokens from the answers' usage: 3 + 2 for each chat, 4 + 2 from the stream's last chunk.
    expect(valueOf(samples, 'bifrost_input_tokens_total', chat)).toBe(3);
    expect(valueOf(samples, 'bifrost_output_tokens_total', chat)).toBe(2);
    expect(valueOf(samples, 'bifrost_input_tokens_total', streamed)).toBe(4);
    expect(valueOf(samples, 'bifrost_output_tokens_total', streamed)).toBe(2);
    expect(valueOf(samples, 'bifrost_input_tokens_total', fallback)).toBe(3);
    // Priced by the bundled table (gpt-4o-mini: $0.15 in, $0.60 out per million tokens); the unpriced fallback model adds nothing.
    const costs = samplesOf(samples, 'bifrost_cost_total').map((s) => [s.labels['method'], s.labels['model'], s.value] as const);
    expect(costs.map(([method, model]) => [method, model])).toEqual([
      ['chat_completion', 'gpt-4o-mini'],
      ['chat_completion_stream', 'gpt-4o-mini'],
    ]);
    expect(costs[0]![2]).toBeCloseTo((3 * 0.15 + 2 * 0.6) / 1_000_000, 12);
    expect(costs[1]![2]).toBeCloseTo((4 * 0.15 + 2 * 0.6) / 1_000_000, 12);

    // Latency by outcome; time to first token and between chunks for the stream only.
    expect(valueOf(samples, 'bifrost_upstream_latency_seconds_count', { ...chat, is_success: 'true' })).toBe(1);
    expect(valueOf(samples, 'bifrost_upstream_latency_seconds_count', { ...broken, is_success: 'false' })).toBe(2);
    expect(valueOf(samples, 'bifrost_upstream_latency_seconds_bucket', { ...broken, is_success: 'false', le: '+Inf' })).toBe(2);
    expect(valueOf(samples, 'bifrost_stream_first_token_latency_seconds_count', streamed)).toBe(1);
    expect(samplesOf(samples, 'bifrost_stream_first_token_latency_seconds_count', chat)).toEqual([]);
    expect(valueOf(samples, 'bifrost_stream_inter_token_latency_seconds_count', streamed)).toBe(2);
    // Retries once per attempt, all in the le="0" bucket.
    expect(valueOf(samples, 'bifrost_request_retries_count', broken)).toBe(2);
    expect(valueOf(samples, 'bifrost_request_retries_bucket', { ...broken, le: '0' })).toBe(2);
    expect(valueOf(samples, 'bifrost_request_retries_sum', broken)).toBe(0);

    // Nothing left in flight.
    expect(samplesOf(samples, 'bifrost_active_requests').map((s) => [s.labels, s.value])).toEqual([
      [{ method: 'chat_completion' }, 0],
      [{ method: 'chat_completion_stream' }, 0],
    ]);

    // HTTP by route template, method and status; the scrape of /metrics itself counts too.
    expect(valueOf(samples, 'http_requests_total', { path: '/v1/chat/completions', method: 'POST', status: '200' })).toBe(3);
    expect(valueOf(samples, 'http_requests_total', { path: '/v1/chat/completions', method: 'POST', status: '500' })).toBe(1);
    expect(valueOf(samples, 'http_requests_total', { path: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(valueOf(samples, 'http_request_duration_seconds_count', { path: '/v1/chat/completions', method: 'POST', status: '200' })).toBe(3);
    expect(valueOf(samples, 'http_request_size_bytes_count', { path: '/v1/chat/completions', method: 'POST', status: '200' })).toBe(3);
    // A stream's answer has no Content-Length, so only the two JSON answers have a size.
    expect(valueOf(samples, 'http_response_size_bytes_count', { path: '/v1/chat/completions', method: 'POST', status: '200' })).toBe(2);
    expect(samplesOf(samples, 'http_requests_total').every((s) => !s.labels['path']!.includes('nowhere'))).toBe(true);

    // Node's process metrics beside them.
    expect(samplesOf(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samplesOf(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('adds cost only for attempts the price function prices, never a 0 for an unpriced model', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const price = (attempt: Attempt): number | null => (attempt.model === 'gpt-4o-mini' ? 0.0125 : null);
    const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url) } }, { price });
    try {
      await postChat(gateway, chatBody());
      await postChat(gateway, chatBody());
      await postChat(gateway, chatBody('openai/unpriced-model'));
      const samples = await scrapeUntil(gateway, (s) => samplesOf(s, 'http_requests_total', { path: '/v1/chat/completions' }).length === 1);
      expect(samplesOf(samples, 'bifrost_cost_total').map((s) => [s.labels['model'], s.value])).toEqual([['gpt-4o-mini', 0.025]]);
      expect(valueOf(samples, 'bifrost_success_requests_total', { model: 'unpriced-model' })).toBe(1);
    } finally {
      await gateway.close();
    }
  });

  it('labels every metric with the configured custom labels, valued by x-bf-dim-* (or legacy x-bf-prom-*) headers', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const gateway = await testbed.gateway({
      client: { prometheus_labels: ['env'] },
      providers: { openai: providerAt(mock.url) },
      plugins: [{ name: 'telemetry', enabled: true, config: { custom_labels: ['team', 'provider'] } }],
    });
    await postChat(gateway, chatBody(), { 'x-bf-dim-team': 'search', 'x-bf-dim-env': 'prod' });
    await postChat(gateway, chatBody(), { 'x-bf-prom-team': 'ads' });
    await postChat(gateway, chatBody(), { 'x-bf-dim-team': 'search', 'x-bf-prom-team': 'ignored' });
    await postChat(gateway, chatBody());
    const samples = await scrapeUntil(gateway, (s) => samplesOf(s, 'http_requests_total', { path: '/v1/chat/completions' }).length === 4);

    // `provider` is already a label: the custom one of that name is dropped, as Bifrost drops it.
    const upstream = samplesOf(samples, 'bifrost_upstream_requests_total');
    expect(upstream.map((s) => [s.labels['env'], s.labels['team'], s.value])).toEqual([
      ['prod', 'search', 1],
      ['', 'ads', 1],
      ['', 'search', 1],
      ['', '', 1],
    ]);
    expect(Object.keys(upstream[0]!.labels).slice(-2)).toEqual(['env', 'team']);
    const http = samplesOf(samples, 'http_requests_total', { path: '/v1/chat/completions' });
    expect(http.map((s) => [s.labels['env'], s.labels['team'], s.value])).toEqual([
      ['prod', 'search', 1],
      ['', 'ads', 1],
      ['', 'search', 1],
      ['', '', 1],
    ]);
  });

  it('telemetry switched off: no metrics plugin runs and /metrics is a 404, as in Bifrost', async () => {
    for (const plugin of [
      { name: 'telemetry', enabled: false, config: {} },
      { name: 'telemetry', enabled: true, config: { metrics_enabled: false } },
    ]) {
      const gateway = await testbed.gateway({ providers: { openai: providerAt('http://127.0.0.1:9') }, plugins: [plugin] });
      expect(gateway.config.telemetry).toBeUndefined();
      const reply = await toJsonReply(await fetch(`${gateway.url}/metrics`));
      expectBifrostError(reply, 404);
    }
  });
});
