import { isRecord, type JsonObject } from "../../schema/json.js";

/** Gemini `models.list` (`{models: [{name: "models/…", …}]}`) → an OpenAI model list; ids without the `models/` prefix. */
export function decodeGeminiModelList(native: unknown): JsonObject {
  const models = isRecord(native) && Array.isArray(native["models"]) ? native["models"] : [];
  const data = models.filter(isRecord).map((model) => {
    const name = typeof model["name"] === "string" ? model["name"] : "";
    return {
      id: name.replace(/^models\//, ""),
      object: "model",
      owned_by: "google",
      ...(typeof model["displayName"] === "string" ? { display_name: model["displayName"] } : {}),
      ...(typeof model["inputTokenLimit"] === "number" ? { context_length: model["inputTokenLimit"] } : {}),
    };
  });
  return { object: "list", data };
}
