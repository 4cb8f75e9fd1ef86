import { isRecord, type JsonObject, textOf } from "../../schema/json.js";
import type { AnthropicModelInfo, AnthropicModelList } from "../../providers/anthropic/anthropic-types.js";

/**
 * The gateway's model list (OpenAI-shaped, ids `provider/model`) → Anthropic's list shape. With
 * `bareProvider`, that provider's prefix is dropped: `claude-...` alone already means Anthropic here.
 */
export function convertModelsToAnthropic(list: JsonObject, bareProvider: string | undefined): AnthropicModelList {
  const models = Array.isArray(list["data"]) ? list["data"].filter(isRecord) : [];
  const prefix = bareProvider ? `${bareProvider}/` : undefined;
  const data = models.map((model): AnthropicModelInfo => {
    const fullId = textOf(model["id"]);
    const id = prefix && fullId.startsWith(prefix) ? fullId.slice(prefix.length) : fullId;
    const created = typeof model["created"] === "number" ? model["created"] : 0;
    return {
      type: "model",
      id,
      display_name: typeof model["display_name"] === "string" ? model["display_name"] : id,
      created_at: new Date(created * 1000).toISOString(),
    };
  });
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}
