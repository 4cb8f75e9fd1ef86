import type { Router } from "../router.js";

/** The metrics in Prometheus' text format, with the content type that names its version. */
export type ScrapeMetrics = () => Promise<{ contentType: string; text: string }>;

/** `GET /metrics`, Bifrost's scrape endpoint. The metrics come from a function, so the route knows no plugin. */
export function addMetricsRoutes(router: Router, scrape: ScrapeMetrics): void {
  router.add("GET", "/metrics", async (ctx) => {
    const { contentType, text } = await scrape();
    ctx.res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    ctx.res.end(text);
  });
}
