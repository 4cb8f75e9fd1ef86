/**
 * Upstream error bodies, as real providers send them, keep the provider's own message,
 * type, code and param all the way into the BifrostError a client receives.
 */
import { describe, expect, it } from 'vitest';
import { upstreamError } from '../../src/schema/error.js';
import { decodeUpstreamErrorBody } from '../../src/providers/upstream-error.js';
import { readFixtureText, readVcr, vcrResponseBody } from '../support/fixtures.js';
import { configuredProvider, decodeWire } from './stream-reassembly.js';

const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';

describe('recorded provider error bodies', () => {
  it('OpenAI unsupported parameter (400) keeps message, type, code and param', () => {
    const details = decodeUpstreamErrorBody(400, readFixtureText('openai/chat/reasoning-model-legacy-parameter-error.json'));
    expect(details).toEqual({
      status: 400,
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: 'invalid_request_error',
      code: 'unsupported_parameter',
      param: 'max_tokens',
    });
  });

  it('OpenAI insufficient quota (429) keeps its type and code, with no param', () => {
    const details = decodeUpstreamErrorBody(429, readFixtureText('openai/responses/openai-error.1.json'));
    expect(details).toMatchObject({ status: 429, message: QUOTA_MESSAGE, type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(details.param ?? null).toBeNull();
  });

  it('the o1-mini developer-role rejection from a real exchange keeps param messages[0].role', () => {
    const [interaction] = readVcr('openai/chat/pydantic-ai/test_openai_o1_mini_system_role[developer].yaml').interactions;
    if (!interaction) throw new Error('cassette has no interaction');
    const details = decodeUpstreamErrorBody(interaction.response.status, vcrResponseBody(interaction.response).toString('utf8'));
    expect(details).toEqual({
      status: 400,
      message: "Unsupported value: 'messages[0].role' does not support 'developer' with this model.",
      type: 'invalid_request_error',
      code: 'unsupported_value',
      param: 'messages[0].role',
    });
  });

  it('a Google-style error keeps the message, the status word as type and the numeric code', () => {
    const details = decodeUpstreamErrorBody(429, readFixtureText('google/google-429-retry-info.json'));
    expect(details).toMatchObject({
      status: 429,
      message: 'You exceeded your current quota, please check your plan.',
      type: 'RESOURCE_EXHAUSTED',
      code: '429',
    });
  });

  it('an Anthropic-style error keeps its message and type', () => {
    const details = decodeUpstreamErrorBody(400, readFixtureText('anthropic/anthropic-issue-17366-error.json'));
    expect(details).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(details.message).toMatch(/^messages\.2\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks/);
  });
});

describe('other error body shapes', () => {
  it('a FastAPI-style {detail} body gives its detail as the message', () => {
    expect(decodeUpstreamErrorBody(404, JSON.stringify({ detail: 'Model not found' }))).toMatchObject({
      status: 404,
      message: 'Model not found',
    });
  });

  it('a flat {message, type, code} body (Mistral and others) is read', () => {
    const body = { object: 'error', message: 'Invalid model: mistral-huge', type: 'invalid_model', param: null, code: '1500' };
    expect(decodeUpstreamErrorBody(400, JSON.stringify(body))).toMatchObject({
      status: 400,
      message: 'Invalid model: mistral-huge',
      type: 'invalid_model',
      code: '1500',
    });
  });

  it('an {error: "text"} body gives the text as the message', () => {
    expect(decodeUpstreamErrorBody(401, JSON.stringify({ error: 'Invalid API key' })).message).toBe('Invalid API key');
  });

  it('plain text is the message as sent', () => {
    const text = 'upstream connect error or disconnect/reset before headers. reset reason: overflow';
    expect(decodeUpstreamErrorBody(503, text)).toEqual({ status: 503, message: text });
  });

  it('an empty body still explains what happened, with the status', () => {
    const details = decodeUpstreamErrorBody(502, '');
    expect(details.status).toBe(502);
    expect(details.message).toContain('502');
  });

  it('an HTML error page is cut to a readable length', () => {
    const page = `<html><body>${'x'.repeat(5000)}</body></html>`;
    const details = decodeUpstreamErrorBody(500, page);
    expect(details.message.startsWith('<html><body>xxx')).toBe(true);
    expect(details.message.length).toBeLessThanOrEqual(500);
  });
});

describe('what the client receives', () => {
  it("an upstream error becomes a BifrostError with the provider's words and is_bifrost_error false", () => {
    const { adapter } = configuredProvider('openai');
    const body = upstreamError(adapter.decodeError(400, readFixtureText('openai/chat/reasoning-model-legacy-parameter-error.json')));
    expect(body).toMatchObject({
      is_bifrost_error: false,
      status_code: 400,
      type: 'invalid_request_error',
      error: {
        type: 'invalid_request_error',
        code: 'unsupported_parameter',
        param: 'max_tokens',
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      },
    });
  });

  it('every OpenAI-family adapter reads errors the same way', () => {
    const text = readFixtureText('openai/responses/openai-error.1.json');
    const expected = decodeUpstreamErrorBody(429, text);
    for (const adapter of [
      configuredProvider('openai').adapter,
      configuredProvider('mistral').adapter,
      configuredProvider('groq').adapter,
      configuredProvider('azure').adapter,
    ]) {
      expect(adapter.decodeError(429, text)).toEqual(expected);
    }
  });

  it("an error object inside a chat stream becomes an error event with the provider's message", async () => {
    const { adapter, call } = configuredProvider('openai');
    const errorBody = JSON.stringify(JSON.parse(readFixtureText('openai/responses/openai-error.1.json')));
    const events = await decodeWire(`data: ${errorBody}\n\n`, () => adapter.streamDecoder('chat', call('chat', 'gpt-4o', { stream: true })), 7);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.kind).toBe('error');
    expect(event?.kind === 'error' && event.error).toMatchObject({ message: QUOTA_MESSAGE, type: 'insufficient_quota', code: 'insufficient_quota' });
  });
});
