// The escapers: what each language reads back is the text as written, and raw files read as text.
import { Parser } from 'commonmark';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { q } from '../../src/escape.js';

/** The text a CommonMark renderer shows for `md`, or the first markup node it grew. */
function rendered(md: string): string {
  let text = '';
  const walker = new Parser().parse(md).walker();
  for (let step = walker.next(); step; step = walker.next()) {
    const { node, entering } = step;
    if (!entering) continue;
    if (node.type === 'text' || node.type === 'code') text += node.literal;
    else if (node.type === 'softbreak') text += '\n';
    else if (!['document', 'paragraph'].includes(node.type)) return `<${node.type}>`;
  }
  return text;
}

describe('q.md', () => {
  it('reads as the text in the raw file: & and < stay themselves unless they would be markup', () => {
    expect(q.md('Tom & Jerry')).toBe('Tom & Jerry');
    expect(q.md('a &amp; b')).toBe('a \\&amp; b');
    expect(q.md('x < y')).toBe('x \\< y');
  });

  it('renders as the text, with no link, HTML, emphasis, code or heading', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '<https://evil.example|Bridge>',
        '[x](https://evil.example)',
        '&copy; &#169;',
        '<b>bold</b>',
        '# title',
        '1. one',
        '**x** _y_ `z`',
        '> quote',
        '0) zero',
        '~~~ fence',
      ),
    );
    fc.assert(
      fc.property(text, (v) => {
        // One line, as the description's rule allows; leading and trailing blanks are no text.
        const line = v.replace(/[\r\n]/g, ' ').trim();
        if (line === '') return;
        expect(rendered(q.md(line))).toBe(line.replace(/\0/g, '\uFFFD'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('q.ts', () => {
  it('is a single-quoted TypeScript string that reads back as the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (v) => {
        const literal = q.ts(v);
        expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
        expect(new Function(`return ${literal}`)()).toBe(v);
      }),
      { numRuns: 500 },
    );
    expect(q.ts(['a', "b'c"])).toBe("['a', 'b\\'c']");
  });
});
