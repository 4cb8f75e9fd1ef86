import { isRecord, type JsonObject } from "../../core/schema/json.js";

const NESTED_SCHEMA_LISTS = ["anyOf", "oneOf", "allOf"] as const;

/**
 * Gemini's OpenAPI-style schema (`type: "OBJECT"`, `nullable: true`) → JSON Schema as OpenAI
 * tools and response formats carry it (`type: "object"`, `type: [t, "null"]`). Other keywords
 * (description, enum, required, limits, …) mean the same in both and are kept.
 */
export function geminiSchemaToJsonSchema(schema: unknown): JsonObject {
  if (!isRecord(schema)) return {};
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" || key === "nullable" || key === "propertyOrdering") continue;
    if (key === "properties" && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, geminiSchemaToJsonSchema(sub)]));
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
