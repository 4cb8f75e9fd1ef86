import type { HttpExchange } from "../../core/pipeline/plugin.js";
import { labelValuesOf, type RequestLabel } from "../../core/pipeline/request-labels.js";
import type { BifrostMetrics } from "./bifrost-metrics.js";
import type { HistogramCell, ValueCell } from "./metric-families.js";

/** The `http_*` series of one route template, method, status (and custom label values). */
interface HttpSeries {
  requests: ValueCell;
  duration: HistogramCell;
  requestSize: HistogramCell | undefined;
  responseSize: HistogramCell | undefined;
}

/**
 * Records each HTTP exchange. Series are found through maps keyed by the route template, the
 * method and the status — strings the server already holds — so an exchange allocates nothing
 * unless custom labels are configured.
 */
export class HttpSeriesIndex {
  /** route → method → status → custom label values (`""` when none are configured) → series. */
  private readonly byRoute = new Map<string, Map<string, Map<number, Map<string, HttpSeries>>>>();

  constructor(
    private readonly metrics: BifrostMetrics,
    private readonly customLabels: readonly RequestLabel[],
  ) {}

  record(exchange: HttpExchange): void {
    const custom = this.customLabels.length === 0 ? NO_VALUES : Object.values(labelValuesOf(exchange.requestHeaders, this.customLabels));
    const series = this.seriesOf(exchange, custom);
    const m = this.metrics;
    series.requests.value++;
    m.httpDuration.observe(series.duration, exchange.durationSeconds);
    // Sizes are known from Content-Length only (a stream has none); Bifrost observes them when above 0.
    const requestBytes = exchange.requestBytes;
    if (requestBytes !== undefined && requestBytes > 0) {
      m.httpRequestSize.observe((series.requestSize ??= m.httpRequestSize.cell(valuesOf(exchange, custom))), requestBytes);
    }
    const responseBytes = exchange.responseBytes;
    if (responseBytes !== undefined && responseBytes > 0) {
      m.httpResponseSize.observe((series.responseSize ??= m.httpResponseSize.cell(valuesOf(exchange, custom))), responseBytes);
    }
  }

  private seriesOf(exchange: HttpExchange, custom: readonly string[]): HttpSeries {
    const byLabels = mapIn(mapIn(mapIn(this.byRoute, exchange.route), exchange.method), exchange.status);
    const key = custom.length === 0 ? "" : custom.join("\u0000");
    let series = byLabels.get(key);
    if (!series) {
      const values = valuesOf(exchange, custom);
      series = {
        requests: this.metrics.httpRequests.cell(values),
        duration: this.metrics.httpDuration.cell(values),
        requestSize: undefined,
        responseSize: undefined,
      };
      byLabels.set(key, series);
    }
    return series;
  }
}

const NO_VALUES: readonly string[] = [];

/** The map under `key`, added empty the first time. */
function mapIn<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Map<K2, V>()));
  return inner;
}

function valuesOf(exchange: HttpExchange, custom: readonly string[]): string[] {
  return [exchange.route, exchange.method, String(exchange.status), ...custom];
}
