import type { Attempt, AttemptEnd } from "../../core/pipeline/plugin.js";
import { usageTokensOf } from "../../core/pipeline/usage-tokens.js";
import { BIFROST_LABELS, type BifrostMetrics } from "./bifrost-metrics.js";
import { classifyErrorType } from "./classify-error-type.js";
import type { HistogramCell, ValueCell } from "./metric-families.js";

/**
 * The `bifrost_*` series of one label set (provider, model, method, key, fallback index, custom
 * labels), holding the cells the request path adds to. A cell is made the first time it is needed,
 * so a series shows only what happened to it: no cost line for unpriced requests, no error line for
 * a target that never failed.
 */
export class AttemptSeries {
  upstreamRequests: ValueCell | undefined;
  success: ValueCell | undefined;
  inputTokens: ValueCell | undefined;
  outputTokens: ValueCell | undefined;
  cacheReadTokens: ValueCell | undefined;
  cacheWriteTokens: ValueCell | undefined;
  cost: ValueCell | undefined;
  latencyOk: HistogramCell | undefined;
  latencyFailed: HistogramCell | undefined;
  retries: HistogramCell | undefined;
  firstToken: HistogramCell | undefined;
  interToken: HistogramCell | undefined;
  /** `status_code` + `error_type` → its error counter. */
  readonly errors = new Map<string, ValueCell>();

  constructor(
    private readonly metrics: BifrostMetrics,
    /** Values of Bifrost's labels then the custom ones. */
    private readonly values: readonly string[],
  ) {}

  /** These labels with extra ones inserted after Bifrost's set, as the metrics that have them declare. */
  private withExtra(...extra: string[]): string[] {
    return [...this.values.slice(0, BIFROST_LABELS.length), ...extra, ...this.values.slice(BIFROST_LABELS.length)];
  }

  record(attempt: Attempt, end: AttemptEnd): void {
    const m = this.metrics;
    (this.upstreamRequests ??= m.upstreamRequests.cell(this.values)).value++;
    m.retries.observe((this.retries ??= m.retries.cell(this.values)), attempt.retries);
    const seconds = (attempt.durationMs ?? 0) / 1000;
    if (end.status === "success") {
      m.upstreamLatency.observe((this.latencyOk ??= m.upstreamLatency.cell(this.withExtra("true"))), seconds);
      (this.success ??= m.successRequests.cell(this.values)).value++;
      this.recordUsage(attempt);
    } else {
      m.upstreamLatency.observe((this.latencyFailed ??= m.upstreamLatency.cell(this.withExtra("false"))), seconds);
      this.errorCell(end.error.status_code, classifyErrorType(end.error, attempt.requestType)).value++;
    }
    if (attempt.firstChunkMs !== undefined)
      m.firstTokenLatency.observe((this.firstToken ??= m.firstTokenLatency.cell(this.values)), attempt.firstChunkMs / 1000);
  }

  observeInterToken(seconds: number): void {
    this.metrics.interTokenLatency.observe((this.interToken ??= this.metrics.interTokenLatency.cell(this.values)), seconds);
  }

  /** Tokens as Bifrost counts them: added on every answer (0 when it carried no usage); cost only when priced above 0. */
  private recordUsage(attempt: Attempt): void {
    const m = this.metrics;
    const tokens = attempt.usage ? usageTokensOf(attempt.usage) : undefined;
    (this.inputTokens ??= m.inputTokens.cell(this.values)).value += tokens?.input ?? 0;
    (this.outputTokens ??= m.outputTokens.cell(this.values)).value += tokens?.output ?? 0;
    if (tokens && tokens.cacheRead > 0) (this.cacheReadTokens ??= m.cacheReadTokens.cell(this.values)).value += tokens.cacheRead;
    if (tokens && tokens.cacheWrite > 0) (this.cacheWriteTokens ??= m.cacheWriteTokens.cell(this.values)).value += tokens.cacheWrite;
    const cost = attempt.cost;
    // Unknown (null) is not zero: nothing is added, so the total stays a sum of real prices.
    if (cost !== null && cost > 0) (this.cost ??= m.cost.cell(this.values)).value += cost;
  }

  private errorCell(status: number, errorType: string): ValueCell {
    const key = `${status} ${errorType}`;
    let cell = this.errors.get(key);
    if (!cell) {
      cell = this.metrics.errorRequests.cell(this.withExtra(String(status), errorType));
      this.errors.set(key, cell);
    }
    return cell;
  }
}

/** Finds the series of an attempt's labels, keeping each so the request path builds no label object. */
export class AttemptSeriesIndex {
  private readonly series = new Map<string, AttemptSeries>();

  constructor(
    private readonly metrics: BifrostMetrics,
    private readonly customLabels: readonly string[],
  ) {}

  of(attempt: Attempt): AttemptSeries {
    const keyName = attempt.keyName ?? "";
    const labels = attempt.request.labels;
    let key = `${attempt.provider}\u0000${attempt.model}\u0000${attempt.requestType}\u0000${keyName}\u0000${attempt.fallbackIndex}`;
    if (labels) for (const name of this.customLabels) key += `\u0000${labels[name] ?? ""}`;
    // Governance has set the caller by the time a chunk or the end is counted.
    const caller = attempt.caller;
    if (caller) key += `\u0000${caller.virtualKeyId}\u0000${caller.teamId ?? ""}\u0000${caller.customerId ?? ""}`;
    let found = this.series.get(key);
    if (!found) {
      found = new AttemptSeries(this.metrics, this.valuesOf(attempt, keyName));
      this.series.set(key, found);
    }
    return found;
  }

  private valuesOf(attempt: Attempt, keyName: string): string[] {
    const byName: Partial<Record<(typeof BIFROST_LABELS)[number], string>> = {
      provider: attempt.provider,
      model: attempt.model,
      method: attempt.requestType,
      selected_key_name: keyName,
      fallback_index: String(attempt.fallbackIndex),
    };
    const caller = attempt.caller;
    if (caller) {
      byName.virtual_key_id = caller.virtualKeyId;
      byName.virtual_key_name = caller.virtualKeyName;
      byName.team_id = caller.teamId ?? "";
      byName.team_name = caller.teamName ?? "";
      byName.customer_id = caller.customerId ?? "";
      byName.customer_name = caller.customerName ?? "";
    }
    const labels = attempt.request.labels;
    return [...BIFROST_LABELS.map((name) => byName[name] ?? ""), ...this.customLabels.map((name) => labels?.[name] ?? "")];
  }
}
