import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type CloseOptions, type GatewayOptions, type RunningGateway } from '../../src/index.js';

/**
 * A gateway on 127.0.0.1 (port 0, silent logs unless a logger is given) configured from a config.json object, in an app dir
 * of its own (its SQLite job store is never shared with another test), removed on close.
 */
export async function startTestGateway(configObject: unknown, options: Pick<GatewayOptions, 'logger' | 'logStore'> = {}): Promise<RunningGateway> {
  const appDir = mkdtempSync(join(tmpdir(), 'iris-test-'));
  const gateway = await startGateway({ appDir, port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json', configObject, ...options });
  return {
    ...gateway,
    async close(options?: CloseOptions) {
      await gateway.close(options);
      rmSync(appDir, { recursive: true, force: true });
    },
  };
}
