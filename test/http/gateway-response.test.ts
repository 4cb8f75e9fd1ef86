import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayResponse } from '../../src/http/gateway-response.js';

/** Every way a route can write a head must leave with the request's id. */
let server: Server<typeof IncomingMessage, typeof GatewayResponse> | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(write: (res: GatewayResponse) => void): Promise<Response> {
  server = createServer({ ServerResponse: GatewayResponse }, (_req, res) => {
    res.requestId = 'req-42';
    write(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

describe('GatewayResponse', () => {
  it.each([
    ['headers object', (res: GatewayResponse) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')],
    ['status message and headers', (res: GatewayResponse) => res.writeHead(200, 'Fine', { 'content-type': 'text/plain' }).end('ok')],
    ['flat header array', (res: GatewayResponse) => res.writeHead(200, ['content-type', 'text/plain']).end('ok')],
    ['no headers', (res: GatewayResponse) => res.writeHead(200).end('ok')],
    ['implicit head', (res: GatewayResponse) => res.end('ok')],
    [
      'setHeader then writeHead',
      (res: GatewayResponse) => {
        res.setHeader('content-type', 'text/plain');
        res.writeHead(200, { 'x-other': '1' }).end('ok');
      },
    ],
  ])('adds x-request-id with a %s', async (_label, write) => {
    const res = await serve(write);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(await res.text()).toBe('ok');
  });

  it('keeps an id the route set itself, once', async () => {
    const res = await serve((r) => r.writeHead(200, { 'x-request-id': 'own' }).end('ok'));
    expect(res.headers.get('x-request-id')).toBe('own');
  });

  it('keeps the route headers', async () => {
    const res = await serve((r) => r.writeHead(201, { 'content-type': 'application/json', 'x-a': 'b' }).end('{}'));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-a')).toBe('b');
  });
});
