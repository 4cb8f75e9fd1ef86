/**
 * Metric labels a caller sets per request with headers, as Bifrost reads them: the config names the
 * labels (`telemetry.custom_labels`); a request gives `x-bf-dim-<label>: value`, or the older
 * `x-bf-prom-<label>`, and `x-bf-dim-` wins when both are sent. A label the request does not set is
 * the empty string, so every series keeps the same label set.
 */
export interface RequestLabel {
  name: string;
  dimHeader: string;
  promHeader: string;
}

/** The header names of each label, worked out once at start-up rather than per request. */
export function requestLabelsFor(names: readonly string[]): RequestLabel[] {
  return names.map((name) => {
    const header = name.toLowerCase();
    return { name, dimHeader: `x-bf-dim-${header}`, promHeader: `x-bf-prom-${header}` };
  });
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

export function labelValuesOf(headers: Headers, labels: readonly RequestLabel[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const label of labels) values[label.name] = headerValue(headers[label.dimHeader]) ?? headerValue(headers[label.promHeader]) ?? "";
  return values;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
