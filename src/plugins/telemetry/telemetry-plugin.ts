import type { Attempt, AttemptEnd, AttemptHooks, GatewayPlugin, HttpExchange } from "../../core/pipeline/plugin.js";
import { requestLabelsFor } from "../../core/pipeline/request-labels.js";
import type { TelemetrySettings } from "../../config/types.js";
import { AttemptSeriesIndex, type AttemptSeries } from "./attempt-series.js";
import { createBifrostMetrics, familiesOf, usableCustomLabels, type BifrostMetrics } from "./bifrost-metrics.js";
import { HttpSeriesIndex } from "./http-series.js";
import type { ValueCell } from "./metric-families.js";
import { processMetricsRegistry } from "./process-metrics.js";

/**
 * Bifrost's `telemetry` plugin: Prometheus metrics for every HTTP exchange and every attempt at an
 * upstream provider, in Bifrost's names. All state is in this instance; `scrape` renders it.
 */
export class TelemetryPlugin implements GatewayPlugin {
  readonly name = "telemetry";
  /** The custom labels in use (configured ones that clash with a default label are dropped). */
  readonly customLabels: readonly string[];
  private readonly metrics: BifrostMetrics;
  private readonly attempts: AttemptSeriesIndex;
  private readonly exchanges: HttpSeriesIndex;
  private readonly active = new Map<string, ValueCell>();

  constructor(settings: TelemetrySettings) {
    this.customLabels = usableCustomLabels(settings.customLabels);
    this.metrics = createBifrostMetrics(this.customLabels);
    this.attempts = new AttemptSeriesIndex(this.metrics, this.customLabels);
    this.exchanges = new HttpSeriesIndex(this.metrics, requestLabelsFor(this.customLabels));
  }

  /** What every attempt that is not streamed needs: one object for them all, so the request path allocates nothing here. */
  private readonly postHook = (end: AttemptEnd, attempt: Attempt): void => this.ended(attempt, end);
  private readonly plainHooks: AttemptHooks = { postHook: this.postHook };

  preHook(attempt: Attempt): AttemptHooks {
    this.activeCell(attempt.requestType).value++;
    if (!attempt.request.stream) return this.plainHooks;
    let previous = 0;
    let series: AttemptSeries | undefined;
    const chunkHook = (): void => {
      const now = performance.now();
      // The first chunk's wait is the time to first token, recorded with the rest at the end.
      if (attempt.chunks > 1) (series ??= this.attempts.of(attempt)).observeInterToken((now - previous) / 1000);
      previous = now;
    };
    return { chunkHook, postHook: this.postHook };
  }

  private ended(attempt: Attempt, end: AttemptEnd): void {
    this.activeCell(attempt.requestType).value--;
    this.attempts.of(attempt).record(attempt, end);
  }

  httpExchange(exchange: HttpExchange): void {
    this.exchanges.record(exchange);
  }

  /** The metrics in Prometheus' text format: Bifrost's, then the process's. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    const lines: string[] = [];
    for (const family of familiesOf(this.metrics)) family.render(lines);
    const processRegistry = processMetricsRegistry();
    return { contentType: processRegistry.contentType, text: `${lines.join("\n")}\n\n${await processRegistry.metrics()}` };
  }

  private activeCell(method: string): ValueCell {
    let cell = this.active.get(method);
    if (!cell) {
      cell = this.metrics.activeRequests.cell([method]);
      this.active.set(method, cell);
    }
    return cell;
  }
}
