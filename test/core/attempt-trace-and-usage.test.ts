/**
 * What an attempt learns without the plugins parsing anything: the caller's W3C trace from its
 * `traceparent`, and the usage and finish reason of an answer held as text — pretty-printed or
 * compact, as providers send it — read without parsing the whole answer.
 */
import { describe, expect, it } from 'vitest';
import { noteAnswer } from '../../src/core/pipeline/note-answer.js';
import type { Attempt } from '../../src/core/pipeline/plugin.js';
import { parseTraceparent } from '../../src/core/pipeline/traceparent.js';
import { peekObject, peekString } from '../../src/schema/json-text-peek.js';
import { JsonTextResult } from '../../src/schema/verbatim-json.js';

describe('parseTraceparent', () => {
  it('reads version 00 with its trace id, parent span id and flags', () => {
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      parentSpanId: 'b7ad6b7169203331',
      flags: 1,
    });
  });

  it.each([
    ['another version', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['upper-case hex', '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`],
    ['an all-zero span id', `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`],
    ['a short trace id', '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01'],
    ['garbage', 'not a traceparent'],
  ])('is no trace context for %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

const PRETTY_ANSWER = `{
  "id": "chatcmpl-1",
  "object": "chat.completion",
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": { "role": "assistant", "content": "the key \\"usage\\": {\\"x\\": 1} is only text here" },
      "finish_reason": "length"
    }
  ],
  "usage": {
    "prompt_tokens": 19,
    "completion_tokens": 10,
    "total_tokens": 29,
    "prompt_tokens_details": { "cached_tokens": 7 }
  },
  "extra_fields": { "provider": "openai" }
}`;

describe('reading fields from an answer held as text', () => {
  it('finds keys whatever the whitespace, never inside a string value', () => {
    expect(peekObject(PRETTY_ANSWER, 'usage', 'last')).toEqual({
      prompt_tokens: 19,
      completion_tokens: 10,
      total_tokens: 29,
      prompt_tokens_details: { cached_tokens: 7 },
    });
    expect(peekString(PRETTY_ANSWER, 'finish_reason', 'last')).toBe('length');
    expect(peekString(PRETTY_ANSWER, 'model', 'first')).toBe('gpt-4o-mini-2024-07-18');
    expect(peekString('{"object":"model","model":"m"}', 'model', 'first')).toBe('m');
    expect(peekObject('{"usage":null}', 'usage', 'last')).toBeUndefined();
    expect(peekString('{"a":1}', 'model', 'first')).toBeUndefined();
  });

  it('gives the attempt the usage and finish reason of an answer passed on as text', () => {
    const attempt = { usage: undefined, finishReason: undefined } as unknown as Attempt;
    noteAnswer(attempt, new JsonTextResult(PRETTY_ANSWER));
    expect(attempt.usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 10 });
    expect(attempt.finishReason).toBe('length');
  });
});
