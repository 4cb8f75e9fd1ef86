import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayPlugin, PriceAttempt } from '../../src/core/pipeline/plugin.js';
import { startGateway, type CloseOptions, type RunningGateway } from '../../src/index.js';
import type { LogStore } from '../../src/stores/log-store.js';

/**
 * A gateway on 127.0.0.1 (port 0, silent logs unless a logger is given) configured from a config.json object, in an app dir
 * of its own (its SQLite job store is never shared with another test), removed on close.
 */
export async function startTestGateway(
  configObject: unknown,
  options: { logger?: Logger; plugins?: GatewayPlugin[]; price?: PriceAttempt; logStore?: LogStore; appDir?: string } = {},
): Promise<RunningGateway> {
  // An app dir the test gives is the test's to remove (a restart reuses it).
  const { appDir: givenDir, ...rest } = options;
  const ownDir = givenDir === undefined;
  const appDir = givenDir ?? mkdtempSync(join(tmpdir(), 'iris-test-'));
  const gateway = await startGateway({ appDir, port: 0, host: '127.0.0.1', logLevel: 'silent', logStyle: 'json', configObject, ...rest });
  return {
    ...gateway,
    async close(options?: CloseOptions) {
      await gateway.close(options);
      if (ownDir) rmSync(appDir, { recursive: true, force: true });
    },
  };
}
