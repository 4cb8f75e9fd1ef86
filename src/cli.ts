#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { DEFAULTS, LOG_LEVELS, type LogLevel } from "./config/defaults.js";
import { ConfigError, startGateway } from "./index.js";
import { createLogger } from "./logger.js";

const USAGE = `usage: iris [--app-dir DIR] [--port N] [--host ADDR] [--log-level LEVEL] [--log-style json|pretty]`;

/** Bifrost spells its flags with one dash (`-app-dir`); accept both. */
function normalizeFlags(argv: string[]): string[] {
  return argv.map((arg) => (/^-[a-z][a-z-]+(=.*)?$/.test(arg) ? `-${arg}` : arg));
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/**
 * Almost everything a gateway allocates dies with its request. V8's default lets the old generation
 * grow several-fold between full collections, which under load holds tens of MB of such garbage; 20 %
 * steps keep the resident size close to what is live (bench/README.md).
 * `node --heap-growing-percent=N dist/cli.js` overrides it (0: V8's own heuristics).
 */
const HEAP_GROWING_PERCENT = 20;

/** How long a stopping gateway lets requests in flight finish (inside Kubernetes' default 30 s grace period). */
const SHUTDOWN_DRAIN_MS = 25_000;

function main(): void {
  if (!process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: normalizeFlags(process.argv.slice(2)),
      options: {
        "app-dir": { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "log-level": { type: "string" },
        "log-style": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values["help"]) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = process.env;
  const appDir = String(values["app-dir"] ?? env["APP_DIR"] ?? DEFAULTS.appDir);
  const portText = String(values["port"] ?? env["APP_PORT"] ?? DEFAULTS.port);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got '${portText}'`);
  const logLevel = String(values["log-level"] ?? env["LOG_LEVEL"] ?? DEFAULTS.logLevel);
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) fail(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got '${logLevel}'`);
  const logStyle = String(values["log-style"] ?? env["LOG_STYLE"] ?? DEFAULTS.logStyle);
  if (logStyle !== "json" && logStyle !== "pretty") fail(`--log-style must be json or pretty, got '${logStyle}'`);
  mkdirSync(appDir, { recursive: true });
  const logger = createLogger(logLevel as LogLevel, logStyle);
  // A promise rejected with nobody listening is a bug to log, never a reason to stop serving everyone else.
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection"));
  startGateway({
    appDir,
    port,
    host: String(values["host"] ?? env["APP_HOST"] ?? DEFAULTS.host),
    logLevel: logLevel as LogLevel,
    logStyle,
    logger,
  }).then(
    (gateway) => {
      // The first signal drains (requests in flight finish, up to SHUTDOWN_DRAIN_MS); a second one stops at once.
      let stopping = false;
      const stop = (): void => {
        if (stopping) process.exit(1);
        stopping = true;
        void gateway.close({ drainMs: SHUTDOWN_DRAIN_MS }).then(() => process.exit(0));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    },
    (err: unknown) => {
      if (err instanceof ConfigError) fail(err.message);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE" || code === "EACCES") fail(`cannot listen: ${(err as Error).message}`);
      fail(`iris failed to start: ${(err as Error).message}`);
    },
  );
}

main();
