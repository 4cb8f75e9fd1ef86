import type { JsonObject } from "./json.js";

/**
 * When a provider already speaks the canonical format (the OpenAI family), its JSON text is passed
 * on as text: `extra_fields` is spliced in before the closing brace instead of parsing the answer
 * and serialising it again. Anyone who needs the object still gets it, parsed on first use.
 */

/** `json` (one JSON object's text) with `"extra_fields": fieldsJson` added; undefined when `json` is not an object. */
export function spliceExtraFields(json: string, fieldsJson: string): string | undefined {
  let end = json.length - 1;
  while (end > 0 && isSpace(json.charCodeAt(end))) end--;
  let start = 0;
  while (start < end && isSpace(json.charCodeAt(start))) start++;
  if (json.charCodeAt(start) !== OPEN_BRACE || json.charCodeAt(end) !== CLOSE_BRACE) return undefined;
  let last = end - 1;
  while (last > start && isSpace(json.charCodeAt(last))) last--;
  const separator = last === start ? "" : ",";
  return `${json.slice(start, end)}${separator}"extra_fields":${fieldsJson}}`;
}

/** A decoded stream event whose canonical chunk is exactly `rawText` (parsed only if someone asks). */
export class VerbatimChunk {
  readonly kind = "chunk" as const;
  readonly verbatim = true;
  private parsed: JsonObject | undefined;
  constructor(readonly rawText: string) {}
  get chunk(): JsonObject {
    return (this.parsed ??= JSON.parse(this.rawText) as JsonObject);
  }
}

/** A canonical value held as its JSON text (with `extra_fields`), parsed on first use of `body`/`data`. */
class JsonText {
  private parsed: JsonObject | undefined;
  constructor(readonly json: string) {}
  protected value(): JsonObject {
    return (this.parsed ??= JSON.parse(this.json) as JsonObject);
  }
}

export class JsonTextResult extends JsonText {
  readonly kind = "json" as const;
  get body(): JsonObject {
    return this.value();
  }
}

export class JsonTextChunk extends JsonText {
  get data(): JsonObject {
    return this.value();
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
