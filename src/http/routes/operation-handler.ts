import type { Operation } from "../../core/schema/request-type.js";
import type { RouteHandler } from "../router.js";
import { inferenceHandler, type InferenceOptions, type SurfaceOptions } from "./inference.js";
import { speechHandler } from "./speech.js";

/** The POST handler of a model operation: speech answers with audio bytes, every other one with JSON or SSE. */
export function operationHandler(op: Operation, options: InferenceOptions, surface: SurfaceOptions = {}): RouteHandler {
  return op === "speech" ? speechHandler(options, surface) : inferenceHandler(op, options, surface);
}
