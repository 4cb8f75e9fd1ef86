/**
 * Errors on the /anthropic surface leave in Anthropic's shape, `{type:'error', error:{type, message}}`,
 * with the error type Anthropic uses for the status; an Anthropic upstream's own type is kept.
 */
import { describe, expect, it } from 'vitest';
import { gatewayError, upstreamError } from '../../../src/schema/error.js';
import { anthropicErrorBody } from '../../../src/integrations/anthropic/anthropic-error-response.js';
import { readJsonBody } from '../../support/fixtures.js';
import { configuredProvider } from '../stream-reassembly.js';
import { ERROR_BODY } from './anthropic-recordings.js';

describe('anthropic error body', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [529, 'overloaded_error'],
  ])('gives status %i the type %s', (status, type) => {
    const body = anthropicErrorBody(upstreamError({ status, message: `failed with ${status}`, type: 'server_error' }));

    expect(body).toEqual({ type: 'error', error: { type, message: `failed with ${status}` } });
  });

  it('keeps the recorded Anthropic error’s own type and message', () => {
    const anthropic = configuredProvider('anthropic');
    const details = anthropic.adapter.decodeError(400, JSON.stringify(readJsonBody(ERROR_BODY)));

    const body = anthropicErrorBody(upstreamError(details));

    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^messages\.2\.content\.0: unexpected `tool_use_id`/);
  });

  it('names a 401 authentication_error even when the upstream called it invalid_request_error', () => {
    const body = anthropicErrorBody(upstreamError({ status: 401, message: 'Incorrect API key provided', type: 'invalid_request_error' }));

    expect(body.error).toEqual({ type: 'authentication_error', message: 'Incorrect API key provided' });
  });

  it('answers a gateway-made 400 as invalid_request_error', () => {
    expect(anthropicErrorBody(gatewayError({ status: 400, message: 'bad', param: 'model' })).error.type).toBe('invalid_request_error');
  });
});
