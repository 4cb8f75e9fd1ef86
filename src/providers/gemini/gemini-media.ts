import { failure } from "../../schema/error.js";
import type { GeminiPart } from "./gemini-types.js";

const DATA_URL = /^data:([^;,]+)((?:;[^;,=]+=[^;,]*)*);base64,(.*)$/s;

/** File extensions Gemini reads by URL, and the MIME type it needs to be told. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  mp3: "audio/mp3",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  aac: "audio/aac",
  m4a: "audio/mp4",
  mp4: "video/mp4",
  mov: "video/mov",
  mpeg: "video/mpeg",
  webm: "video/webm",
};

const YOUTUBE_HOSTS = /^(www\.|m\.)?(youtube\.com|youtu\.be)$/i;

/** MIME type of a file URL from its extension; YouTube pages are video; undefined when unknown. */
export function guessMimeType(urlOrName: string): string | undefined {
  let path = urlOrName;
  try {
    const url = new URL(urlOrName);
    if (YOUTUBE_HOSTS.test(url.hostname)) return "video/mp4";
    path = url.pathname;
  } catch {
    // a bare file name or a Files API name
  }
  const dot = path.lastIndexOf(".");
  if (dot === -1) return undefined;
  return MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

/** A `data:<type>;base64,<data>` URL or an http(s)/gs URL → an inlineData or fileData part. */
export function mediaPart(url: string, param: string, fallbackMimeType?: string): GeminiPart {
  if (url.startsWith("data:")) {
    const m = DATA_URL.exec(url);
    if (!m) throw failure({ status: 400, message: "data URLs must be base64 encoded (data:<media type>;base64,<data>)", param });
    return { inlineData: { mimeType: m[1]!, data: m[3]! } };
  }
  const mimeType = guessMimeType(url) ?? fallbackMimeType;
  if (!mimeType) {
    throw failure({
      status: 400,
      message: `gemini needs the media type of ${url.slice(0, 200)}; use a URL ending in a known file extension or a base64 data URL`,
      param,
    });
  }
  return { fileData: { fileUri: url, mimeType } };
}
