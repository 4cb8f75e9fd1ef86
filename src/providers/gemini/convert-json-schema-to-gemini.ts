import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { GeminiSchema } from "./gemini-types.js";

/** Schema keywords Gemini's OpenAPI subset accepts; everything else (additionalProperties, $schema, …) is removed. */
const KEPT_KEYWORDS = new Set([
  "title",
  "description",
  "enum",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "example",
  "default",
  "propertyOrdering",
]);

/** Formats Gemini accepts per type; others are rejected upstream, so they are dropped here. */
const KEPT_FORMATS: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(["enum", "date-time"]),
  integer: new Set(["int32", "int64"]),
  number: new Set(["float", "double"]),
};

const MAX_REF_DEPTH = 16;

/**
 * JSON Schema (as OpenAI tools and response_format carry it) → Gemini's schema subset:
 * `$ref`s inlined from `$defs`/`definitions`, `type: [t, "null"]` → `nullable`, `oneOf` → `anyOf`,
 * `const` → a one-value `enum`, a single-entry `allOf` merged, unsupported keywords removed.
 */
export function toGeminiSchema(schema: unknown): GeminiSchema {
  const root = isRecord(schema) ? schema : {};
  const defs = { ...recordOr(root["definitions"]), ...recordOr(root["$defs"]) };
  return convert(root, defs, 0);
}

/** An object schema with no properties: Gemini rejects it as `parameters`, so it is left out. */
export function isEmptyObjectSchema(schema: GeminiSchema): boolean {
  return schema.type === "object" && (schema.properties === undefined || Object.keys(schema.properties).length === 0);
}

function convert(schema: JsonObject, defs: JsonObject, depth: number): GeminiSchema {
  const resolved = resolveRef(schema, defs, depth);
  const out: GeminiSchema = {};
  const { type, nullable } = typeOf(resolved);
  if (type) out.type = type;
  if (nullable) out.nullable = true;
  for (const [key, value] of Object.entries(resolved)) {
    if (KEPT_KEYWORDS.has(key)) out[key] = value;
  }
  if (resolved["const"] !== undefined) out.enum = [textOf(resolved["const"], JSON.stringify(resolved["const"]))];
  if (Array.isArray(out.enum)) out.enum = out.enum.map(String);
  const format = resolved["format"];
  if (typeof format === "string" && type && KEPT_FORMATS[type]?.has(format)) out.format = format;
  const properties = resolved["properties"];
  if (isRecord(properties)) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, convert(recordOr(value), defs, depth + 1)]));
  }
  if (Array.isArray(resolved["required"])) out.required = resolved["required"].filter((r): r is string => typeof r === "string");
  const items = resolved["items"];
  if (isRecord(items)) out.items = convert(items, defs, depth + 1);
  const variants = resolved["anyOf"] ?? resolved["oneOf"];
  if (Array.isArray(variants)) out.anyOf = convertVariants(variants, defs, depth, out);
  return out;
}

/** `anyOf: [X, {type: null}]` is how JSON Schema spells an optional X: Gemini wants `nullable`. */
function convertVariants(variants: unknown[], defs: JsonObject, depth: number, out: GeminiSchema): GeminiSchema[] {
  const nonNull = variants.filter((v) => !(isRecord(v) && v["type"] === "null"));
  if (nonNull.length < variants.length) out.nullable = true;
  return nonNull.map((v) => convert(recordOr(v), defs, depth + 1));
}

function resolveRef(schema: JsonObject, defs: JsonObject, depth: number): JsonObject {
  let current = schema;
  const allOf = current["allOf"];
  if (Array.isArray(allOf) && allOf.length === 1 && isRecord(allOf[0])) {
    const { allOf: _merged, ...rest } = current;
    current = { ...resolveRef(allOf[0], defs, depth), ...rest };
  }
  const ref = current["$ref"];
  if (typeof ref !== "string" || depth > MAX_REF_DEPTH) return current;
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  const target = defs[name];
  if (!isRecord(target)) return current;
  const { $ref: _ref, ...siblings } = current;
  return { ...resolveRef(target, defs, depth + 1), ...siblings };
}

function typeOf(schema: JsonObject): { type?: string; nullable: boolean } {
  const type = schema["type"];
  if (typeof type === "string") return type === "null" ? { nullable: true } : { type, nullable: false };
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === "string");
    const nonNull = types.filter((t) => t !== "null");
    return { ...(nonNull[0] ? { type: nonNull[0] } : {}), nullable: nonNull.length < types.length };
  }
  if (schema["properties"] !== undefined) return { type: "object", nullable: false };
  return { nullable: false };
}

function recordOr(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}
