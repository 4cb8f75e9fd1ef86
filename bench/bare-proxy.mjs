#!/usr/bin/env node
// The floor: the least a Node gateway can do. A node:http server that forwards every
// request, unparsed, to the upstream through an undici Pool (pipelining 1, 128
// connections) and streams both bodies: the incoming request is the upstream request's
// body, the upstream response is written straight into the outgoing response.
// No JSON parsing, no routing, no auth, no logging.
//
//   node bench/bare-proxy.mjs [port] [upstream]
//   (or PORT=... UPSTREAM=http://127.0.0.1:18080; defaults 18081 / http://127.0.0.1:18080)
//
// BARE_PROXY_API selects the undici API used for the upstream call:
//   stream  (default) pool.stream(): undici writes the upstream body directly into `res`.
//   request           pool.request() + stream.pipeline(up.body, res). Same semantics, but an
//                     extra Readable per response; measured ~1.5-2x slower on the bench box,
//                     so it is not the floor. Useful to see what that choice costs.

import http from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const port = Number(process.argv[2] ?? process.env.PORT ?? 18081);
const upstream = process.argv[3] ?? process.env.UPSTREAM ?? 'http://127.0.0.1:18080';
const host = process.env.HOST ?? '127.0.0.1';
const api = process.env.BARE_PROXY_API ?? 'stream';
if (api !== 'stream' && api !== 'request') throw new Error(`BARE_PROXY_API must be stream or request, got ${api}`);

const pool = new Pool(upstream, {
  connections: Number(process.env.CONNECTIONS ?? 128),
  pipelining: 1,
  keepAliveTimeout: 60_000,
});

// Hop-by-hop headers (RFC 9110 §7.6.1) plus host; undici rejects some of them anyway.
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'expect']);

function forwardHeaders(raw) {
  // raw: flat [name, value, name, value, ...] array (req.rawHeaders / undici rawHeaders)
  const out = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = String(raw[i]).toLowerCase();
    if (HOP.has(name)) continue;
    const v = String(raw[i + 1]);
    out[name] = out[name] === undefined ? v : `${out[name]}, ${v}`;
  }
  return out;
}

function fail(res, err) {
  if (!res.headersSent) {
    const body = JSON.stringify({ error: { message: `bare-proxy upstream error: ${err.message}` } });
    res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.destroy(err);
  }
}

function responseHeaders(h) {
  const out = {};
  for (const name in h) if (!HOP.has(name)) out[name] = h[name];
  return out;
}

function viaStream(req, res, opts) {
  pool.stream(
    opts,
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, responseHeaders(headers));
      return res; // undici writes the upstream body into it and ends it
    },
    (err) => {
      if (err) fail(res, err);
    },
  );
}

function viaRequest(req, res, opts) {
  pool.request(opts, (err, up) => {
    if (err) return fail(res, err);
    res.writeHead(up.statusCode, responseHeaders(up.headers));
    pipeline(up.body, res, (e) => {
      if (e && !res.destroyed) res.destroy(e);
    });
  });
}

const forward = api === 'stream' ? viaStream : viaRequest;

const server = http.createServer((req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  forward(req, res, {
    method: req.method,
    path: req.url,
    headers: forwardHeaders(req.rawHeaders),
    body: hasBody ? req : null,
  });
});

server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, host, () => {
  console.log(`bare-proxy (${api}) listening on http://${host}:${port} -> ${upstream}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
