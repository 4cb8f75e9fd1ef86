import { DEFAULTS } from "./defaults.js";
import { otelProfilesOf, telemetryConfigSchema } from "./observability-plugins-schema.js";
import type { ConfigFile } from "./schema.js";
import type { OtelSettings, TelemetrySettings } from "./types.js";

/**
 * The settings of the observability plugins from a checked config.json. Bifrost serves metrics
 * unless the `telemetry` plugin is switched off; traces only go out when an `otel` plugin entry is
 * enabled with at least one enabled profile.
 */

type PluginEntry = NonNullable<ConfigFile["plugins"]>[number];

function pluginNamed(file: ConfigFile, name: string): PluginEntry | undefined {
  return file.plugins?.find((plugin) => plugin.name === name);
}

export function telemetrySettingsOf(file: ConfigFile): TelemetrySettings | undefined {
  const entry = pluginNamed(file, "telemetry");
  if (entry?.enabled === false) return undefined;
  const config = telemetryConfigSchema.parse(entry?.config ?? {});
  // With no push gateway, metrics that are not served would be counted for nobody.
  if (config.metrics_enabled === false) return undefined;
  // Bifrost unions the client's labels with the plugin's, client first, each once.
  const customLabels = [...new Set([...(file.client?.prometheus_labels ?? []), ...(config.custom_labels ?? [])])];
  return { customLabels };
}

export function otelSettingsOf(file: ConfigFile): OtelSettings | undefined {
  const entry = pluginNamed(file, "otel");
  if (!entry || entry.enabled === false) return undefined;
  const parsed = otelProfilesOf(entry.config);
  if ("issues" in parsed) return undefined;
  const profiles = parsed.profiles.filter((profile) => profile.enabled !== false);
  if (profiles.length === 0) return undefined;
  return {
    // One tracer provider serves every profile, so the first profile names the service (see the not-implemented list).
    serviceName: profiles[0]!.service_name ?? DEFAULTS.otelServiceName,
    exports: profiles.map((profile) => ({
      collectorUrl: profile.collector_url!,
      protocol: profile.protocol ?? "http",
      headers: profile.headers ?? {},
      insecure: profile.insecure ?? DEFAULTS.otelInsecure,
      tlsCaCert: profile.tls_ca_cert,
    })),
  };
}
