import { startGateway } from "./dist/index.js";
import { mkdtempSync, mkdirSync } from "node:fs";
mkdirSync("/tmp/exp", { recursive: true });
const mode = process.argv[2];
const noop = { insertBatch: async () => {}, search: async () => ({}), stats: async () => ({}), get: async () => undefined, filterData: async () => ({}), delete: async () => 0, deleteOlderThan: async () => 0, hasLogs: async () => false, close: async () => {} };
const config = { providers: { openai: { keys: [{ name: "b", value: "sk", models: ["*"] }], network_config: { base_url: "http://127.0.0.1:19080" } } } };
if (mode === "off") { config.client = { enable_logging: false }; config.plugins = [{ name: "telemetry", enabled: false }]; }
if (mode === "metrics") { config.client = { enable_logging: false }; }
if (mode === "logonly") { config.plugins = [{ name: "telemetry", enabled: false }]; }
const g = await startGateway({ appDir: mkdtempSync("/tmp/exp/a-"), port: 19082, host: "127.0.0.1", logLevel: "warn", logStyle: "json", configObject: config, ...(mode === "noop" || mode === "logonly" ? { logStore: noop } : {}) });
console.log("ready", mode);
process.on("SIGINT", async () => { await g.close(); process.exit(0); });
