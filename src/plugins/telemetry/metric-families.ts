/**
 * Counters, gauges and histograms as Prometheus' text format shows them, kept as plain numbers per
 * labelled series. prom-client hashes the whole label object on every `inc` and `observe` — about
 * 3 µs a call with Bifrost's label set, ten calls a request — so the request path here only adds
 * to a number it already holds; the labels are rendered once, when a series first appears, and
 * the text is written when Prometheus scrapes.
 */

/** One labelled series of a counter or a gauge. */
export interface ValueCell {
  value: number;
}

/** One labelled series of a histogram: a count per bucket (not cumulative), their sum and count. */
export interface HistogramCell {
  readonly counts: number[];
  sum: number;
  count: number;
}

interface Rendered<C> {
  /** The series' labels as written between the braces (`provider="openai",model="gpt-4o"`). */
  labels: string;
  cell: C;
}

abstract class Family<C> {
  private readonly series = new Map<string, Rendered<C>>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: "counter" | "gauge" | "histogram",
    readonly labelNames: readonly string[],
  ) {}

  /** The series with these label values (in `labelNames` order), made on first use. Callers keep it: this is not for the request path. */
  cell(values: readonly string[]): C {
    const key = values.join("\u0000");
    let found = this.series.get(key);
    if (!found) {
      found = { labels: renderLabels(this.labelNames, values), cell: this.newCell() };
      this.series.set(key, found);
    }
    return found.cell;
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const { labels, cell } of this.series.values()) this.renderSeries(lines, labels, cell);
  }

  protected abstract newCell(): C;
  protected abstract renderSeries(lines: string[], labels: string, cell: C): void;
}

/** A counter (only ever added to) or a gauge (goes up and down). */
export class ValueFamily extends Family<ValueCell> {
  constructor(name: string, help: string, type: "counter" | "gauge", labelNames: readonly string[]) {
    super(name, help, type, labelNames);
  }
  protected newCell(): ValueCell {
    return { value: 0 };
  }
  protected renderSeries(lines: string[], labels: string, cell: ValueCell): void {
    lines.push(`${this.name}${braced(labels)} ${formatNumber(cell.value)}`);
  }
}

export class HistogramFamily extends Family<HistogramCell> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    /** Upper bounds, ascending; `+Inf` is implied. */
    readonly buckets: readonly number[],
  ) {
    super(name, help, "histogram", labelNames);
  }

  protected newCell(): HistogramCell {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  observe(cell: HistogramCell, value: number): void {
    const buckets = this.buckets;
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i++;
    cell.counts[i]!++;
    cell.sum += value;
    cell.count++;
  }

  protected renderSeries(lines: string[], labels: string, cell: HistogramCell): void {
    const prefix = labels === "" ? "{" : `{${labels},`;
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += cell.counts[i]!;
      lines.push(`${this.name}_bucket${prefix}le="${formatNumber(this.buckets[i]!)}"} ${cumulative}`);
    }
    lines.push(`${this.name}_bucket${prefix}le="+Inf"} ${cell.count}`);
    lines.push(`${this.name}_sum${braced(labels)} ${formatNumber(cell.sum)}`);
    lines.push(`${this.name}_count${braced(labels)} ${cell.count}`);
  }
}

function renderLabels(names: readonly string[], values: readonly string[]): string {
  return names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`).join(",");
}

function braced(labels: string): string {
  return labels === "" ? "" : `{${labels}}`;
}

/** Prometheus' text format: backslash, double quote and line feed are escaped in label values. */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
