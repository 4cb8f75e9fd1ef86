import type { AttemptEnd } from "../../core/pipeline/plugin.js";
import type { StreamChunk } from "../../core/engine-result.js";
import type { JsonObject } from "../../schema/json.js";
import { peekString } from "../../schema/json-text-peek.js";

/** The model that answered and the answer's id (`gen_ai.response.model`, `gen_ai.response.id`). */
export interface AnswerIdentity {
  model?: string;
  id?: string;
}

/**
 * Read from a JSON answer, or a stream's first chunk. An answer the engine holds as text is not
 * parsed for this: an OpenAI-shaped body names its id and model before any content, so the first
 * occurrence of each key is the answer's own.
 */
export function identityOfAnswer(end: AttemptEnd): AnswerIdentity {
  if (end.status !== "success" || end.result.kind !== "json") return {};
  return end.result.json === undefined ? identityOfObject(end.result.body) : identityOfText(end.result.json);
}

export function identityOfChunk(chunk: StreamChunk): AnswerIdentity {
  return chunk.json === undefined ? identityOfObject(chunk.data) : identityOfText(chunk.json);
}

function identityOfObject(body: JsonObject): AnswerIdentity {
  const identity: AnswerIdentity = {};
  if (typeof body["model"] === "string") identity.model = body["model"];
  if (typeof body["id"] === "string") identity.id = body["id"];
  return identity;
}

function identityOfText(text: string): AnswerIdentity {
  const identity: AnswerIdentity = {};
  const model = peekString(text, "model", "first");
  if (model !== undefined) identity.model = model;
  const id = peekString(text, "id", "first");
  if (id !== undefined) identity.id = id;
  return identity;
}
