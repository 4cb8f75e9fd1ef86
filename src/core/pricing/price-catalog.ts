import type { Logger } from "pino";
import { DEFAULTS } from "../../config/defaults.js";
import type { PriceOverride, PricingSettings } from "../../config/types.js";
import { bundledSchedule } from "./bundled-prices.js";
import { patchOfCostFields, patchSchedule, type PricePatch } from "./cost-fields.js";
import { parsePriceTable, tablePrices, type PriceTable } from "./litellm-price-table.js";
import type { PriceSchedule } from "./price-sheet.js";
import { overrideFor } from "./pricing-overrides.js";
import { readPriceTableJson } from "./read-price-table.js";

export type PricingLogger = Pick<Logger, "info" | "warn">;

interface CompiledOverride extends PriceOverride {
  patch: PricePatch;
}

/** setTimeout fires at once beyond this (about 24.8 days), so longer sync intervals wait this long. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Where prices come from, highest first: the config's overrides (laid field by field over what
 * is below), the `pricing_url` table, the bundled table. Which price a (provider, model, request
 * type) gets is worked out once and remembered until the table is reloaded, so a lookup on the
 * request path is a map read. State lives here, never in module globals: two gateways in one
 * process keep two catalogs.
 */
export class PriceCatalog {
  readonly #settings: PricingSettings;
  readonly #logger: PricingLogger;
  readonly #overrides: readonly CompiledOverride[];
  readonly #memo = new Map<string, PriceSchedule | null>();
  readonly #closing = new AbortController();
  #table: PriceTable | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(settings: PricingSettings, logger: PricingLogger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#overrides = settings.overrides.map((override) => ({ ...override, patch: patchOfCostFields(override.costs) }));
  }

  /**
   * Loads `pricing_url` when there is one and keeps it fresh. Waits for the first load at most
   * `startupWaitMs`: a slow or dead URL delays start-up by that much, never more, and requests are
   * priced from the bundled table until it arrives.
   */
  async start(): Promise<void> {
    if (this.#started || this.#settings.url === undefined) return;
    this.#started = true;
    let giveUp: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, this.#settings.startupWaitMs);
      giveUp.unref();
    });
    await Promise.race([this.#load(this.#settings.url), waited]);
    clearTimeout(giveUp);
  }

  /** Stops the refresh timer and any load in flight; prices already known stay usable. */
  close(): void {
    this.#closing.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The prices of `model` served by `provider` for a base request type (no `_stream`), or undefined when nothing prices it. */
  pricesOf(provider: string, model: string, requestType: string): PriceSchedule | undefined {
    const key = `${provider}\u0000${requestType}\u0000${model}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return known ?? undefined;
    const resolved = this.#resolve(provider, model, requestType);
    if (this.#memo.size >= DEFAULTS.priceMemoEntries) this.#memo.clear();
    this.#memo.set(key, resolved ?? null);
    return resolved;
  }

  #resolve(provider: string, model: string, requestType: string): PriceSchedule | undefined {
    const family = this.#settings.providerFamilies[provider] ?? provider;
    const listed = this.#table && tablePrices(this.#table, provider, family, model, requestType);
    const base = listed ?? bundledSchedule(family, model);
    const override = overrideFor(this.#overrides, provider, model, requestType);
    return override ? patchSchedule(base, override.patch) : base;
  }

  /** One load of the table; never rejects. Success or failure, the next load is scheduled. */
  async #load(url: string): Promise<void> {
    const source = describeLocation(url);
    try {
      const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#settings.fetchTimeoutMs)]);
      const table = parsePriceTable(await readPriceTableJson(url, signal));
      if (this.#closing.signal.aborted) return;
      this.#table = table;
      this.#memo.clear();
      this.#logger.info({ pricingUrl: source, models: table.entries.size }, "price table loaded");
      this.#scheduleLoad(url, this.#settings.syncIntervalSeconds * 1000);
    } catch (err) {
      if (this.#closing.signal.aborted) return;
      const inUse = this.#table ? "the table loaded before" : "the bundled table";
      this.#logger.warn({ err, pricingUrl: source }, `price table could not be loaded; prices stay those of ${inUse}`);
      this.#scheduleLoad(url, Math.min(this.#settings.retryAfterFailureMs, this.#settings.syncIntervalSeconds * 1000));
    }
  }

  #scheduleLoad(url: string, delayMs: number): void {
    this.#timer = setTimeout(() => void this.#load(url), Math.min(delayMs, LONGEST_TIMER_MS));
    // The refresh never keeps the process alive on its own.
    this.#timer.unref();
  }
}

/** What logs may say about a URL: no credentials or query string (they may carry a token). */
function describeLocation(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

export function createPriceCatalog(settings: PricingSettings, logger: PricingLogger): PriceCatalog {
  return new PriceCatalog(settings, logger);
}
