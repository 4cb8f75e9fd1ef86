import { readFileSync } from "node:fs";
import { OTLPTraceExporter as OtlpHttpTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { OtelExportSettings } from "../../config/types.js";

/**
 * The OTLP exporter of one otel profile. HTTP posts to `collector_url` as given (Bifrost's field
 * is the whole `…/v1/traces` URL); the JS exporter sends OTLP/JSON, which every collector accepts.
 * gRPC takes `host:port` or a URL, in plain text when `insecure` (Bifrost's default) unless a CA
 * is given; its client library is loaded only when a profile asks for it.
 */
export async function spanExporterFor(settings: OtelExportSettings): Promise<SpanExporter> {
  const ca = settings.tlsCaCert === undefined ? undefined : readFileSync(settings.tlsCaCert);
  if (settings.protocol === "http") {
    return new OtlpHttpTraceExporter({ url: settings.collectorUrl, headers: settings.headers, ...(ca ? { httpAgentOptions: { ca } } : {}) });
  }
  const [{ OTLPTraceExporter: OtlpGrpcTraceExporter }, grpc] = await Promise.all([import("@opentelemetry/exporter-trace-otlp-grpc"), import("@grpc/grpc-js")]);
  const metadata = new grpc.Metadata();
  for (const [name, value] of Object.entries(settings.headers)) metadata.set(name, value);
  const plainText = settings.insecure && !ca;
  return new OtlpGrpcTraceExporter({
    url: grpcUrl(settings.collectorUrl, plainText),
    metadata,
    credentials: plainText ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(ca),
  });
}

/** `host:port` gets the scheme its transport implies; a URL is kept. */
function grpcUrl(collectorUrl: string, plainText: boolean): string {
  return /^[a-z]+:\/\//i.test(collectorUrl) ? collectorUrl : `${plainText ? "http" : "https"}://${collectorUrl}`;
}
