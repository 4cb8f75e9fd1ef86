/**
 * Virtual-key JWTs: a Bearer JWT verified with jose against a JWKS the test serves on 127.0.0.1 (or
 * a PEM key, or a shared secret) is governed as the virtual key its claim names; expired,
 * not-yet-valid, wrong issuer or audience, `alg: none`, algorithm confusion and a claim naming no key
 * are refused; a token signed by a key the JWKS gained after it was fetched is accepted (refetch on
 * an unknown `kid`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, chatCompletion, providerAt } from '../gateway/gateway-harness.js';
import { replyJson, startMockUpstream } from '../support/mock-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const VK = 'sk-bf-jwt-team-0001';
const ISSUER = 'https://idp.example';
const AUDIENCE = 'iris';
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!();
});

async function rsaKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, publicKey, privateKey, jwk };
}

/** A JWKS endpoint whose key set the test can change. */
async function jwksServer(keys: JWK[]): Promise<{ url: string; keys: JWK[]; fetches: () => number }> {
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, keys, fetches: () => fetches };
}

async function gatewayWith(jwt: object) {
  const mock = await startMockUpstream();
  mock.on('POST', '/v1/chat/completions', (_req, res) => replyJson(res, 200, chatCompletion('hello')));
  const gateway = await startTestGateway({
    providers: { openai: providerAt(mock.url) },
    governance: {
      auth_config: { jwt },
      virtual_keys: [{ id: 'vk-1', name: 'alpha', value: VK, provider_configs: [{ provider: 'openai', allowed_models: ['*'], key_ids: ['*'] }] }],
    },
  });
  opened.push(async () => {
    await gateway.close();
    await mock.close();
  });
  return async (token: string) => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(chatBody()),
    });
    const body = (await res.json()) as { type?: string; error?: { message: string } };
    return { status: res.status, type: body.type, message: body.error?.message };
  };
}

function token(claims: Record<string, unknown> = { virtual_key: 'vk-1' }) {
  return new SignJWT(claims).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m');
}

describe('virtual-key JWTs against a JWKS', () => {
  it('governs a valid token as the key its claim names (by id or by value), and refuses every bad one', async () => {
    const current = await rsaKey('k1');
    const jwks = await jwksServer([current.jwk]);
    const send = await gatewayWith({ jwks_url: jwks.url, algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE, jwks_refetch_cooldown_seconds: 0 });
    const signed = (jwt: SignJWT) => jwt.setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(current.privateKey);

    expect((await send(await signed(token()))).status).toBe(200);
    expect((await send(await signed(token({ virtual_key: VK })))).status).toBe(200);

    const now = Math.floor(Date.now() / 1000);
    const refusals = {
      expired: await signed(token().setExpirationTime(now - 120)),
      notYetValid: await signed(token().setNotBefore(now + 600)),
      wrongIssuer: await signed(token().setIssuer('https://evil.example')),
      wrongAudience: await signed(token().setAudience('someone-else')),
      unsigned: new UnsecuredJWT({ virtual_key: 'vk-1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode(),
      // Algorithm confusion: HS256 keyed with the RSA public key everyone may hold.
      confused: await token()
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .sign(new TextEncoder().encode(await exportSPKI(current.publicKey))),
      noClaim: await signed(token({ sub: 'someone' })),
    };
    for (const [name, bad] of Object.entries(refusals)) {
      const answer = await send(bad);
      expect({ name, status: answer.status, type: answer.type }).toEqual({ name, status: 401, type: 'invalid_jwt' });
      expect(answer.message).toMatch(/^the Bearer JWT was refused: /);
    }
    expect(await send(await signed(token({ virtual_key: 'vk-nobody' })))).toMatchObject({ status: 403, type: 'virtual_key_not_found' });
  });

  it('fetches the key set again for a kid it does not know (a rotated key)', async () => {
    const first = await rsaKey('k1');
    const jwks = await jwksServer([first.jwk]);
    const send = await gatewayWith({ jwks_url: jwks.url, algorithms: ['RS256'], jwks_refetch_cooldown_seconds: 0 });
    expect((await send(await token().setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(first.privateKey))).status).toBe(200);
    const fetchesBefore = jwks.fetches();
    const rotated = await rsaKey('k2');
    jwks.keys.push(rotated.jwk);
    expect((await send(await token().setProtectedHeader({ alg: 'RS256', kid: 'k2' }).sign(rotated.privateKey))).status).toBe(200);
    expect(jwks.fetches()).toBeGreaterThan(fetchesBefore);
  });
});

describe('virtual-key JWTs with a PEM key or a shared secret', () => {
  it('verifies against a PEM public key', async () => {
    const key = await rsaKey('pem');
    const send = await gatewayWith({ public_key: await exportSPKI(key.publicKey), algorithms: ['RS256'] });
    expect((await send(await token().setProtectedHeader({ alg: 'RS256' }).sign(key.privateKey))).status).toBe(200);
  });

  it('verifies against a shared secret, and refuses a token signed with another', async () => {
    const secret = 'a-shared-secret-of-at-least-32-characters';
    const send = await gatewayWith({ secret, algorithms: ['HS256'] });
    expect((await send(await token().setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret)))).status).toBe(200);
    const forged = await token().setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-of-at-least-32-characters'));
    expect(await send(forged)).toMatchObject({ status: 401, type: 'invalid_jwt' });
  });

  it('refuses a config that pairs HS* with a public key, or gives no key', async () => {
    await expect(gatewayWith({ jwks_url: 'http://127.0.0.1:9/jwks.json', algorithms: ['HS256'] })).rejects.toThrow(/algorithms: HS\* algorithms need a secret/);
    await expect(gatewayWith({ algorithms: ['RS256'] })).rejects.toThrow(/exactly one of jwks_url, public_key, secret/);
  });
});
