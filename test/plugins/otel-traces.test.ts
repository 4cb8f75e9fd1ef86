/**
 * The `otel` plugin exports, through the OpenTelemetry SDK to an OTLP/HTTP collector, one trace per
 * request: a root span and a child per upstream attempt with the GenAI attributes; a caller's W3C
 * `traceparent` is continued; the trace id reaches the attempt (for the log row) with or without
 * the plugin; closing the gateway flushes what is queued.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attempt, GatewayPlugin } from '../../src/core/pipeline/plugin.js';
import type { RunningGateway } from '../../src/index.js';
import { chatBody, chatChunk, chatCompletion, postChat, postStream, providerAt, sseData, useTestbed } from '../gateway/gateway-harness.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { replyJson } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const testbed = useTestbed();
const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`;
const SERVER = 2;
const CLIENT = 3;
const OK = 1;
const ERROR = 2;

function servesChat(mock: MockUpstream): void {
  mock.on('POST', '/v1/chat/completions', (req, res) => {
    const body = req.json as { model: string; stream?: boolean };
    if (body.model === 'broken') return replyJson(res, 500, { error: { message: 'upstream broke', type: 'server_error' } });
    if (!body.stream) return replyJson(res, 200, { ...chatCompletion('hello', `${body.model}-2024-07-18`), id: 'chatcmpl-answer' });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseData(chatChunk('Hel', { model: 'gpt-4o-mini-2024-07-18' })));
    res.write(sseData(chatChunk('lo', { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })));
    res.write(sseData({ ...chatChunk(''), choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } }));
    res.end(sseData('[DONE]'));
  });
}

/** Records each attempt's trace id as the log row will read it (at the end of the attempt). */
function traceIdRecorder(seen: Array<string | undefined>): GatewayPlugin {
  return { name: 'trace-ids', preHook: (attempt: Attempt) => ({ postHook: () => void seen.push(attempt.traceId) }) };
}

async function tracedGateway(
  mock: MockUpstream,
  options: { price?: (attempt: Attempt) => number | null; plugins?: GatewayPlugin[] } = {},
): Promise<{ gateway: RunningGateway; receiver: OtlpReceiver }> {
  const receiver = await startOtlpReceiver();
  receivers.push(receiver);
  const noRetries = { network_config: { max_retries: 0 } };
  const gateway = await startTestGateway(
    {
      providers: { openai: providerAt(mock.url, noRetries), groq: providerAt(mock.url, noRetries) },
      plugins: [
        {
          name: 'otel',
          enabled: true,
          config: {
            collector_url: `${receiver.url}/v1/traces`,
            protocol: 'http',
            trace_type: 'genai_extension',
            service_name: 'iris-under-test',
            headers: { 'x-collector-key': 'secret' },
          },
        },
      ],
    },
    options,
  );
  return { gateway, receiver };
}

