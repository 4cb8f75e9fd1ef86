import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * Node's process metrics (CPU, memory, event-loop lag, GC, handles) in a prom-client registry of
 * their own, as Bifrost keeps Go's and the process's in a system registry beside its own metrics.
 * They describe the process, not one gateway, and prom-client starts a GC observer and an
 * event-loop monitor for them that it never stops, so there is one such registry per process,
 * made on the first scrape, whichever gateway in the process is scraped.
 */
let processRegistry: Registry | undefined;

export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
