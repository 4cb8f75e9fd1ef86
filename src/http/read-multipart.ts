import busboy from "busboy";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { failure, GatewayFailure } from "../schema/error.js";
import { bodyStalled, type BodyLimits } from "./read-body.js";
import type { UploadedFile, UploadedPart } from "../schema/uploads.js";

/** Form fields are names and short values (purpose, file_path, provider); files go to disk. */
const MAX_FIELDS = 100;
const FILE_FIELD = "file";

export interface MultipartOptions {
  /** Field names whose file parts are kept, in the order sent (default: `file`, first one only). */
  fileFields?: readonly string[];
}

/** Most file parts one form may carry (image edits take up to 16 images). */
const MAX_FILES = 17;

export interface MultipartForm {
  /** Each field's last value. */
  fields: Record<string, string>;
  /** Every field in the order sent, repeated names (`timestamp_granularities[]`) included. */
  pairs: ReadonlyArray<readonly [name: string, value: string]>;
  /** The `file` part, spooled to a temporary file. */
  file?: UploadedFile;
  /** With `fileFields`: every kept file part, in the order sent. */
  files: UploadedPart[];
  /** Removes the spooled file; call once the upload has gone upstream. */
  discard(): Promise<void>;
}

/**
 * Reads a multipart/form-data request as it arrives: fields into memory, the `file` part streamed
 * to a temporary file (within the body size limit), so a large upload never sits in memory.
 * A wrong content type, a malformed body and an oversized file come back as failure values.
 */
export async function readMultipartForm(req: IncomingMessage, limits: BodyLimits, options: MultipartOptions = {}): Promise<MultipartForm | GatewayFailure> {
  const { maxBytes } = limits;
  const type = req.headers["content-type"];
  if (!type || !/^multipart\/form-data\b/i.test(type)) {
    req.resume();
    return failure({ status: 415, message: `content-type must be multipart/form-data (got ${type ? `'${type}'` : "none"})`, code: "unsupported_media_type" });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, fields: MAX_FIELDS, files: MAX_FILES } });
  } catch (err) {
    req.resume();
    return malformed(err);
  }
  const dir = await mkdtemp(join(tmpdir(), "iris-upload-"));
  const discard = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const spooled = await spool(req, parser, dir, limits, options.fileFields);
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
  limits: BodyLimits,
  fileFields: readonly string[] | undefined,
): Promise<{ fields: Record<string, string>; pairs: Array<[string, string]>; file?: UploadedFile; files: UploadedPart[] } | GatewayFailure> {
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    const pairs: Array<[string, string]> = [];
    const files: UploadedPart[] = [];
    let file: UploadedFile | undefined;
    let totalBytes = 0;
    let written: Promise<void> = Promise.resolve();
    let problem: GatewayFailure | undefined;
    let settled = false;
    const { maxBytes } = limits;
    const idle = setTimeout(() => {
      problem ??= bodyStalled(limits.idleMs);
      req.unpipe(parser);
      parser.destroy(new Error("request body stalled"));
      void settle();
    }, limits.idleMs);
    req.on("data", () => idle.refresh());
    const settle = async (): Promise<void> => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      try {
        await written;
      } catch (err) {
        problem ??= malformed(err);
      }
      if (!problem && totalBytes > maxBytes) problem = tooLarge(maxBytes);
      resolve(problem ?? { fields, pairs, files, ...(file ? { file } : {}) });
    };
    parser.on("field", (name, value) => {
      fields[name] = value;
      pairs.push([name, value]);
    });
    parser.on("file", (name, stream, info) => {
      const kept = fileFields ? fileFields.includes(name) : name === FILE_FIELD && !file;
      if (!kept) {
        // A part we skip still errors when the form is cut short; the parser's own error reports that.
        stream.on("error", () => undefined);
        stream.resume();
        return;
      }
      const upload: UploadedFile = {
        path: join(dir, `upload-${files.length}`),
        filename: info.filename || "upload",
        contentType: info.mimeType || "application/octet-stream",
        bytes: 0,
      };
      files.push({ field: name, file: upload });
      if (name === FILE_FIELD && !file) file = upload;
      stream.once("limit", () => {
        problem ??= tooLarge(maxBytes);
      });
      const sink = createWriteStream(upload.path);
      const previous = written;
      written = Promise.all([previous, pipeline(stream, sink)]).then(() => {
        upload.bytes = sink.bytesWritten;
        totalBytes += sink.bytesWritten;
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

function tooLarge(maxBytes: number): GatewayFailure {
  return failure({
    status: 413,
    message: `uploaded file is larger than ${Math.round((maxBytes / (1024 * 1024)) * 100) / 100} MB (client.max_request_body_size_mb)`,
    code: "request_too_large",
  });
}

function malformed(err: unknown): GatewayFailure {
  return failure({ status: 400, message: `malformed multipart/form-data body: ${(err as Error).message}`, code: "invalid_multipart" });
}
