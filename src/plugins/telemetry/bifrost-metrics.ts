import { HistogramFamily, ValueFamily } from "./metric-families.js";

/**
 * Bifrost's metrics (plugins/telemetry in maximhq/bifrost): the same names, types, label sets and
 * buckets, so its dashboards and alerts read Iris unchanged. Labels Iris has no value for yet
 * (virtual keys, teams, routing rules: governance) are present and empty, so a series keeps its
 * label set when they arrive.
 */

const HTTP_LABELS = ["path", "method", "status"] as const;

/** Bifrost's label set for every `bifrost_*` metric, in its order. */
export const BIFROST_LABELS = [
  "provider",
  "model",
  "alias",
  "method",
  "virtual_key_id",
  "virtual_key_name",
  "routing_engine_used",
  "routing_rule_id",
  "routing_rule_name",
  "complexity_tier",
  "complexity_mechanism",
  "selected_key_id",
  "selected_key_name",
  "fallback_index",
  "team_id",
  "team_name",
  "customer_id",
  "customer_name",
  "business_unit_id",
  "business_unit_name",
  "project_id",
  "project_name",
] as const;

/** Labels some metrics add after Bifrost's set (and before the custom ones). */
const EXTRA_LABELS = ["is_success", "status_code", "error_type", "cache_type", "le"];

const UPSTREAM_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 45, 60, 90, 120, 180, 300, 600, 900];
const FIRST_TOKEN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const INTER_TOKEN_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** 100 B to 1 GB, ten times each step (Go's ExponentialBuckets(100, 10, 8)). */
const SIZE_BUCKETS = [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const RETRY_BUCKETS = [0, 1, 2, 3, 5, 10];

/** The configured custom labels that can be added: one already in a default set is dropped, as Bifrost drops it. */
export function usableCustomLabels(names: readonly string[]): string[] {
  const taken = new Set<string>([...HTTP_LABELS, ...BIFROST_LABELS, ...EXTRA_LABELS]);
  return names.filter((name) => !taken.has(name));
}

export type BifrostMetrics = ReturnType<typeof createBifrostMetrics>;

export function createBifrostMetrics(custom: readonly string[]) {
  const http = [...HTTP_LABELS, ...custom];
  const bifrost = [...BIFROST_LABELS, ...custom];
  const withExtra = (...extra: string[]): string[] => [...BIFROST_LABELS, ...extra, ...custom];
  return {
    httpRequests: new ValueFamily("http_requests_total", "Total number of HTTP requests.", "counter", http),
    httpDuration: new HistogramFamily("http_request_duration_seconds", "Duration of HTTP requests.", http, UPSTREAM_LATENCY_BUCKETS),
    httpRequestSize: new HistogramFamily("http_request_size_bytes", "Size of HTTP requests.", http, SIZE_BUCKETS),
    httpResponseSize: new HistogramFamily("http_response_size_bytes", "Size of HTTP responses.", http, SIZE_BUCKETS),
    upstreamRequests: new ValueFamily("bifrost_upstream_requests_total", "Requests sent to upstream providers.", "counter", bifrost),
    upstreamLatency: new HistogramFamily(
      "bifrost_upstream_latency_seconds",
      "Latency of requests sent to upstream providers.",
      withExtra("is_success"),
      UPSTREAM_LATENCY_BUCKETS,
    ),
    successRequests: new ValueFamily("bifrost_success_requests_total", "Requests upstream providers answered successfully.", "counter", bifrost),
    errorRequests: new ValueFamily(
      "bifrost_error_requests_total",
      "Failed requests, by raw status_code and normalized error_type.",
      "counter",
      withExtra("status_code", "error_type"),
    ),
    inputTokens: new ValueFamily("bifrost_input_tokens_total", "Input tokens sent to upstream providers.", "counter", bifrost),
    outputTokens: new ValueFamily("bifrost_output_tokens_total", "Output tokens received from upstream providers.", "counter", bifrost),
    cacheHits: new ValueFamily(
      "bifrost_cache_hits_total",
      "Answers served from the gateway's cache, by cache type (direct/semantic).",
      "counter",
      withExtra("cache_type"),
    ),
    cacheReadTokens: new ValueFamily("bifrost_cache_read_input_tokens_total", "Input tokens read from the provider's prompt cache.", "counter", bifrost),
    cacheWriteTokens: new ValueFamily("bifrost_cache_write_input_tokens_total", "Input tokens written to the provider's prompt cache.", "counter", bifrost),
    cost: new ValueFamily("bifrost_cost_total", "Cost in USD of requests to upstream providers (priced requests only).", "counter", bifrost),
    interTokenLatency: new HistogramFamily(
      "bifrost_stream_inter_token_latency_seconds",
      "Time between the chunks of a stream response.",
      bifrost,
      INTER_TOKEN_BUCKETS,
    ),
    firstTokenLatency: new HistogramFamily(
      "bifrost_stream_first_token_latency_seconds",
      "Time to the first chunk of a stream response.",
      bifrost,
      FIRST_TOKEN_BUCKETS,
    ),
    retries: new HistogramFamily("bifrost_request_retries", "Retries used per request (observed once per request).", bifrost, RETRY_BUCKETS),
    activeRequests: new ValueFamily("bifrost_active_requests", "Requests to upstream providers in flight.", "gauge", ["method"]),
  };
}

/** Every family, in the order `/metrics` shows them. */
export function familiesOf(metrics: BifrostMetrics): Array<ValueFamily | HistogramFamily> {
  return Object.values(metrics);
}
