/**
 * Vertex streams function-call arguments as values at JSON paths (`partialArgs`); clients get
 * OpenAI-style argument fragments. Whatever the shapes, the concatenated fragments must parse to
 * the arguments object.
 */
import { describe, expect, it } from 'vitest';
import type { GeminiPartialArg } from '../../../src/providers/gemini/gemini-types.js';
import { createStreamedArgumentsWriter, parseJsonPath } from '../../../src/providers/gemini/streamed-arguments-writer.js';

function written(args: GeminiPartialArg[]): unknown {
  const writer = createStreamedArgumentsWriter();
  const text = args.map((arg) => writer.write(arg)).join('') + writer.close();
  return JSON.parse(text) as unknown;
}

describe('streamed function-call arguments', () => {
  it('strings split over several fragments are joined, with JSON escaping kept', () => {
    expect(
      written([
        { jsonPath: '$.text', stringValue: 'say "hi"\n', willContinue: true },
        { jsonPath: '$.text', stringValue: 'and 😀 \\ done', willContinue: true },
        { jsonPath: '$.text', stringValue: '' },
      ]),
    ).toEqual({ text: 'say "hi"\nand 😀 \\ done' });
  });

  it('numbers, booleans and nulls become JSON literals', () => {
    expect(
      written([
        { jsonPath: '$.count', numberValue: 3.5 },
        { jsonPath: '$.enabled', boolValue: false },
        { jsonPath: '$.note', nullValue: 'NULL_VALUE' },
      ]),
    ).toEqual({ count: 3.5, enabled: false, note: null });
  });

  it('nested objects and arrays (arrays of arrays too) open and close in document order', () => {
    expect(
      written([
        { jsonPath: '$.a.b[0].c', stringValue: 'x' },
        { jsonPath: '$.a.b[0].d', numberValue: 1 },
        { jsonPath: '$.a.b[1].c', stringValue: 'y' },
        { jsonPath: '$.a.e', boolValue: true },
        { jsonPath: '$.m[0][0]', numberValue: 1 },
        { jsonPath: '$.m[0][1]', numberValue: 2 },
        { jsonPath: '$.m[1][0]', numberValue: 3 },
        { jsonPath: "$['key with spaces']", stringValue: 'z' },
      ]),
    ).toEqual({ a: { b: [{ c: 'x', d: 1 }, { c: 'y' }], e: true }, m: [[1, 2], [3]], 'key with spaces': 'z' });
  });

  it('a call that streamed no argument at all is {}', () => {
    expect(written([])).toEqual({});
  });

  it('a string left open when the call ends is closed', () => {
    expect(written([{ jsonPath: '$.q', stringValue: 'half', willContinue: true }])).toEqual({ q: 'half' });
  });

  it('reads dot, index and bracket-quoted path segments', () => {
    expect(parseJsonPath('$.recipe.steps[9]')).toEqual(['recipe', 'steps', 9]);
    expect(parseJsonPath("$['a.b'][2]")).toEqual(['a.b', 2]);
    expect(parseJsonPath('recipe')).toBeUndefined();
  });
});
