/**
 * Bifrost's reset durations: Go's (`30s`, `5m`, `1h`, `1h30m`, `250ms`) plus `d` (day), `w` (week),
 * `M` (month, 30 days), `Q` (quarter, 90 days) and `Y` (year, 365 days). `1m` is a minute; `1M` a month.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  Q: 90 * 86_400_000,
  Y: 365 * 86_400_000,
};

/** Milliseconds of a duration the schema has checked (RESET_DURATION); undefined if it does not parse. */
export function resetDurationMs(text: string): number | undefined {
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const part = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|M|Q|Y)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
    rest = rest.slice(part[0].length);
  }
  return total > 0 ? total : undefined;
}
