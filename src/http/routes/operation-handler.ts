import type { Operation } from "../../schema/request-type.js";
import type { RouteHandler } from "../router.js";
import { inferenceHandler, type InferenceOptions, type SurfaceOptions } from "./inference.js";
import { speechHandler } from "./speech.js";
import { imageEditHandler, transcriptionHandler } from "./multipart-operation.js";

/**
 * The POST handler of a model operation: speech answers with audio bytes, transcriptions and image
 * edits take multipart uploads, every other one takes JSON and answers with JSON or SSE.
 */
export function operationHandler(op: Operation, options: InferenceOptions, surface: SurfaceOptions = {}): RouteHandler {
  if (op === "speech") return speechHandler(options, surface);
  if (op === "transcription") return transcriptionHandler(options, surface);
  if (op === "image_edit") return imageEditHandler(options, surface);
  return inferenceHandler(op, options, surface);
}
