/**
 * The hostile corpus against the built gateway in its own process: every case must end with an
 * answer (no crash, no hang), none with a gateway-made 5xx, and nothing the mock upstream receives
 * may be smuggled. The counts are printed, so a run against an older build shows what changed.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { buildRouter } from '../../src/http/server.js';
import type { ServerDeps } from '../../src/http/server.js';
import { buildGateway, startGatewayProcess } from '../support/child-gateway.js';
import type { BuiltGateway, GatewayProcess } from '../support/child-gateway.js';
import { startMockUpstream } from '../support/mock-upstream.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { hostileCorpus } from './hostile-corpus.js';
import type { HostileCase } from './hostile-corpus.js';
import { answerChats, hostileConfig, sendRaw, smuggling } from './hostile-setup.js';

let built: BuiltGateway;
let mock: MockUpstream;
let gateway: GatewayProcess;

const config = (): Record<string, unknown> => hostileConfig(mock.url);

beforeAll(async () => {
  built = await buildGateway();
  mock = await startMockUpstream();
  answerChats(mock);
  gateway = await startGatewayProcess(built, config());
}, 60_000);

afterAll(async () => {
  gateway?.stop();
  await mock?.close();
  built?.remove();
});

/** Every route the gateway registers (the router lists them; its handlers are never called here). */
function servedRoutes(): Array<{ method: string; path: string }> {
  const deps = { engine: {}, logger: {} as Logger, asyncJobs: {}, client: { headerFilter: { allowlist: [], denylist: [] } } } as unknown as ServerDeps;
  return buildRouter(deps).list();
}

interface Findings {
  crashes: string[];
  hangs: string[];
  gateway5xx: string[];
  smuggled: string[];
  answered4xx: number;
  answered2xx: number;
  upstreamErrors: number;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await sendRaw(url, { method: 'GET', path: '/health' }, 3_000)).status === 200;
  } catch {
    return false;
  }
}

async function runCorpus(cases: readonly HostileCase[]): Promise<Findings> {
  const found: Findings = { crashes: [], hangs: [], gateway5xx: [], smuggled: [], answered4xx: 0, answered2xx: 0, upstreamErrors: 0 };
  for (const hostile of cases) {
    const seen = mock.requests.length;
    try {
      const reply = await sendRaw(gateway.url, hostile, 8_000);
      const madeByGateway = (reply.json as { is_bifrost_error?: unknown } | undefined)?.is_bifrost_error !== false;
      if (reply.status >= 500 && madeByGateway) found.gateway5xx.push(`${hostile.name} → ${reply.status} ${reply.text.slice(0, 160)}`);
      else if (reply.status >= 400 && !madeByGateway) found.upstreamErrors++;
      else if (reply.status >= 400) found.answered4xx++;
      else found.answered2xx++;
    } catch (err) {
      if (await healthy(gateway.url)) {
        found.hangs.push(`${hostile.name}: ${(err as Error).message}`);
      } else {
        found.crashes.push(hostile.name);
        gateway.stop();
        gateway = await startGatewayProcess(built, config());
      }
    }
    for (const upstream of mock.requests.slice(seen)) {
      const why = smuggling(upstream, mock.url);
      if (why) found.smuggled.push(`${hostile.name}: ${why}`);
    }
  }
  return found;
}

describe('the hostile corpus', () => {
  it('never stops the gateway, never gets a gateway-made 5xx, never smuggles a request upstream', async () => {
    const cases = hostileCorpus(servedRoutes());
    expect(cases.length).toBeGreaterThan(1000);
    const found = await runCorpus(cases);
    console.log(
      `hostile corpus: ${cases.length} requests; crashes ${found.crashes.length}, hangs ${found.hangs.length}, gateway 5xx ${found.gateway5xx.length}, ` +
        `smuggled ${found.smuggled.length}; gateway 4xx ${found.answered4xx}, upstream errors ${found.upstreamErrors}, 2xx ${found.answered2xx}`,
    );
    // HOSTILE_REPORT=<file> keeps every finding, for comparing builds.
    if (process.env['HOSTILE_REPORT']) writeFileSync(process.env['HOSTILE_REPORT'], JSON.stringify(found, null, 2));
    expect(found.crashes).toEqual([]);
    expect(found.hangs).toEqual([]);
    expect(found.gateway5xx).toEqual([]);
    expect(found.smuggled).toEqual([]);
    expect(await healthy(gateway.url)).toBe(true);
  }, 300_000);
});
