import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { UploadedFile } from "../schema/uploads.js";

export type FormFields = ReadonlyArray<readonly [name: string, value: string]>;

/** The file part of a form. */
export interface FilePart {
  field: string;
  filename: string;
  contentType: string;
}

/** A multipart/form-data upload streamed from its spooled file, with its exact length. */
export interface MultipartStream {
  contentType: string;
  contentLength: number;
  body: Readable;
}

/**
 * Form fields then the file parts (one upload, or an image edit's images and mask), each file read
 * from disk lazily as the upstream request consumes it: no file ever sits whole in memory.
 */
export function multipartUploadStream(fields: FormFields, parts: ReadonlyArray<{ part: FilePart; upload: UploadedFile }>): MultipartStream {
  const boundary = `----iris-${randomUUID()}`;
  const head = fieldsText(boundary, fields);
  const partHeads = parts.map(({ part }) => filePartHead(boundary, part));
  const tail = `--${boundary}--\r\n`;
  let contentLength = Buffer.byteLength(head) + Buffer.byteLength(tail);
  parts.forEach(({ upload }, i) => (contentLength += Buffer.byteLength(partHeads[i]!) + upload.bytes + 2));
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(head);
    for (let i = 0; i < parts.length; i++) {
      yield Buffer.from(partHeads[i]!);
      yield* fileChunks(parts[i]!.upload.path);
      yield Buffer.from("\r\n");
    }
    yield Buffer.from(tail);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, body: Readable.from(chunks()) };
}

/** Form fields then one file part whose content the gateway built (small, e.g. a batch's JSONL). */
export function multipartText(fields: FormFields, part: FilePart, content: string): { contentType: string; body: string } {
  const { boundary, head, tail } = framing(fields, part);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: head + content + tail };
}

/** The bytes of a spooled upload as a stream that opens the file when first read. */
export function uploadStream(upload: UploadedFile): Readable {
  return Readable.from(fileChunks(upload.path));
}

function framing(fields: FormFields, part: FilePart): { boundary: string; head: string; tail: string } {
  const boundary = `----iris-${randomUUID()}`;
  return { boundary, head: fieldsText(boundary, fields) + filePartHead(boundary, part), tail: `\r\n--${boundary}--\r\n` };
}

function fieldsText(boundary: string, fields: FormFields): string {
  let text = "";
  for (const [name, value] of fields) text += `--${boundary}\r\ncontent-disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`;
  return text;
}

function filePartHead(boundary: string, part: FilePart): string {
  return `--${boundary}\r\ncontent-disposition: form-data; name="${quoted(part.field)}"; filename="${quoted(part.filename)}"\r\ncontent-type: ${part.contentType}\r\n\r\n`;
}

async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
}

/** Names inside a quoted header parameter carry no quotes or line breaks. */
function quoted(value: string): string {
  return value.replace(/"/g, "%22").replace(/[\r\n]/g, " ");
}
