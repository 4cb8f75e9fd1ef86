import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { loadConfig, buildConfig, type StartOptions } from "./config/load.js";
import type { GatewayConfig } from "./config/types.js";
import { Engine } from "./core/engine.js";
import { createGatewayServer } from "./http/server.js";
import { createLogger } from "./logger.js";

export interface RunningGateway {
  url: string;
  port: number;
  config: GatewayConfig;
  close(): Promise<void>;
}

export interface GatewayOptions extends StartOptions {
  /** A config.json object to use instead of reading APP_DIR/config.json (tests, embedding). */
  configObject?: unknown;
  logger?: Logger;
}

/** Loads config, starts the engine and the HTTP server; resolves once listening. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const config = options.configObject === undefined ? loadConfig(options) : buildConfig(options, options.configObject);
  const logger = options.logger ?? createLogger(config.logLevel, config.logStyle);
  const engine = new Engine(config);
  const server = createGatewayServer({ engine, logger, maxBodyBytes: config.client.maxRequestBodyBytes });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, providers: engine.providerNames, appDir: config.appDir }, "iris listening");
  return {
    url,
    port,
    config,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

export { ConfigError } from "./config/load.js";
