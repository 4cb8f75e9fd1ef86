import { GatewayFailure, withErrorContext } from "../../core/schema/error.js";
import type { JsonObject } from "../../core/schema/json.js";
import { engineRequestFor } from "../engine-request.js";
import { readMultipartForm } from "../read-multipart.js";
import { sendError } from "../respond.js";
import type { RouteContext } from "../router.js";
import { operationError, type InferenceOptions, type SurfaceOptions } from "./inference.js";
import { renderResource } from "./resource-handlers.js";

/**
 * `POST .../audio/transcriptions`: OpenAI's multipart form (the audio as `file`, `model` as
 * `provider/model` on the unified surface) in; the transcript out as the provider answers it —
 * JSON with `extra_fields`, or the text, SRT, VTT or event stream it sends for other formats.
 */
export function transcriptionHandler(options: InferenceOptions, surface: SurfaceOptions = {}) {
  return async (ctx: RouteContext): Promise<void> => {
    const form = await readMultipartForm(ctx.req, options.maxBodyBytes);
    if (form instanceof GatewayFailure) return sendError(ctx.res, withErrorContext(form.body, { request_type: "transcription" }));
    try {
      const fields = form.fields;
      const model = surface.modelFromPath ? surface.modelFromPath(ctx) : fields["model"];
      const stream = fields["stream"] === "true";
      const refuse = (message: string, param: string): void =>
        sendError(ctx.res, operationError("transcription", { status: 400, message, param }, { model, stream }));
      if (!model) return refuse("multipart field 'model' is required: the model to transcribe with, e.g. openai/whisper-1", "model");
      if (!form.file) return refuse("multipart field 'file' is required: the audio to transcribe", "file");
      const request = engineRequestFor(ctx, {
        op: "transcription",
        stream: false,
        model,
        body: { ...formBody(form.pairs), model },
        ...(surface.defaultProvider ? { defaultProvider: surface.defaultProvider } : {}),
      });
      request.upload = form.file;
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
    const seen = body[name];
    body[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return body;
}