function byName(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`${found.length} spans named ${name}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

describe('the otel plugin', () => {
  it('exports the root span and the attempt span with GenAI attributes, continuing the caller’s traceparent; close() flushes them', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const traceIds: Array<string | undefined> = [];
    const { gateway, receiver } = await tracedGateway(mock, { price: () => 0.0042, plugins: [traceIdRecorder(traceIds)] });
    const reply = await postChat(gateway, chatBody('openai/gpt-4o-mini', { max_tokens: 50, temperature: 0.2 }), {
      traceparent: TRACEPARENT,
      'x-request-id': 'req-traced',
    });
    expect(reply.status).toBe(200);
    // Spans are batched off the request path: none has gone out yet; stopping the gateway sends them.
    expect(receiver.spans).toEqual([]);
    await gateway.close();

    expect(receiver.spans).toHaveLength(2);
    const root = byName(receiver.spans, '/v1/chat/completions');
    const call = byName(receiver.spans, 'llm.call');
    expect(root).toMatchObject({ traceId: CALLER_TRACE_ID, parentSpanId: CALLER_SPAN_ID, kind: SERVER, status: { code: OK } });
    expect(root.attributes).toMatchObject({ 'bifrost.request.id': 'req-traced', 'http.route': '/v1/chat/completions', 'request.type': 'chat_completion' });
    expect(call).toMatchObject({ traceId: CALLER_TRACE_ID, parentSpanId: root.spanId, kind: CLIENT, status: { code: OK } });
    expect(call.attributes).toEqual({
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'request.type': 'chat_completion',
      'gen_ai.fallback_index': 0,
      'gen_ai.number_of_retries': 0,
      'gen_ai.selected_key_name': 'default',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-answer',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.finish_reason': 'stop',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.total_tokens': 5,
      'gen_ai.usage.cost': 0.0042,
    });
    expect(root.resource).toMatchObject({ 'service.name': 'iris-under-test', 'telemetry.sdk.language': 'nodejs' });
    expect(receiver.requests[0]!.headers['x-collector-key']).toBe('secret');
    // The log row's trace id is the trace the spans are in.
    expect(traceIds).toEqual([CALLER_TRACE_ID]);
  });

  it('a fallback is one trace: the failed primary and the fallback are sibling children of one root', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const traceIds: Array<string | undefined> = [];
    const { gateway, receiver } = await tracedGateway(mock, { plugins: [traceIdRecorder(traceIds)] });
    expect((await postChat(gateway, chatBody('openai/broken', { fallbacks: ['groq/llama-3'] }))).status).toBe(200);
    await gateway.close();

    const root = byName(receiver.spans, '/v1/chat/completions');
    const primary = byName(receiver.spans, 'llm.call');
    const fallback = byName(receiver.spans, 'fallback.groq.llama-3');
    expect(root.parentSpanId).toBe('');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.traceId).not.toBe(CALLER_TRACE_ID);
    expect(root.status.code).toBe(OK);
    for (const child of [primary, fallback]) expect(child).toMatchObject({ traceId: root.traceId, parentSpanId: root.spanId, kind: CLIENT });
    expect(primary.status).toEqual({ code: ERROR, message: 'upstream broke' });
    expect(primary.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      status_code: 500,
      'error.type': 'server_error',
      'gen_ai.error': 'upstream broke',
    });
    expect(fallback.attributes).toMatchObject({
      'gen_ai.provider.name': 'groq',
      'gen_ai.system': 'groq',
      'gen_ai.request.model': 'llama-3',
      'gen_ai.fallback_index': 1,
    });
    expect(traceIds).toEqual([root.traceId, root.traceId]);
  });

  it('a stream’s span ends with the stream: time to first chunk, the model from the first chunk, the usage of the last', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const { gateway, receiver } = await tracedGateway(mock);
    await (await postStream(gateway, chatBody('openai/gpt-4o-mini', { stream: true }))).text();
    await gateway.close();

    const call = byName(receiver.spans, 'llm.call');
    expect(call.attributes).toMatchObject({
      'request.type': 'chat_completion_stream',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(call.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
  });

  it('without the plugin, an attempt still carries the caller’s trace id, and none when there is no (valid) traceparent', async () => {
    const mock = await testbed.mock();
    servesChat(mock);
    const traceIds: Array<string | undefined> = [];
    const gateway = await startTestGateway({ providers: { openai: providerAt(mock.url) } }, { plugins: [traceIdRecorder(traceIds)] });
    try {
      await postChat(gateway, chatBody(), { traceparent: TRACEPARENT });
      await postChat(gateway, chatBody());
      await postChat(gateway, chatBody(), { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN_ID}-01` });
      expect(traceIds).toEqual([CALLER_TRACE_ID, undefined, undefined]);
    } finally {
      await gateway.close();
    }
  });
});

describe('the otel plugin over OTLP/gRPC', () => {
  it('exports to `host:port` in plain text (Bifrost’s insecure default), with the headers as metadata', async () => {
    const received: Array<{ body: Buffer; key: unknown }> = [];
    const server = new grpc.Server();
    const raw = (value: Buffer): Buffer => value;
    server.addService(
      {
        Export: {
          path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: raw,
          requestDeserialize: raw,
          responseSerialize: raw,
          responseDeserialize: raw,
        },
      },
      {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          received.push({ body: call.request, key: call.metadata.get('x-collector-key')[0] });
          callback(null, Buffer.alloc(0));
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    try {
      const mock = await testbed.mock();
      servesChat(mock);
      const gateway = await startTestGateway({
        providers: { openai: providerAt(mock.url) },
        plugins: [
          {
            name: 'otel',
            enabled: true,
            config: { collector_url: `127.0.0.1:${port}`, protocol: 'grpc', trace_type: 'genai_extension', headers: { 'x-collector-key': 'secret' } },
          },
        ],
      });
      await postChat(gateway, chatBody(), { traceparent: TRACEPARENT });
      await gateway.close();
      expect(received).toHaveLength(1);
      expect(received[0]!.key).toBe('secret');
      // OTLP protobuf carries ids as raw bytes and names as UTF-8: the caller's trace and both spans are in it.
      const body = received[0]!.body;
      expect(body.includes(Buffer.from(CALLER_TRACE_ID, 'hex'))).toBe(true);
      expect(body.includes(Buffer.from('llm.call'))).toBe(true);
      expect(body.includes(Buffer.from('gen_ai.provider.name'))).toBe(true);
    } finally {
      server.forceShutdown();
    }
  });
});
