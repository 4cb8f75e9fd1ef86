import { describe, expect, it } from 'vitest';
import { JsonTextChunk, JsonTextResult, spliceExtraFields, VerbatimChunk } from '../../src/schema/verbatim-json.js';

const FIELDS = '{"request_type":"chat_completion","latency":3}';

describe('spliceExtraFields', () => {
  it('adds extra_fields as the last member of an object, keeping every other byte', () => {
    const text = '{"id":"x","choices":[{"delta":{"content":"}"}}]}';
    const out = spliceExtraFields(text, FIELDS)!;
    expect(out.startsWith(text.slice(0, -1))).toBe(true);
    expect(JSON.parse(out)).toEqual({ ...JSON.parse(text), extra_fields: JSON.parse(FIELDS) });
  });

  it('handles surrounding whitespace and the empty object', () => {
    expect(JSON.parse(spliceExtraFields('  {"a":1}\n', FIELDS)!)).toEqual({ a: 1, extra_fields: JSON.parse(FIELDS) });
    expect(JSON.parse(spliceExtraFields('{ \n }', FIELDS)!)).toEqual({ extra_fields: JSON.parse(FIELDS) });
  });

  it('refuses anything that is not an object, so the caller takes the parsing path', () => {
    for (const text of ['[1,2]', '"text"', '', '42', '{"a":1', 'null']) expect(spliceExtraFields(text, FIELDS)).toBeUndefined();
  });
});

describe('lazily parsed JSON text', () => {
  it('parses only when the object is asked for, once', () => {
    const chunk = new VerbatimChunk('{"a":1}');
    expect(chunk.rawText).toBe('{"a":1}');
    expect(chunk.chunk).toEqual({ a: 1 });
    expect(chunk.chunk).toBe(chunk.chunk);
    const result = new JsonTextResult('{"b":2}');
    expect(result.kind).toBe('json');
    expect(result.body).toEqual({ b: 2 });
    expect(new JsonTextChunk('{"c":3}').data).toEqual({ c: 3 });
  });
});
