import { writeFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import type { LogsStoreSettings } from "./config/types.js";
import { openLogStoreHere } from "./open-stores.js";
import { serveLogWrites, type LogWriteReply } from "./stores/threaded/log-write-protocol.js";

/**
 * The request log's writer thread (started by openLogStore): opens the store `workerData` names as
 * its writer, with the content indexer, and serves the gateway thread's writes until told to close.
 */
const port = parentPort;
if (port) {
  // Linux: named in ps/top (`ps -L`), so an operator (or bench/run.sh) can tell it from the request thread.
  try {
    writeFileSync("/proc/thread-self/comm", "iris-log-writer");
  } catch {
    // Not Linux, or no procfs: the thread keeps its default name.
  }
  const say = (reply: LogWriteReply) => port.postMessage(reply);
  const describe = (message: string, err: unknown) => (err instanceof Error ? `${message}: ${err.message}` : message);
  try {
    const store = await openLogStoreHere(workerData as LogsStoreSettings, {
      writer: true,
      reads: false,
      onBackgroundError: (message, err) => say({ event: "background-error", message: describe(message, err) }),
    });
    serveLogWrites(store, port, () => port.close());
    say({ event: "ready" });
  } catch (err) {
    say({ event: "open-failed", message: err instanceof Error ? err.message : String(err) });
  }
}
