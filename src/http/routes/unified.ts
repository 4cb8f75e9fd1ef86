import type { Router } from "../router.js";
import { addBatchRoutes } from "./batches.js";
import { addContainerRoutes } from "./containers.js";
import { addFileRoutes } from "./files.js";
import { inferenceHandler, type InferenceOptions } from "./inference.js";
import { listModelsHandler, responseResourceHandler } from "./resources.js";
import { speechHandler } from "./speech.js";
import { imageEditHandler, transcriptionHandler } from "./multipart-operation.js";

/** Bifrost's unified API: OpenAI-shaped, `model` is `provider/model`. */
export function addUnifiedRoutes(router: Router, options: InferenceOptions): void {
  addOpenAIShapedRoutes(router, "/v1", options, {});
  router.add("POST", "/v1/rerank", inferenceHandler("rerank", options));
}

/** The OpenAI-shaped endpoints under one prefix; shared by `/v1`, `/openai` and `/openai/v1`. */
export function addOpenAIShapedRoutes(router: Router, prefix: string, options: InferenceOptions, surface: { defaultProvider?: string }): void {
  const { engine } = options;
  router.add("POST", `${prefix}/chat/completions`, inferenceHandler("chat", options, surface));
  router.add("POST", `${prefix}/completions`, inferenceHandler("text_completion", options, surface));
  router.add("POST", `${prefix}/embeddings`, inferenceHandler("embedding", options, surface));
  router.add("POST", `${prefix}/responses`, inferenceHandler("responses", options, surface));
  router.add("POST", `${prefix}/audio/speech`, speechHandler(options, surface));
  router.add("POST", `${prefix}/images/generations`, inferenceHandler("image_generation", options, surface));
  router.add("POST", `${prefix}/audio/transcriptions`, transcriptionHandler(options, surface));
  router.add("POST", `${prefix}/images/edits`, imageEditHandler(options, surface));
  router.add("GET", `${prefix}/responses/{id}`, responseResourceHandler("responses_retrieve", engine));
  router.add("DELETE", `${prefix}/responses/{id}`, responseResourceHandler("responses_delete", engine));
  router.add("POST", `${prefix}/responses/{id}/cancel`, responseResourceHandler("responses_cancel", engine));
  router.add("GET", `${prefix}/responses/{id}/input_items`, responseResourceHandler("responses_input_items", engine));
  router.add("GET", `${prefix}/models`, listModelsHandler(engine));
  addFileRoutes(router, prefix, options);
  addBatchRoutes(router, prefix, options);
  addContainerRoutes(router, prefix, options);
}
