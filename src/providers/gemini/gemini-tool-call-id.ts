import { randomUUID } from "node:crypto";

/**
 * Gemini function calls usually carry no id; OpenAI-shaped callers need one to answer with.
 * The id is the call's own when Gemini gives one, else derived from the response id and the
 * call's position, so the same response always yields the same ids and different turns differ.
 */
export function geminiToolCallId(givenId: string | undefined, responseId: string, position: number): string {
  return givenId || `call_${responseId}_${position}`;
}

/** A response id for responses that lack one (older models, some Vertex paths). */
export function fallbackResponseId(): string {
  return randomUUID().replace(/-/g, "").slice(0, 24);
}
