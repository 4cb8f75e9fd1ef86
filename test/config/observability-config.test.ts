/**
 * The `telemetry` and `otel` plugin entries of a Bifrost config.json: metrics on unless switched
 * off, custom labels from both places Bifrost reads them, traces only with an enabled profile, a
 * wrong field a one-line error naming it, and what Iris does not do yet listed at start-up.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildConfig, type StartOptions } from '../../src/load-config.js';
import { configErrorOf } from '../support/config-errors.js';

const OPTIONS: StartOptions = { appDir: tmpdir(), port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json' };
const OPENAI = { keys: [{ name: 'k', value: 'sk-test', models: ['*'] }] };

function configWith(extra: Record<string, unknown>) {
  return buildConfig(OPTIONS, { providers: { openai: OPENAI }, ...extra }, {});
}

const OTEL_PROFILE = { collector_url: 'http://collector:4318/v1/traces', protocol: 'http', trace_type: 'genai_extension' };

describe('telemetry settings', () => {
  it('are on with no custom labels when the config says nothing, and off when the plugin or its metrics are switched off', () => {
    expect(configWith({}).telemetry).toEqual({ customLabels: [] });
    expect(configWith({ plugins: [{ name: 'telemetry', enabled: false, config: {} }] }).telemetry).toBeUndefined();
    expect(configWith({ plugins: [{ name: 'telemetry', enabled: true, config: { metrics_enabled: false } }] }).telemetry).toBeUndefined();
  });

  it('take custom labels from client.prometheus_labels then the plugin’s custom_labels, each once', () => {
    const config = configWith({
      client: { prometheus_labels: ['team', 'cluster'] },
      plugins: [{ name: 'telemetry', enabled: true, config: { custom_labels: ['team', 'env'] } }],
    });
    expect(config.telemetry).toEqual({ customLabels: ['team', 'cluster', 'env'] });
    expect(config.notImplemented).toEqual([]);
  });

  it('refuse a custom label that is not a Prometheus label name', () => {
    const { message } = configErrorOf(() => configWith({ plugins: [{ name: 'telemetry', enabled: true, config: { custom_labels: ['team-name'] } }] }));
    expect(message).toMatch(/^config error: plugins\[0\]\.config\.custom_labels\[0\]: must be a Prometheus label name/);
  });
});

describe('otel settings', () => {
  it('are off unless an otel plugin entry is enabled', () => {
    expect(configWith({}).otel).toBeUndefined();
    expect(configWith({ plugins: [{ name: 'otel', enabled: false, config: {} }] }).otel).toBeUndefined();
  });

  it('read Bifrost’s single-profile shape with its defaults (service "bifrost", insecure gRPC)', () => {
    const config = configWith({ plugins: [{ name: 'otel', enabled: true, config: { ...OTEL_PROFILE, headers: { authorization: 'Bearer t' } } }] });
    expect(config.otel).toEqual({
      serviceName: 'bifrost',
      exports: [
        { collectorUrl: 'http://collector:4318/v1/traces', protocol: 'http', headers: { authorization: 'Bearer t' }, insecure: true, tlsCaCert: undefined },
      ],
    });
    expect(config.notImplemented).toEqual([]);
  });

  it('read the profiles shape, leaving disabled profiles out', () => {
    const config = configWith({
      plugins: [
        {
          name: 'otel',
          enabled: true,
          config: {
            profiles: [
              { ...OTEL_PROFILE, service_name: 'gateway' },
              { enabled: false, service_name: 'other' },
              { ...OTEL_PROFILE, service_name: 'gateway', protocol: 'grpc', collector_url: 'collector:4317', insecure: false },
            ],
          },
        },
      ],
    });
    expect(config.otel?.serviceName).toBe('gateway');
    expect(config.otel?.exports.map((e) => [e.protocol, e.collectorUrl, e.insecure])).toEqual([
      ['http', 'http://collector:4318/v1/traces', true],
      ['grpc', 'collector:4317', false],
    ]);
    expect(config.notImplemented).toEqual([]);
  });

  it.each([
    [{ protocol: 'http', trace_type: 'genai_extension' }, /^config error: plugins\[0\]\.config\.collector_url: is required when the profile is enabled$/],
    [{ ...OTEL_PROFILE, protocol: 'udp' }, /^config error: plugins\[0\]\.config\.protocol: /],
    [{ profiles: [] }, /^config error: plugins\[0\]\.config\.profiles: needs at least one profile$/],
    [{ profiles: [{ ...OTEL_PROFILE, headers: { a: 1 } }] }, /^config error: plugins\[0\]\.config\.profiles\[0\]\.headers\.a: /],
  ])('%j is a one-line error naming the field', (otelConfig, expected) => {
    const { message } = configErrorOf(() => configWith({ plugins: [{ name: 'otel', enabled: true, config: otelConfig }] }));
    expect(message).toMatch(expected);
  });
});

describe('observability fields Iris does not act on yet', () => {
  it('are listed by path: a push gateway, OpenInference attributes, OTel metrics, profiles naming different services', () => {
    const config = configWith({
      plugins: [
        { name: 'telemetry', enabled: true, config: { custom_labels: ['team'], push_gateway: { enabled: true, push_gateway_url: 'http://pgw:9091' } } },
        {
          name: 'otel',
          enabled: true,
          config: {
            profiles: [
              { ...OTEL_PROFILE, trace_type: 'open_inference', metrics_enabled: true, metrics_endpoint: 'http://collector:4318/v1/metrics' },
              { ...OTEL_PROFILE, service_name: 'second', disable_content_logging: true },
            ],
          },
        },
      ],
    });
    expect(config.notImplemented).toEqual([
      'plugins.telemetry.push_gateway',
      'plugins.otel.trace_type',
      'plugins.otel.metrics_enabled',
      'plugins.otel.metrics_endpoint',
      'plugins.otel.profiles[].service_name',
    ]);
  });
});
