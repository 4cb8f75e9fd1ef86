import { StringDecoder } from "node:string_decoder";
import { createParser } from "eventsource-parser";
import type { ChunkDecoder, DecodedEvent, StreamFramer } from "./types.js";

/**
 * SSE framing: upstream bytes → decoded provider events, as soon as each event is complete.
 * The parser handles comments, `event:`/`id:` fields, CRLF and frames split across reads.
 * Synchronous, so every event of one network read is decoded (and later written) together.
 */
export function sseFramer(decoder: ChunkDecoder): StreamFramer {
  let ready: DecodedEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      const decoded = decoder.decode({ event: message.event, data: message.data });
      for (let i = 0; i < decoded.length; i++) ready.push(decoded[i]!);
    },
  });
  const text = new StringDecoder("utf8");
  const take = (): DecodedEvent[] => {
    const out = ready;
    ready = [];
    return out;
  };
  return {
    push(bytes) {
      parser.feed(text.write(bytes));
      return take();
    },
    end() {
      // The parser only dispatches on a blank line; a last event the server closed right after still counts.
      parser.feed(`${text.end()}\n\n`);
      const out = take();
      if (decoder.finish) out.push(...decoder.finish());
      return out;
    },
  };
}

/** Runs a framer over a byte stream, one event at a time (tests and tools; the engine pushes reads itself). */
export async function* framedEvents(body: AsyncIterable<Uint8Array>, framer: StreamFramer): AsyncGenerator<DecodedEvent> {
  for await (const bytes of body) yield* framer.push(bytes);
  yield* framer.end();
}

export function decodeSseStream(body: AsyncIterable<Uint8Array>, decoder: ChunkDecoder): AsyncGenerator<DecodedEvent> {
  return framedEvents(body, sseFramer(decoder));
}
