import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.js';
import { replyJson, startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { chatBody, chatCompletion, expectBifrostError, postChat, providerAt, startTestGateway, toJsonReply } from './gateway-harness.js';
import type { BifrostErrorBody, JsonReply } from './gateway-harness.js';

const CHAT_PATH = '/v1/chat/completions';
/** client.max_request_body_size_mb 0.001 = 1,048 bytes. */
const MAX_BODY_BYTES = Math.floor(0.001 * 1024 * 1024);

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  mock.on('POST', CHAT_PATH, (_req, res) => replyJson(res, 200, chatCompletion('still serving')));
  gateway = await startTestGateway({
    client: { max_request_body_size_mb: 0.001 },
    providers: {
      openai: providerAt(mock.url, { keys: [{ name: 'only-4o', value: 'sk-test', models: ['gpt-4o-mini', 'gpt-4o'] }] }),
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

function send(body: string | undefined, contentType = 'application/json', method = 'POST', path = CHAT_PATH): Promise<JsonReply> {
  return fetch(`${gateway.url}${path}`, {
    method,
    ...(contentType ? { headers: { 'content-type': contentType } } : {}),
    ...(body === undefined ? {} : { body }),
  }).then(toJsonReply);
}

/** Asserts a 4xx BifrostError made by the gateway whose message matches, that nothing went upstream, and that the gateway still serves. */
async function expectRejected(reply: JsonReply, status: number, message: RegExp): Promise<BifrostErrorBody> {
  const err = expectBifrostError(reply, status);
  expect(err.is_bifrost_error).toBe(true);
  expect(err.error.message).toMatch(message);
  expect(mock.requests).toHaveLength(0);
  await expectStillServing();
  return err;
}

async function expectStillServing(): Promise<void> {
  const ok = await postChat(gateway, chatBody());
  expect(ok.status, ok.text).toBe(200);
  expect(mock.requests).toHaveLength(1);
  mock.clearRequests();
}

describe('malformed requests get a 4xx BifrostError saying what is wrong', () => {
  it('malformed JSON', async () => {
    await expectRejected(await send('{"model": "openai/gpt-4o-mini", "messages": ['), 400, /not valid JSON/);
  });

  it('empty body', async () => {
    await expectRejected(await send(''), 400, /empty/);
  });

  it('a JSON body that is not an object', async () => {
    await expectRejected(await send('["openai/gpt-4o-mini"]'), 400, /expected object, received array/);
  });

  it('missing model', async () => {
    const err = await expectRejected(await send(JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })), 400, /model is required/);
    expect(err.error.param).toBe('model');
  });

  it('missing messages', async () => {
    const err = await expectRejected(await send(JSON.stringify({ model: 'openai/gpt-4o-mini' })), 400, /messages is required/);
    expect(err.error.param).toBe('messages');
  });

  it('messages not an array', async () => {
    await expectRejected(await send(JSON.stringify({ model: 'openai/gpt-4o-mini', messages: 'hello' })), 400, /messages.*array/);
  });

  it('empty messages array', async () => {
    await expectRejected(await send(JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] })), 400, /messages must not be empty/);
  });

  it('a message with an unknown role', async () => {
    const err = await expectRejected(
      await send(JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'wizard', content: 'hi' }] })),
      400,
      /messages\[0\]\.role: role must be one of/,
    );
    expect(err.error.param).toBe('messages.0.role');
  });

  it('temperature of the wrong type ("hot")', async () => {
    const err = await expectRejected(
      await send(JSON.stringify(chatBody('openai/gpt-4o-mini', { temperature: 'hot' }))),
      400,
      /^temperature: .*expected number, received string/,
    );
    expect(err.error.param).toBe('temperature');
  });

  it('stream of the wrong type ("yes")', async () => {
    await expectRejected(await send(JSON.stringify(chatBody('openai/gpt-4o-mini', { stream: 'yes' }))), 400, /stream must be true or false/);
  });

  it('fallbacks that are not provider/model strings', async () => {
    await expectRejected(await send(JSON.stringify(chatBody('openai/gpt-4o-mini', { fallbacks: ['gpt-4o'] }))), 400, /fallbacks\[0\].*provider\/model/);
  });

  it('unknown provider', async () => {
    await expectRejected(await send(JSON.stringify(chatBody('mystery/model-1'))), 400, /provider 'mystery' is not configured.*openai/);
  });

  it('model without a provider on /v1', async () => {
    await expectRejected(await send(JSON.stringify(chatBody('gpt-4o-mini'))), 400, /provider\/model/);
  });

  it('a model no key allows', async () => {
    await expectRejected(await send(JSON.stringify(chatBody('openai/o3-mini'))), 400, /o3-mini/);
  });

  it('body over client.max_request_body_size_mb (content-length) → 413', async () => {
    const big = JSON.stringify(chatBody('openai/gpt-4o-mini', { padding: 'x'.repeat(MAX_BODY_BYTES * 2) }));
    const err = await expectRejected(await send(big), 413, /larger than .*max_request_body_size_mb/);
    expect(err.error.code).toBe('request_too_large');
  });

  it('chunked body over client.max_request_body_size_mb → 413', async () => {
    const piece = new TextEncoder().encode('x'.repeat(512));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"model":"openai/gpt-4o-mini","padding":"'));
        if (sent >= 8) return controller.close();
        sent++;
        controller.enqueue(piece);
      },
    });
    const res = await fetch(`${gateway.url}${CHAT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    });
    await expectRejected(await toJsonReply(res), 413, /larger than/);
  });

  it('wrong content type (text/plain) → 415', async () => {
    await expectRejected(await send(JSON.stringify(chatBody()), 'text/plain'), 415, /content-type must be application\/json.*text\/plain/);
  });

  it('unknown route → 404', async () => {
    await expectRejected(
      await send(JSON.stringify(chatBody()), 'application/json', 'POST', '/v1/chat/completion'),
      404,
      /no route for POST \/v1\/chat\/completion/,
    );
  });

  it('wrong method → 405', async () => {
    await expectRejected(await send(undefined, '', 'GET', CHAT_PATH), 405, /GET is not allowed on \/v1\/chat\/completions/);
  });

  it('embeddings with stream: true', async () => {
    const reply = await send(JSON.stringify({ model: 'openai/gpt-4o-mini', input: 'hi', stream: true }), 'application/json', 'POST', '/v1/embeddings');
    await expectRejected(reply, 400, /cannot be streamed/);
  });
});
