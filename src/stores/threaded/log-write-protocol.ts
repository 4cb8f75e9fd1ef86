import type { MessagePort } from "node:worker_threads";
import type { LogEntry, LogStore } from "../log-store.js";

/**
 * The messages between a request log's readers (the gateway's thread) and its writer thread. The
 * writer owns every write — inserts, deletes, retention, and the content indexer that follows the
 * inserts — so a batch's SQL, its commit and the indexing run beside the requests, not between them.
 */

/** The writes the writer thread serves. */
export type LogWriteCall =
  | { id: number; op: "insertBatch"; entries: readonly LogEntry[] }
  | { id: number; op: "delete"; ids: readonly string[] }
  | { id: number; op: "deleteOlderThan"; cutoff: number }
  | { id: number; op: "close" };

/** What the writer thread says: a call's outcome, that it is ready, or a background step that failed. */
export type LogWriteReply =
  | { id: number; ok: true; value: number | undefined }
  | { id: number; ok: false; message: string }
  | { event: "ready" }
  | { event: "open-failed"; message: string }
  | { event: "background-error"; message: string };

/** The writer thread's side: runs each call on the store, one at a time in arrival order, and answers it. */
export function serveLogWrites(store: LogStore, port: MessagePort, onClosed: () => void): void {
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (call: LogWriteCall) => {
    queue = queue.then(async () => {
      try {
        const value = await run(store, call);
        port.postMessage({ id: call.id, ok: true, value } satisfies LogWriteReply);
      } catch (err) {
        port.postMessage({ id: call.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies LogWriteReply);
      }
      if (call.op === "close") onClosed();
    });
  });
}

async function run(store: LogStore, call: LogWriteCall): Promise<number | undefined> {
  switch (call.op) {
    case "insertBatch":
      await store.insertBatch(call.entries);
      return undefined;
    case "delete":
      return store.delete(call.ids);
    case "deleteOlderThan":
      return store.deleteOlderThan(call.cutoff);
    case "close":
      await store.close();
      return undefined;
  }
}
