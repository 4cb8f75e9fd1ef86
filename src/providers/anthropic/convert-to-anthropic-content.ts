import type { ChatContentPart } from "../../schema/chat.js";
import { failure } from "../../schema/error.js";
import { isRecord, textOf } from "../../schema/json.js";
import type { AnthropicCacheControl, AnthropicDocumentBlock, AnthropicImageBlock, AnthropicTextBlock } from "./anthropic-types.js";

export type AnthropicUserContentBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

const DATA_URL = /^data:([^;,]+)((?:;[^;,=]+=[^;,]*)*);base64,(.*)$/s;

/** Canonical content (string or parts) → Anthropic text / image / document blocks; `param` names the field for errors. */
export function toAnthropicContentBlocks(content: string | ChatContentPart[] | null | undefined, param: string): AnthropicUserContentBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  return content.map((part, i) => toAnthropicBlock(part, `${param}[${i}]`));
}

function toAnthropicBlock(part: ChatContentPart, param: string): AnthropicUserContentBlock {
  const cache = cacheControlOf(part);
  switch (part.type) {
    case "text":
      return withCache({ type: "text", text: textOf(part["text"]) }, cache);
    case "image_url":
      return withCache(imageBlock(part["image_url"], param), cache);
    case "file":
      return withCache(fileBlock(part["file"], param), cache);
    case "input_audio":
      throw failure({ status: 400, message: "anthropic does not support audio input", param: `${param}.type` });
    default:
      throw failure({ status: 400, message: `anthropic does not support content parts of type '${part.type}'`, param: `${param}.type` });
  }
}

function imageBlock(image: unknown, param: string): AnthropicImageBlock {
  const url = isRecord(image) ? image["url"] : undefined;
  if (typeof url !== "string" || url === "") {
    throw failure({ status: 400, message: "image_url.url must be an http(s) URL or a base64 data URL", param: `${param}.image_url.url` });
  }
  const data = parseDataUrl(url, `${param}.image_url.url`);
  return { type: "image", source: data ? { type: "base64", media_type: data.mediaType, data: data.base64 } : { type: "url", url } };
}

/** OpenAI's `file` part: `file_data` is a base64 data URL, or `file_id` names an uploaded file. */
function fileBlock(file: unknown, param: string): AnthropicImageBlock | AnthropicDocumentBlock {
  const spec = isRecord(file) ? file : {};
  const title = typeof spec["filename"] === "string" ? { title: spec["filename"] } : {};
  if (typeof spec["file_id"] === "string") return { type: "document", source: { type: "file", file_id: spec["file_id"] }, ...title };
  const fileData = spec["file_data"];
  const data = typeof fileData === "string" ? parseDataUrl(fileData, `${param}.file.file_data`) : undefined;
  if (!data) {
    throw failure({ status: 400, message: "file parts need file_id or file_data as a base64 data URL", param: `${param}.file` });
  }
  if (data.mediaType.startsWith("image/")) return { type: "image", source: { type: "base64", media_type: data.mediaType, data: data.base64 } };
  if (data.mediaType === "text/plain") {
    const text = Buffer.from(data.base64, "base64").toString("utf8");
    return { type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title };
  }
  return { type: "document", source: { type: "base64", media_type: data.mediaType, data: data.base64 }, ...title };
}

/** `data:<type>;base64,<data>` → its parts; undefined for other URLs; 400 for data URLs that are not base64. */
function parseDataUrl(url: string, param: string): { mediaType: string; base64: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const m = DATA_URL.exec(url);
  if (!m) throw failure({ status: 400, message: "data URLs must be base64 encoded (data:<media type>;base64,<data>)", param });
  return { mediaType: m[1]!, base64: m[3]! };
}

export function cacheControlOf(value: Record<string, unknown>): AnthropicCacheControl | undefined {
  const cache = value["cache_control"];
  return isRecord(cache) && cache["type"] === "ephemeral" ? (cache as unknown as AnthropicCacheControl) : undefined;
}

export function withCache<T extends object>(block: T, cache: AnthropicCacheControl | undefined): T {
  return cache ? { ...block, cache_control: cache } : block;
}
