import type { Logger } from "pino";
import type { StreamChunk } from "../../core/engine-result.js";
import type { AttemptHooks, GatewayPlugin } from "../../core/pipeline/plugin.js";
import type { LogStore } from "../../stores/log-store.js";
import { LogRetention } from "./log-retention.js";
import { LogWriter, type LogWriterOptions } from "./log-writer.js";

export interface LoggingSettings extends LogWriterOptions {
  /** `client.log_retention_days`. */
  retentionDays: number;
}

export interface LoggingPlugin extends GatewayPlugin {
  /** Rows dropped because the queue was full or the store failed (`GET /api/logs/dropped`). */
  dropped(): number;
  /** Writes every queued row now (tests, shutdown). */
  flush(): Promise<void>;
}

/**
 * Bifrost's `logging` plugin: every attempt becomes one row of the request log. The hooks only
 * queue the ended attempt (and, for a stream with content logging on, its chunks as they pass);
 * the row is built and written by the log writer, off the request path.
 */
export function createLoggingPlugin(store: LogStore, settings: LoggingSettings, logger: Logger): LoggingPlugin {
  const writer = new LogWriter(store, settings, logger);
  const retention = new LogRetention(store, settings.retentionDays, logger);
  retention.start();
  // A request that is not streamed needs nothing per attempt: one hooks object serves them all.
  const plainHooks: AttemptHooks = { postHook: (end, attempt) => writer.enqueue({ attempt, end, chunks: undefined }) };
  return {
    name: "logging",
    preHook(attempt) {
      if (!attempt.request.stream || !settings.contentLogging) return plainHooks;
      const chunks: StreamChunk[] = [];
      return {
        chunkHook: (chunk) => {
          chunks.push(chunk);
        },
        postHook: (end) => writer.enqueue({ attempt, end, chunks }),
      };
    },
    dropped: () => writer.dropped,
    flush: () => writer.flush(),
    // The store is its owner's to close (the gateway closes the one it opened, after the plugins).
    async close() {
      await retention.close();
      await writer.close();
    },
  };
}
