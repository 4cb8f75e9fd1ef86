import { isRecord, type JsonObject } from "../../schema/json.js";
import { peekObject, peekString } from "../../schema/json-text-peek.js";
import type { EngineResult } from "../engine-result.js";
import type { Attempt } from "./plugin.js";

/**
 * What the attempt learns from a whole JSON answer: its usage and finish reason, as a stream's
 * chunks teach them (see `noteChunk`). An answer the engine passes on as text (the OpenAI family)
 * is not parsed whole for this: the usage object is cut out of the text and parsed alone, and the
 * finish reason read where it stands — both come after the choices, so their last occurrence.
 */
export function noteAnswer(attempt: Attempt, result: EngineResult & { kind: "json" }): void {
  const text = result.json;
  if (text === undefined) {
    noteBody(attempt, result.body);
    return;
  }
  const usage = peekObject(text, "usage", "last");
  if (usage !== undefined) attempt.usage = usage;
  const reason = peekString(text, "finish_reason", "last");
  if (reason !== undefined) attempt.finishReason = reason;
}

function noteBody(attempt: Attempt, body: JsonObject): void {
  if (isRecord(body["usage"])) attempt.usage = body["usage"];
  const choices = body["choices"];
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    if (isRecord(choice) && typeof choice["finish_reason"] === "string") attempt.finishReason = choice["finish_reason"];
  }
}
