/**
 * The `error_type` label of `bifrost_error_requests_total`, classified as Bifrost classifies it:
 * a wire marker first, then the status code (a 404 depends on whether the request addresses only
 * a model), then who made the error.
 */
import { describe, expect, it } from 'vitest';
import { classifyErrorType } from '../../src/plugins/telemetry/classify-error-type.js';
import { gatewayError, upstreamError } from '../../src/schema/error.js';
import type { RequestType } from '../../src/schema/request-type.js';

const CASES = [
  [upstreamError({ status: 401, message: 'bad key' }), 'chat_completion', 'provider_auth_failed'],
  [upstreamError({ status: 403, message: 'forbidden' }), 'chat_completion', 'provider_auth_failed'],
  [upstreamError({ status: 402, message: 'pay' }), 'chat_completion', 'provider_billing'],
  [upstreamError({ status: 429, message: 'slow down' }), 'chat_completion', 'provider_rate_limited'],
  [upstreamError({ status: 404, message: 'no such model' }), 'embedding', 'caller_model_unknown'],
  [upstreamError({ status: 404, message: 'no such file' }), 'chat_completion', 'caller_invalid_request'],
  [upstreamError({ status: 400, message: 'bad' }), 'chat_completion', 'caller_invalid_request'],
  [upstreamError({ status: 503, message: 'busy' }), 'chat_completion', 'provider_overloaded'],
  [upstreamError({ status: 529, message: 'overloaded' }), 'chat_completion', 'provider_overloaded'],
  [upstreamError({ status: 504, message: 'late' }), 'chat_completion', 'provider_timeout'],
  [upstreamError({ status: 500, message: 'broke' }), 'chat_completion', 'provider_server_error'],
  [gatewayError({ status: 499, message: 'client closed the request' }), 'chat_completion_stream', 'caller_cancelled'],
  [gatewayError({ status: 502, type: 'network_error', message: 'could not reach provider' }), 'chat_completion', 'provider_connection_failed'],
  [gatewayError({ status: 504, type: 'timeout_error', message: 'provider did not finish' }), 'chat_completion', 'provider_timeout'],
  [gatewayError({ status: 429, message: 'queue is full' }), 'chat_completion', 'bifrost_dropped'],
  [gatewayError({ status: 408, type: 'request_timed_out', message: 'late' }), 'chat_completion', 'provider_timeout'],
  [gatewayError({ status: 200, message: 'odd' }), 'chat_completion', 'bifrost_internal'],
  [upstreamError({ status: 200, message: 'odd' }), 'chat_completion', '_OTHER'],
] as const;

describe('classifyErrorType', () => {
  it.each(
    CASES.map(
      ([error, requestType, expected]) =>
        [
          `${error.is_bifrost_error ? 'gateway' : 'upstream'} ${error.status_code} ${error.type} (${requestType}) → ${expected}`,
          error,
          requestType,
          expected,
        ] as const,
    ),
  )('%s', (_title, error, requestType: RequestType, expected) => {
    expect(classifyErrorType(error, requestType)).toBe(expected);
  });
});
