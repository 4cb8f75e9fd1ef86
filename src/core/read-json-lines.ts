import { StringDecoder } from "node:string_decoder";
import type { JsonLineError } from "../schema/extra-fields.js";

export interface JsonLines {
  lines: unknown[];
  parseErrors: JsonLineError[];
}

/**
 * Reads a JSONL body line by line as its bytes arrive (lines may be split across chunks, `\n` or
 * `\r\n` ended). Blank lines are skipped; a line that is not JSON is reported, not fatal.
 */
export async function readJsonLines(body: AsyncIterable<Uint8Array>): Promise<JsonLines> {
  const out: JsonLines = { lines: [], parseErrors: [] };
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let lineNumber = 0;
  const take = (line: string): void => {
    lineNumber++;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    try {
      out.lines.push(JSON.parse(text));
    } catch (err) {
      out.parseErrors.push({ line: lineNumber, message: `line ${lineNumber} is not JSON: ${(err as Error).message}` });
    }
  };
  for await (const chunk of body) {
    pending += decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      take(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  }
  pending += decoder.end();
  if (pending !== "") take(pending);
  return out;
}
