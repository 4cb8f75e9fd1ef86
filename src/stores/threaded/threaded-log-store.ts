import { Worker } from "node:worker_threads";
import type { LogEntry, LogFilter, LogFilterData, LogPage, LogRow, LogSearchResult, LogStats, LogStore } from "../log-store.js";
import type { LogWriteCall, LogWriteReply } from "./log-write-protocol.js";

/** A call without its id: `ThreadedLogStore` numbers them. */
type Call = LogWriteCall extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

interface Pending {
  resolve(value: number | undefined): void;
  reject(err: Error): void;
}

export interface ThreadedLogStoreOptions {
  /** The writer thread's module; it opens the store from `workerData` and serves `serveLogWrites`. */
  threadModule: URL;
  workerData: unknown;
  /** Hears of a failed background step in the writer thread, or of the thread ending on its own. */
  onBackgroundError: (message: string) => void;
}

/**
 * A request log whose writes run on a thread of their own: `insertBatch`, `delete` and
 * `deleteOlderThan` go to the writer thread (its own connection, and the content indexer), reads
 * go to `reader`, a connection on the gateway's thread that never indexes. Entries cross as
 * structured clones of a few scalars and two strings each, a few µs a row.
 *
 * A writer thread that dies fails the calls it had, says so, and is started again for the next write.
 */
export class ThreadedLogStore implements LogStore {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly reader: LogStore,
    private readonly options: ThreadedLogStoreOptions,
  ) {}

  /** Starts the writer thread and resolves once it has opened the store (or rejects with why it could not). */
  static async start(reader: LogStore, options: ThreadedLogStoreOptions): Promise<ThreadedLogStore> {
    const store = new ThreadedLogStore(reader, options);
    await store.writer();
    return store;
  }

  insertBatch(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.call({ op: "insertBatch", entries }).then(() => undefined);
  }

  async delete(ids: readonly string[]): Promise<number> {
    return (await this.call({ op: "delete", ids })) ?? 0;
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    return (await this.call({ op: "deleteOlderThan", cutoff })) ?? 0;
  }

  search(filter: LogFilter, page: LogPage): Promise<LogSearchResult> {
    return this.reader.search(filter, page);
  }

  stats(filter: LogFilter): Promise<LogStats> {
    return this.reader.stats(filter);
  }

  get(id: string): Promise<LogRow | undefined> {
    return this.reader.get(id);
  }

  filterData(): Promise<LogFilterData> {
    return this.reader.filterData();
  }

  hasLogs(): Promise<boolean> {
    return this.reader.hasLogs();
  }

  /** Lets the writer finish every write sent, closes its store, then the reader. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (worker) {
      await this.send(worker, { op: "close" }).catch(() => undefined);
      await worker.terminate();
    }
    await this.reader.close();
  }

  private async call(call: Call): Promise<number | undefined> {
    if (this.closed) throw new Error("the request log is closed");
    return this.send(await this.writer(), call);
  }

  private send(worker: Worker, call: Call): Promise<number | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // A thread with calls in flight keeps the process alive until it answers; an idle one does not.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...call, id });
    });
  }

  /** The running writer thread, started (again) if there is none. */
  private writer(): Promise<Worker> {
    this.ready ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(this.options.threadModule, { workerData: this.options.workerData });
      let opened = false;
      worker.on("message", (reply: LogWriteReply) => {
        if ("event" in reply) {
          if (reply.event === "ready") {
            opened = true;
            worker.unref();
            this.worker = worker;
            resolve(worker);
          } else if (reply.event === "open-failed") reject(new Error(reply.message));
          else this.options.onBackgroundError(reply.message);
          return;
        }
        const pending = this.pending.get(reply.id);
        if (!pending) return;
        this.pending.delete(reply.id);
        if (this.pending.size === 0) worker.unref();
        if (reply.ok) pending.resolve(reply.value);
        else pending.reject(new Error(reply.message));
      });
      worker.on("error", (err) => {
        if (!opened) reject(err);
        else this.options.onBackgroundError(`the request log's writer thread failed: ${err.message}`);
      });
      worker.on("exit", (code) => {
        if (this.worker === worker) this.worker = undefined;
        this.ready = undefined;
        if (!opened) reject(new Error(`the request log's writer thread ended (code ${code}) before opening the store`));
        const lost = [...this.pending.values()];
        this.pending.clear();
        for (const pending of lost) pending.reject(new Error("the request log's writer thread ended before answering"));
        if (!this.closed) this.options.onBackgroundError(`the request log's writer thread ended (code ${code}); the next write starts another`);
      });
    });
    return this.ready;
  }
}
