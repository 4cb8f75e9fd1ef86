/** Batch results are JSONL read as the bytes arrive: lines split anywhere still parse, bad lines are reported by number. */
import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../src/core/read-json-lines.js';

async function* pieces(...parts: Array<string | Buffer>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

describe('readJsonLines', () => {
  it('parses lines split across chunks, with LF or CRLF endings and no final newline', async () => {
    const out = await readJsonLines(pieces('{"a"', ':1}\r\n{"b":', '2}\n', '{"c":3}'));
    expect(out).toEqual({ lines: [{ a: 1 }, { b: 2 }, { c: 3 }], parseErrors: [] });
  });

  it('keeps a multi-byte character split between chunks intact', async () => {
    const bytes = Buffer.from('{"t":"héllo"}\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const out = await readJsonLines(pieces(bytes.subarray(0, cut), bytes.subarray(cut)));
    expect(out.lines).toEqual([{ t: 'héllo' }]);
  });

  it('skips blank lines and reports each unparseable line with its 1-based number', async () => {
    const out = await readJsonLines(pieces('{"a":1}\n\nnot json\n{"b":2}\n{"broken":\n'));
    expect(out.lines).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.parseErrors.map((e) => e.line)).toEqual([3, 5]);
    expect(out.parseErrors[0]!.message).toMatch(/^line 3 is not JSON: /);
  });
});
