import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PostgresSettings } from '../../src/config/types.js';

/**
 * A throwaway PostgreSQL server for one test file: `initdb` into a temp dir, `pg_ctl start` on a free
 * port of 127.0.0.1 (and a socket in the same dir), trust auth, fsync off. PostgreSQL refuses to run
 * as root, so as root the cluster belongs to, and runs as, the `postgres` OS user. `.ci/run` installs
 * the binaries; without them `startPostgresServer` answers undefined and says so loudly.
 */
export interface PostgresServer {
  settings: PostgresSettings;
  stop(): Promise<void>;
}

const SEARCHED_BIN_ROOT = '/usr/lib/postgresql';
const USER = 'iris';
const START_TIMEOUT_S = 30;

/** Where initdb and pg_ctl are: PG_BIN, else the newest version under /usr/lib/postgresql, else PATH. */
function findBinDir(): string | undefined {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv && existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  if (existsSync(SEARCHED_BIN_ROOT)) {
    const versions = readdirSync(SEARCHED_BIN_ROOT)
      .filter((name) => existsSync(path.join(SEARCHED_BIN_ROOT, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(SEARCHED_BIN_ROOT, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  return which.status === 0 ? path.dirname(which.stdout.trim()) : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPostgresServer(): Promise<PostgresServer | undefined> {
  const bin = findBinDir();
  if (!bin) {
    console.error('\n*** PostgreSQL binaries (initdb, pg_ctl) not found: PostgreSQL tests are SKIPPED. Install them: apt-get install -y postgresql ***\n');
    return undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'iris-pg-'));
  const dataDir = path.join(dir, 'data');
  // As root: hand the dir to the postgres user and run every command as it.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run('pg_ctl', ['-D', dataDir, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', String(START_TIMEOUT_S), 'start']);
  // pg_ctl has returned; the server is the process named on postmaster.pid's first line.
  const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    settings: {
      host: '127.0.0.1',
      port,
      user: USER,
      password: undefined,
      database: 'postgres',
      sslMode: 'disable',
      maxOpenConns: 4,
      connMaxLifetimeMs: undefined,
    },
    async stop() {
      // SIGINT: PostgreSQL's fast shutdown (ends sessions, stops at once).
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      for (let waited = 0; waited < START_TIMEOUT_S * 10 && isRunning(pid); waited++) await new Promise((resolve) => setTimeout(resolve, 100));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
