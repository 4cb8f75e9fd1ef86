import type { BedrockDocumentFormat, BedrockImageFormat } from "./types.js";

/** Converse carries images and documents as bytes; canonical requests carry them as `data:` URLs. */

const IMAGE_FORMAT_BY_MIME: Readonly<Record<string, BedrockImageFormat>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

const DOCUMENT_MIME_BY_FORMAT: Readonly<Record<BedrockDocumentFormat, string>> = {
  pdf: "application/pdf",
  csv: "text/csv",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  html: "text/html",
  txt: "text/plain",
  md: "text/markdown",
};

const DOCUMENT_FORMAT_BY_MIME: ReadonlyMap<string, BedrockDocumentFormat> = new Map(
  Object.entries(DOCUMENT_MIME_BY_FORMAT).map(([format, mime]) => [mime, format as BedrockDocumentFormat]),
);

export interface DataUrl {
  mimeType: string;
  base64: string;
}

/** `data:<mime>;base64,<data>` → parts; undefined for remote URLs and non-base64 data URLs. */
export function parseBase64DataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,/i.exec(url);
  if (!match) return undefined;
  return { mimeType: match[1]!.toLowerCase(), base64: url.slice(match[0].length) };
}

export function toDataUrl(mimeType: string, base64: string): string {
  return `data:${mimeType};base64,${base64}`;
}

export function imageFormatOfMime(mimeType: string): BedrockImageFormat | undefined {
  return IMAGE_FORMAT_BY_MIME[mimeType];
}

export function mimeOfImageFormat(format: string): string {
  return `image/${format}`;
}

export function documentFormatOfMime(mimeType: string): BedrockDocumentFormat | undefined {
  return DOCUMENT_FORMAT_BY_MIME.get(mimeType);
}

export function mimeOfDocumentFormat(format: string): string {
  return DOCUMENT_MIME_BY_FORMAT[format as BedrockDocumentFormat] ?? "application/octet-stream";
}

/**
 * Converse document names allow letters, digits, single spaces, hyphens, parentheses and square
 * brackets; anything else becomes a hyphen.
 */
export function bedrockDocumentName(filename: string | undefined, fallback: string): string {
  const base = (filename ?? "").replace(/\.[A-Za-z0-9]+$/, "");
  const cleaned = base
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned || fallback;
}
