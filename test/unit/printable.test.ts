import { describe, expect, it } from 'vitest';
import { printable, printableJson, quoted } from '../../src/report/printable.js';
import { rawControl } from '../support/raw-control.js';

describe('printable', () => {
  it.each([
    { text: 'src/a.ts', shown: 'src/a.ts', why: 'a plain path' },
    { text: 'a "quoted" name', shown: 'a "quoted" name', why: 'quotes alone are harmless' },
    { text: 'back\\slash', shown: 'back\\slash', why: 'a backslash alone is harmless' },
    { text: 'naïve/日本語 ✓', shown: 'naïve/日本語 ✓', why: 'non-ASCII text' },
    { text: 'src/x::error::y', shown: 'src/x::error::y', why: '`::` not at the start' },
    { text: '', shown: '', why: 'empty' },
    { text: 'line\nbreak', shown: '"line\\nbreak"', why: 'LF' },
    { text: 'carriage\rreturn', shown: '"carriage\\rreturn"', why: 'a lone CR' },
    { text: 'tab\there', shown: '"tab\\there"', why: 'TAB' },
    { text: '\u001b[31mred', shown: '"\\u001b[31mred"', why: 'CSI colour' },
    {
      text: '\u001b]8;;https://x\u0007link\u001b]8;;\u0007',
      shown: '"\\u001b]8;;https://x\\u0007link\\u001b]8;;\\u0007"',
      why: 'OSC 8 hyperlink',
    },
    { text: 'del\u007f', shown: '"del\\u007f"', why: 'DEL' },
    { text: '\u009b2J', shown: '"\\u009b2J"', why: 'C1 CSI' },
    { text: 'a\u2028b', shown: '"a\\u2028b"', why: 'line separator' },
    { text: 'abc\u202edef', shown: '"abc\\u202edef"', why: 'bidi override' },
    { text: 'x##[error]y', shown: '"x#\\u0023[error]y"', why: 'legacy workflow command' },
    { text: '::error::x', shown: '"::error::x"', why: 'workflow command at the start' },
    { text: ' \t::warning::x', shown: '" \\t::warning::x"', why: 'after blanks' },
    { text: '  ::notice::x', shown: '"  ::notice::x"', why: 'after spaces' },
    { text: 'say "hi"\n', shown: '"say \\"hi\\"\\n"', why: 'quotes inside a quoted form' },
  ])('$why', ({ text, shown }) => {
    expect(printable(text)).toBe(shown);
    expect(printable(text)).not.toMatch(rawControl);
    // printing twice changes nothing, and the quoted form reads back as the original
    expect(printable(printable(text))).toBe(printable(text));
    if (shown !== text) expect(JSON.parse(shown)).toBe(text);
  });

  it('quoted always quotes, the same way', () => {
    expect(quoted('refactor')).toBe('"refactor"');
    expect(quoted('a\u001bb')).toBe('"a\\u001bb"');
    expect(quoted('x##[y')).toBe('"x#\\u0023[y"');
  });
});

describe('printableJson', () => {
  it('escapes what JSON.stringify leaves raw, and still parses to the same value', () => {
    const value = {
      name: 'del\u007f c1\u0085\u009b sep\u2028\u2029 bidi\u202e\u2066 ##[error]x',
      list: ['::error::y', 'plain', 'tab\t'],
    };
    const json = printableJson(JSON.stringify(value, null, 2));
    expect(json.replace(/\n/g, '')).not.toMatch(rawControl);
    expect(json).not.toContain('##[');
    expect(JSON.parse(json)).toEqual(value);
    // plain documents are unchanged
    const plain = JSON.stringify({ a: ['b', 1, null] }, null, 2);
    expect(printableJson(plain)).toBe(plain);
  });
});
