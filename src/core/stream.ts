import { createParser } from "eventsource-parser";
import type { ChunkDecoder, DecodedEvent } from "../providers/types.js";

type ByteStream = AsyncIterable<Uint8Array>;

/**
 * Upstream SSE bytes → decoded provider events, in order, as soon as each event is complete.
 * The parser handles comments, `event:`/`id:` fields, CRLF and frames split across reads.
 */
export async function* decodeSseStream(body: ByteStream, decoder: ChunkDecoder): AsyncGenerator<DecodedEvent> {
  const ready: DecodedEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      for (const decoded of decoder.decode({ event: message.event, data: message.data })) ready.push(decoded);
    },
  });
  const text = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(text.decode(bytes, { stream: true }));
    for (let i = 0; i < ready.length; i++) yield ready[i]!;
    ready.length = 0;
  }
  // The parser only dispatches on a blank line; a last event the server closed right after still counts.
  parser.feed(`${text.decode()}\n\n`);
  for (const decoded of ready) yield decoded;
  if (decoder.finish) yield* decoder.finish();
}
