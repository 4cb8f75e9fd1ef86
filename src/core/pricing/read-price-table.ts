import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The parsed JSON at `location`: an `http(s)://` URL, a `file://` URL, or a file path (relative to
 * the working directory, as Bifrost reads `pricing_url`). Throws on any failure, `signal` included.
 */
export async function readPriceTableJson(location: string, signal: AbortSignal): Promise<unknown> {
  return JSON.parse(await readPriceTableText(location, signal)) as unknown;
}

async function readPriceTableText(location: string, signal: AbortSignal): Promise<string> {
  if (/^https?:\/\//i.test(location)) {
    const response = await fetch(location, { signal, headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status} from the price table URL`);
    return response.text();
  }
  const file = /^file:\/\//i.test(location) ? fileURLToPath(location) : path.resolve(location);
  return readFile(file, { encoding: "utf8", signal });
}
