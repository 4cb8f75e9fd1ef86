/**
 * The management API's admin login (`governance.auth_config`): Basic credentials, a session from
 * `POST /api/session/login` (Bearer or cookie), logout, `is-auth-enabled`; inference and /health
 * stay open. Without a login the API is open on loopback and closed (403, a start-up warning) when
 * the gateway listens beyond it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/index.js';
import { captureLogs } from '../support/captured-logs.js';
import { startTestGateway } from '../support/test-gateway.js';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!();
});

const AUTH = { is_enabled: true, admin_username: 'admin', admin_password: 'correct horse battery staple' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function gateway(config: object) {
  const running = await startTestGateway(config);
  opened.push(() => running.close());
  return running.url;
}

describe('admin login on the management API', () => {
  it('refuses /api/* without credentials, accepts Basic, a session token as Bearer or cookie, and logs out', async () => {
    const url = await gateway({ governance: { auth_config: AUTH } });
    expect((await fetch(`${url}/api/logs`)).status).toBe(401);
    expect((await fetch(`${url}/api/logs`, { headers: { authorization: basic('admin', 'wrong') } })).status).toBe(401);
    expect((await fetch(`${url}/api/logs`, { headers: { authorization: basic('admin', AUTH.admin_password) } })).status).toBe(200);

    const login = (username: string, password: string) =>
      fetch(`${url}/api/session/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const wrong = await login('admin', 'nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ is_bifrost_error: false, status_code: 401, error: { message: 'Invalid username or password' } });
    const ok = await login('admin', AUTH.admin_password);
    expect(ok.status).toBe(200);
    const { token, message } = (await ok.json()) as { token: string; message: string };
    expect(message).toBe('Login successful');
    expect(ok.headers.get('set-cookie')).toMatch(new RegExp(`^token=${token}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax$`));

    expect((await fetch(`${url}/api/logs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${url}/api/logs`, { headers: { cookie: `theme=dark; token=${token}` } })).status).toBe(200);
    const state = await (await fetch(`${url}/api/session/is-auth-enabled`, { headers: { cookie: `token=${token}` } })).json();
    expect(state).toEqual({ is_auth_enabled: true, has_valid_token: true, auth_type: 'password', inference_auth_enforced: false });

    expect((await fetch(`${url}/api/session/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${url}/api/logs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    // Health stays open; the admin login is never asked of inference.
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('keeps governance behind the login, but lets a virtual key read its own quota', async () => {
    const url = await gateway({
      providers: { openai: { keys: [{ name: 'k', value: 'sk-test', models: ['*'] }], network_config: { base_url: 'http://127.0.0.1:9' } } },
      governance: {
        auth_config: AUTH,
        virtual_keys: [{ id: 'v', name: 'alpha', value: 'sk-bf-alpha', provider_configs: [{ provider: 'openai', allowed_models: ['*'], key_ids: ['*'] }] }],
      },
    });
    expect((await fetch(`${url}/api/governance/virtual-keys`)).status).toBe(401);
    expect((await fetch(`${url}/api/governance/virtual-keys`, { headers: { authorization: basic('admin', AUTH.admin_password) } })).status).toBe(200);
    const quota = await fetch(`${url}/api/governance/virtual-keys/quota`, { headers: { 'x-bf-vk': 'sk-bf-alpha' } });
    expect(quota.status).toBe(200);
    expect(await quota.json()).toMatchObject({ virtual_key_name: 'alpha' });
  });

  it('answers a login when auth is off with 403, and a bad body with 400', async () => {
    const url = await gateway({});
    const post = (body: string) => fetch(`${url}/api/session/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(JSON.stringify({ username: 'a', password: 'b' }))).status).toBe(403);
    expect((await post('{"username": 1}')).status).toBe(400);
    expect(await (await fetch(`${url}/api/session/is-auth-enabled`)).json()).toMatchObject({ is_auth_enabled: false, auth_type: 'none' });
  });

  it('refuses a config that enables auth without a password', async () => {
    await expect(startTestGateway({ governance: { auth_config: { is_enabled: true, admin_username: 'admin' } } })).rejects.toThrow(
      /governance\.auth_config\.admin_password: is required when is_enabled is true/,
    );
  });

  it('closes the management API, and says how to open it, when listening beyond loopback with no login', async () => {
    const appDir = mkdtempSync(path.join(tmpdir(), 'iris-exposed-'));
    const logs = captureLogs();
    const running = await startGateway({ appDir, port: 0, host: '0.0.0.0', logLevel: 'silent', logStyle: 'json', configObject: {}, logger: logs.logger });
    opened.push(async () => {
      await running.close();
      rmSync(appDir, { recursive: true, force: true });
    });
    const port = new URL(running.url).port;
    const refused = await fetch(`http://127.0.0.1:${port}/api/logs`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('governance.auth_config');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(logs.messages(40).some((m) => m.startsWith('the management API (/api/*) is closed'))).toBe(true);
  });
});
