import busboy from "busboy";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { failure, GatewayFailure } from "../core/schema/error.js";
import type { UploadedFile } from "../providers/types.js";

/** Form fields are names and short values (purpose, file_path, provider); files go to disk. */
const MAX_FIELDS = 100;
const FILE_FIELD = "file";

export interface MultipartForm {
  /** Each field's last value. */
  fields: Record<string, string>;
  /** Every field in the order sent, repeated names (`timestamp_granularities[]`) included. */
  pairs: ReadonlyArray<readonly [name: string, value: string]>;
  /** The `file` part, spooled to a temporary file. */
  file?: UploadedFile;
  /** Removes the spooled file; call once the upload has gone upstream. */
  discard(): Promise<void>;
}

/**
 * Reads a multipart/form-data request as it arrives: fields into memory, the `file` part streamed
 * to a temporary file (within the body size limit), so a large upload never sits in memory.
 * A wrong content type, a malformed body and an oversized file come back as failure values.
 */
export async function readMultipartForm(req: IncomingMessage, maxBytes: number): Promise<MultipartForm | GatewayFailure> {
  const type = req.headers["content-type"];
  if (!type || !/^multipart\/form-data\b/i.test(type)) {
    req.resume();
    return failure({ status: 415, message: `content-type must be multipart/form-data (got ${type ? `'${type}'` : "none"})`, code: "unsupported_media_type" });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, fields: MAX_FIELDS } });
  } catch (err) {
    req.resume();
    return malformed(err);
  }
  const dir = await mkdtemp(join(tmpdir(), "iris-upload-"));
  const discard = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const spooled = await spool(req, parser, dir, maxBytes);
  if (spooled instanceof GatewayFailure) {
    await discard();
    return spooled;
  }
  return { ...spooled, discard };
}

function spool(
  req: IncomingMessage,
  parser: busboy.Busboy,
  dir: string,
  maxBytes: number,
): Promise<{ fields: Record<string, string>; pairs: Array<[string, string]>; file?: UploadedFile } | GatewayFailure> {
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    const pairs: Array<[string, string]> = [];
    let file: UploadedFile | undefined;
    let written: Promise<void> = Promise.resolve();
    let problem: GatewayFailure | undefined;
    let settled = false;
    const settle = async (): Promise<void> => {
      if (settled) return;
      settled = true;
      try {
        await written;
      } catch (err) {
        problem ??= malformed(err);
      }
      resolve(problem ?? { fields, pairs, ...(file ? { file } : {}) });
    };
    parser.on("field", (name, value) => {
      fields[name] = value;
      pairs.push([name, value]);
    });
    parser.on("file", (name, stream, info) => {
      if (name !== FILE_FIELD || file) {
        stream.resume();
        return;
      }
      const upload: UploadedFile = { path: join(dir, "upload"), filename: info.filename || "upload", contentType: info.mimeType || "application/octet-stream", bytes: 0 };
      file = upload;
      stream.once("limit", () => {
        problem ??= failure({ status: 413, message: `uploaded file is larger than ${Math.round((maxBytes / (1024 * 1024)) * 100) / 100} MB (client.max_request_body_size_mb)`, code: "request_too_large" });
      });
      const sink = createWriteStream(upload.path);
      written = pipeline(stream, sink).then(() => {
        upload.bytes = sink.bytesWritten;
      });
    });
    parser.once("error", (err) => {
      problem ??= malformed(err);
      req.unpipe(parser);
      req.resume();
      void settle();
    });
    parser.once("close", () => void settle());
    const clientGone = (): void => {
      if (req.complete || settled) return;
      problem ??= failure({ status: 499, message: "client closed the request during the upload" });
      parser.destroy(new Error("client closed the request"));
    };
    req.once("close", clientGone);
    req.once("error", clientGone);
    req.pipe(parser);
  });
}

function malformed(err: unknown): GatewayFailure {
  return failure({ status: 400, message: `malformed multipart/form-data body: ${(err as Error).message}`, code: "invalid_multipart" });
}
