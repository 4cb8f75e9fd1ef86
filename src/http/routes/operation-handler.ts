import type { Operation } from "../../core/schema/request-type.js";
import type { RouteHandler } from "../router.js";
import { inferenceHandler, type InferenceOptions, type SurfaceOptions } from "./inference.js";
import { speechHandler } from "./speech.js";
import { transcriptionHandler } from "./transcription.js";

/**
 * The POST handler of a model operation: speech answers with audio bytes, a transcription takes a
 * multipart upload, every other one takes JSON and answers with JSON or SSE.
 */
export function operationHandler(op: Operation, options: InferenceOptions, surface: SurfaceOptions = {}): RouteHandler {
  if (op === "speech") return speechHandler(options, surface);
  if (op === "transcription") return transcriptionHandler(options, surface);
  return inferenceHandler(op, options, surface);
}
