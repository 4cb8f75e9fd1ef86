#!/usr/bin/env node
// The floor: the least a Node gateway can do. A node:http server that forwards every
// request, unparsed, to the upstream through an undici Pool and streams both bodies.
// No JSON parsing, no routing, no auth, no logging.
//
//   node bench/bare-proxy.mjs [port] [upstream]
//   (or PORT=... UPSTREAM=http://127.0.0.1:18080; defaults 18081 / http://127.0.0.1:18080)

import http from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const port = Number(process.argv[2] ?? process.env.PORT ?? 18081);
const upstream = process.argv[3] ?? process.env.UPSTREAM ?? 'http://127.0.0.1:18080';
const host = process.env.HOST ?? '127.0.0.1';

const pool = new Pool(upstream, {
  connections: Number(process.env.CONNECTIONS ?? 128),
  pipelining: 1,
  keepAliveTimeout: 60_000,
});

// Hop-by-hop headers (RFC 9110 §7.6.1) plus host; undici rejects some of them anyway.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'expect',
]);

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

const server = http.createServer((req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool.request(
    {
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req.rawHeaders),
      body: hasBody ? req : null,
    },
    (err, up) => {
      if (err) return fail(res, err);
      const headers = {};
      const h = up.headers;
      for (const name in h) if (!HOP.has(name)) headers[name] = h[name];
      res.writeHead(up.statusCode, headers);
      pipeline(up.body, res, (e) => {
        if (e && !res.destroyed) res.destroy(e);
      });
    },
  );
});

server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, host, () => {
  console.log(`bare-proxy listening on http://${host}:${port} -> ${upstream}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
