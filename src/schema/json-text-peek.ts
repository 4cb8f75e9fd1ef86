import { isRecord, type JsonObject } from "./json.js";

/**
 * Reading one field out of a JSON text without parsing the whole of it (a provider's answer passed
 * on as text). A key is found as `"name"` followed by a colon; inside a JSON string quotes are
 * escaped, so a match is always a real key, though possibly of a nested object — callers choose the
 * first or the last occurrence by where the field they want stands.
 */

type Which = "first" | "last";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** A string value; undefined when the key is absent or holds something else. Escapes are kept as written (ids, models and finish reasons have none). */
export function peekString(text: string, key: string, which: Which): string | undefined {
  const start = valueStart(text, key, which);
  if (start === undefined || text.charCodeAt(start) !== QUOTE) return undefined;
  const end = text.indexOf('"', start + 1);
  return end === -1 ? undefined : text.slice(start + 1, end);
}

/** An object value, parsed alone; undefined when the key is absent or holds something else. */
export function peekObject(text: string, key: string, which: Which): JsonObject | undefined {
  const start = valueStart(text, key, which);
  if (start === undefined || text.charCodeAt(start) !== OPEN_BRACE) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE) {
      depth++;
    } else if (code === CLOSE_BRACE && --depth === 0) {
      try {
        const value: unknown = JSON.parse(text.slice(start, i + 1));
        return isRecord(value) ? value : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Where the value of `key` begins (its first character past the colon and any whitespace). */
function valueStart(text: string, key: string, which: Which): number | undefined {
  const quoted = `"${key}"`;
  let at = which === "first" ? text.indexOf(quoted) : text.lastIndexOf(quoted);
  while (at !== -1) {
    let i = skipSpace(text, at + quoted.length);
    if (text.charCodeAt(i) === COLON) {
      i = skipSpace(text, i + 1);
      return i < text.length ? i : undefined;
    }
    // `"key"` as a value, not a key: look further.
    at = which === "first" ? text.indexOf(quoted, at + 1) : at === 0 ? -1 : text.lastIndexOf(quoted, at - 1);
  }
  return undefined;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    i++;
  }
  return i;
}
