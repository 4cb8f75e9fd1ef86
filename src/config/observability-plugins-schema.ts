import { z } from "zod";

/**
 * The `config` of the two observability plugins Iris runs, in Bifrost's fields
 * (transports/config.schema.json: `plugins[].config` for `telemetry` and `otel`). Fields Iris
 * accepts without acting on yet are typed too and listed at start-up (not-implemented-fields.ts).
 */

export const telemetryConfigSchema = z
  .object({
    custom_labels: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a Prometheus label name (letters, digits, _)")).optional(),
    /** Serves `/metrics` (default true); false turns the metrics off, as there is no push gateway yet. */
    metrics_enabled: z.boolean().optional(),
    push_gateway: z.object({ enabled: z.boolean().optional() }).passthrough().optional(),
    overhead_breakdown_enabled: z.boolean().optional(),
    user_labels_enabled: z.boolean().optional(),
  })
  .passthrough();

const otelProfileSchema = z
  .object({
    enabled: z.boolean().optional(),
    service_name: z.string().min(1).optional(),
    /** OTLP/HTTP: the whole traces URL (`http://collector:4318/v1/traces`); gRPC: `host:port` or a URL. */
    collector_url: z.string().min(1).optional(),
    trace_type: z.enum(["genai_extension", "vercel", "open_inference"]).optional(),
    protocol: z.enum(["http", "grpc"]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Plain-text gRPC (no TLS); Bifrost's default is true. Ignored when `tls_ca_cert` is set. */
    insecure: z.boolean().optional(),
    tls_ca_cert: z.string().optional(),
    metrics_enabled: z.boolean().optional(),
    metrics_endpoint: z.string().optional(),
    metrics_push_interval: z.number().int().min(1).max(300).optional(),
    request_headers: z.array(z.string()).optional(),
    disable_content_logging: z.boolean().optional(),
    group_traces_by_session: z.boolean().optional(),
    disable_root_span_content: z.boolean().optional(),
    plugin_span_filter: z.object({}).passthrough().optional(),
  })
  .passthrough()
  .superRefine((profile, ctx) => {
    if (profile.enabled === false) return;
    for (const field of ["collector_url", "trace_type", "protocol"] as const) {
      if (profile[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: "is required when the profile is enabled" });
    }
  });

/** Bifrost's current shape: several export profiles. */
const otelProfilesSchema = z
  .object({ profiles: z.array(otelProfileSchema).min(1, "needs at least one profile"), plugin_span_filter: z.object({}).passthrough().optional() })
  .passthrough();

export type OtelProfileFile = z.infer<typeof otelProfileSchema>;

type Issues = readonly z.core.$ZodIssue[];

/** The otel config as its profiles: `{ profiles: [...] }`, or Bifrost's older single-profile object. */
export function otelProfilesOf(config: unknown): { profiles: OtelProfileFile[] } | { issues: Issues } {
  if (typeof config === "object" && config !== null && "profiles" in config) {
    const parsed = otelProfilesSchema.safeParse(config);
    return parsed.success ? { profiles: parsed.data.profiles } : { issues: parsed.error.issues };
  }
  const parsed = otelProfileSchema.safeParse(config ?? {});
  return parsed.success ? { profiles: [parsed.data] } : { issues: parsed.error.issues };
}

/** Checks the `config` of a plugin Iris runs; the issues' paths are relative to `config`. Other plugins pass unchecked. */
export function pluginConfigIssues(name: string, config: unknown): Issues {
  if (name === "telemetry") {
    const parsed = telemetryConfigSchema.safeParse(config ?? {});
    return parsed.success ? [] : parsed.error.issues;
  }
  if (name === "otel") {
    const parsed = otelProfilesOf(config);
    return "issues" in parsed ? parsed.issues : [];
  }
  return [];
}
