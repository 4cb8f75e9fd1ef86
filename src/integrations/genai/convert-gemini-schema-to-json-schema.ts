import { isRecord, type JsonObject } from "../../schema/json.js";

const NESTED_SCHEMA_LISTS = ["anyOf", "oneOf", "allOf"] as const;

/**
 * Gemini's OpenAPI-style schema (`type: "OBJECT"`, `nullable: true`) → JSON Schema as OpenAI
 * tools and response formats carry it (`type: "object"`, `type: [t, "null"]`). Other keywords
 * (description, enum, required, limits, …) mean the same in both and are kept. `propertyOrdering`
 * has no JSON Schema equivalent: it is kept as a keyword, so Gemini targets receive it unchanged, and
 * `properties` are listed in its order, which is the order OpenAI-family structured outputs follow.
 */
export function geminiSchemaToJsonSchema(schema: unknown): JsonObject {
  if (!isRecord(schema)) return {};
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" || key === "nullable") continue;
    if (key === "properties" && isRecord(value)) {
      out[key] = Object.fromEntries(
        inPropertyOrder(Object.entries(value), schema["propertyOrdering"]).map(([name, sub]) => [name, geminiSchemaToJsonSchema(sub)]),
      );
    } else if (key === "items") {
      out[key] = geminiSchemaToJsonSchema(value);
    } else if ((NESTED_SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map(geminiSchemaToJsonSchema);
    } else {
      out[key] = value;
    }
  }
  const type = typeof schema["type"] === "string" ? schema["type"].toLowerCase() : undefined;
  if (type && type !== "type_unspecified") out["type"] = schema["nullable"] === true ? [type, "null"] : type;
  return out;
}

/** Properties named in `propertyOrdering` first, in its order; any others after them as they came. */
function inPropertyOrder(entries: [string, unknown][], ordering: unknown): [string, unknown][] {
  if (!Array.isArray(ordering)) return entries;
  const rank = new Map(ordering.filter((name): name is string => typeof name === "string").map((name, i) => [name, i]));
  const rankOf = (name: string) => rank.get(name) ?? rank.size;
  return [...entries].sort(([a], [b]) => rankOf(a) - rankOf(b));
}
