import { GatewayFailure, withErrorContext } from "../../schema/error.js";
import type { JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { engineRequestFor } from "../engine-request.js";
import { readMultipartForm, type MultipartForm } from "../read-multipart.js";
import { sendError } from "../respond.js";
import type { RouteContext } from "../router.js";
import { operationError, type InferenceOptions, type SurfaceOptions } from "./inference.js";
import { renderResource } from "./resource-handlers.js";

/** A model operation whose request is an OpenAI multipart form. */
interface MultipartOperation {
  op: Extract<Operation, "transcription" | "image_edit">;
  /** File fields kept (others are dropped), in the order sent. */
  fileFields: readonly string[];
  /** What the model field is for, in the error when it is missing. */
  modelHint: string;
  /** The error when the form lacks the file the operation needs. */
  missingFile(form: MultipartForm): { message: string; param: string } | undefined;
}

const TRANSCRIPTION: MultipartOperation = {
  op: "transcription",
  fileFields: ["file"],
  modelHint: "the model to transcribe with, e.g. openai/whisper-1",
  missingFile: (form) => (form.files.length === 0 ? { message: "multipart field 'file' is required: the audio to transcribe", param: "file" } : undefined),
};

const IMAGE_EDIT: MultipartOperation = {
  op: "image_edit",
  fileFields: ["image", "image[]", "mask"],
  modelHint: "the model to edit with, e.g. openai/gpt-image-1",
  missingFile: (form) =>
    form.files.some(({ field }) => field !== "mask") ? undefined : { message: "multipart field 'image' is required: the image to edit", param: "image" },
};

/**
 * `POST .../audio/transcriptions`: the audio as `file`; the transcript comes back as the provider
 * answers it — JSON with `extra_fields`, or the text, SRT, VTT or event stream it sends.
 */
export function transcriptionHandler(options: InferenceOptions, surface: SurfaceOptions = {}) {
  return multipartOperationHandler(TRANSCRIPTION, options, surface);
}

/** `POST .../images/edits`: `image` (or `image[]`, several) and an optional `mask`; JSON with `extra_fields` back. */
export function imageEditHandler(options: InferenceOptions, surface: SurfaceOptions = {}) {
  return multipartOperationHandler(IMAGE_EDIT, options, surface);
}

/**
 * Reads the form (files spooled to disk, never whole in memory), checks the model and files, and
 * runs the operation with every field kept (`model` as `provider/model` on the unified surface).
 */
function multipartOperationHandler(spec: MultipartOperation, options: InferenceOptions, surface: SurfaceOptions) {
  return async (ctx: RouteContext): Promise<void> => {
    const form = await readMultipartForm(ctx.req, options.bodyLimits, { fileFields: spec.fileFields });
    if (form instanceof GatewayFailure) return sendError(ctx.res, withErrorContext(form.body, { request_type: spec.op }));
    try {
      const fields = form.fields;
      const model = surface.modelFromPath ? surface.modelFromPath(ctx) : fields["model"];
      const stream = fields["stream"] === "true";
      const refuse = (message: string, param: string): void => sendError(ctx.res, operationError(spec.op, { status: 400, message, param }, { model, stream }));
      if (!model) return refuse(`multipart field 'model' is required: ${spec.modelHint}`, "model");
      const missing = spec.missingFile(form);
      if (missing) return refuse(missing.message, missing.param);
      const request = engineRequestFor(ctx, {
        op: spec.op,
        stream: false,
        model,
        body: { ...formBody(form.pairs), model },
        ...(surface.defaultProvider ? { defaultProvider: surface.defaultProvider } : {}),
      });
      request.uploads = form.files;
      await renderResource(ctx.res, options.engine, request);
    } finally {
      await form.discard();
    }
  };
}

/** The form as a body: a name sent more than once (`timestamp_granularities[]`) keeps all its values, in order. */
function formBody(pairs: ReadonlyArray<readonly [string, string]>): JsonObject {
  const body: JsonObject = {};
  for (const [name, value] of pairs) {
    const seen: unknown = body[name];
    body[name] = seen === undefined ? value : Array.isArray(seen) ? [...(seen as unknown[]), value] : [seen, value];
  }
  return body;
}
