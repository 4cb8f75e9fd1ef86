import type { JsonObject } from "../../schema/json.js";
import { isRecord } from "../../schema/json.js";

/** Anthropic's model list → OpenAI's (`created` in epoch seconds; `display_name` kept). */
export function fromAnthropicModelList(native: unknown): JsonObject {
  const data = isRecord(native) && Array.isArray(native["data"]) ? native["data"] : [];
  return {
    object: "list",
    data: data.filter(isRecord).map((model) => {
      const createdMs = typeof model["created_at"] === "string" ? Date.parse(model["created_at"]) : Number.NaN;
      return {
        id: model["id"],
        object: "model",
        created: Number.isNaN(createdMs) ? 0 : Math.floor(createdMs / 1000),
        owned_by: "anthropic",
        ...(typeof model["display_name"] === "string" ? { display_name: model["display_name"] } : {}),
      };
    }),
  };
}
