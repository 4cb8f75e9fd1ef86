import type { Readable } from "node:stream";
import type { BytesResult } from "../engine-result.js";
import type { EngineRequest } from "../engine-request.js";
import { failure, type ErrorExtraFields } from "../../schema/error.js";
import type { ExtraFields } from "../../schema/extra-fields.js";
import type { JsonObject } from "../../schema/json.js";

const MEGABYTE = 1024 * 1024;

/** Most audio bytes one async speech job keeps: the whole result is stored as one JSON row. */
export const MAX_SPEECH_JOB_AUDIO_BYTES = 25 * MEGABYTE;

/** OpenAI's default `response_format` for speech. */
const DEFAULT_SPEECH_FORMAT = "mp3";

/**
 * Bifrost's BifrostSpeechResponse, the result of an async speech job: `{audio (base64), usage,
 * extra_fields, response_format}`. `usage.input_chars` counts the characters of the input, as Bifrost does.
 */
export async function speechJobResult(request: EngineRequest, audio: BytesResult, maxAudioBytes: number, started: number): Promise<JsonObject> {
  // The engine says who served it: the primary, or a fallback.
  const { provider, model_requested: model } = audio.extraFields;
  const bytes = await readAudio(audio.body, maxAudioBytes, { provider, model_requested: model, request_type: "speech" });
  const body = request.body ?? {};
  const input = typeof body["input"] === "string" ? body["input"] : "";
  const format = typeof body["response_format"] === "string" ? body["response_format"] : DEFAULT_SPEECH_FORMAT;
  const latency = Math.round(performance.now() - started);
  return {
    audio: bytes.toString("base64"),
    usage: { input_tokens: 0, input_chars: [...input].length, output_tokens: 0, total_tokens: 0 },
    extra_fields: { request_type: "speech", provider, model_requested: model, latency, chunk_index: 0 } satisfies ExtraFields,
    response_format: format,
  };
}

/** The whole audio body, or a failure once it passes `maxBytes` (nothing past it is kept). */
async function readAudio(body: Readable, maxBytes: number, extra: ErrorExtraFields): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const piece = chunk as Buffer;
      total += piece.length;
      if (total > maxBytes) break;
      chunks.push(piece);
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw failure({ status: 502, message: `the audio from provider '${extra.provider}' broke off before it ended: ${reason}`, extra });
  }
  if (total > maxBytes) {
    throw failure({
      status: 413,
      code: "async_result_too_large",
      message: `the audio is larger than the ${sizeText(maxBytes)} an async speech job keeps; request it from POST /v1/audio/speech, which passes it on as it is produced`,
      extra,
    });
  }
  return Buffer.concat(chunks, total);
}

function sizeText(bytes: number): string {
  return bytes % MEGABYTE === 0 ? `${bytes / MEGABYTE} MB` : `${bytes} bytes`;
}
