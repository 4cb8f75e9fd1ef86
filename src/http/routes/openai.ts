import type { Operation } from "../../schema/request-type.js";
import type { Router } from "../router.js";
import type { InferenceOptions } from "./inference.js";
import { imageEditHandler } from "./multipart-operation.js";
import { operationHandler } from "./operation-handler.js";
import { addOpenAIShapedRoutes } from "./unified.js";

const AZURE_DEPLOYMENT_OPERATIONS: ReadonlyArray<[string, Operation]> = [
  ["chat/completions", "chat"],
  ["completions", "text_completion"],
  ["embeddings", "embedding"],
  ["audio/speech", "speech"],
  ["images/generations", "image_generation"],
  ["audio/transcriptions", "transcription"],
  ["images/edits", "image_edit"],
];

/**
 * The OpenAI SDK drop-in surface: `/openai` and `/openai/v1` (a bare model means `openai`), and the
 * Azure SDK's deployment paths (`/openai/openai/deployments/{deployment}/...`, the deployment is the model).
 */
export function addOpenAIRoutes(router: Router, options: InferenceOptions): void {
  addOpenAIShapedRoutes(router, "/openai/v1", options, { defaultProvider: "openai" });
  addOpenAIShapedRoutes(router, "/openai", options, { defaultProvider: "openai" });
  for (const base of ["/openai/openai/deployments", "/openai/deployments"]) {
    for (const [path, op] of AZURE_DEPLOYMENT_OPERATIONS) {
      router.add("POST", `${base}/{deployment}/${path}`, operationHandler(op, options, { modelFromPath: (ctx) => `azure/${ctx.params["deployment"]}` }));
    }
  }
  // The Azure SDK sends image edits outside its deployment paths, naming the deployment in the form's `model`.
  router.add("POST", "/openai/openai/images/edits", imageEditHandler(options, { defaultProvider: "azure" }));
}
