import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/glob-matcher.js';

// Patterns whose end is plain text, and the ways that text can stop being required: alternatives
// (`|`, braces, extglobs, unclosed groups whose `|` or `,` reaches the expression), quotes,
// escapes, brackets, trailing `**`.
const patterns = [
  '**/*.gen.ts',
  '**/*.gen.ts/**',
  '*.md',
  'docs/*.md',
  'docs/*.md/**',
  'src/**/gen/*',
  'a/**',
  '**',
  'a|b.ts',
  '(a|b).ts',
  '@(a|b.ts',
  '{a,b.ts',
  'x{1..3',
  '*.{ts,js}',
  '"x.ts"',
  '"x.ts',
  "'x'.ts",
  'a\\*.ts',
  '[a-z',
  '[ab].ts',
  '[]x].ts',
  '!x.ts',
  'a/..',
  'app/(group)/*.tsx',
  '?.ts',
  '+(a).ts',
  'a.ts',
];
const paths = [
  '',
  'a',
  'a.ts',
  'b.ts',
  'x.ts',
  '"x.ts"',
  'a*.ts',
  'a|b.ts',
  '(a',
  '@(a',
  '{a',
  'x{1..3',
  '[a-z',
  'b',
  ']',
  'x/a.gen.ts',
  'x/a.gen.ts/below',
  'a.gen.ts',
  'x/.gen.ts',
  'docs/a.md',
  'docs/a.md/x',
  'docs/sub/b.md',
  'src/x/gen/out.ts',
  'a/b/c',
  'a/..',
  '!x.ts',
  'app/(group)/page.tsx',
  'app/group/page.tsx',
  'k.ts',
  'aa.ts',
  'x.js',
];

describe('globMatcher', () => {
  it.each(patterns)(
    'agrees with picomatch itself on %j, alone and with what lies below',
    (glob) => {
      for (const globs of [glob, [glob, `${glob}/**`]]) {
        for (const nocase of [false, true]) {
          const expected = picomatch(globs, { dot: true, nonegate: true, nocase });
          const actual = globMatcher(globs, { nocase });
          for (const path of paths) {
            for (const candidate of [path, path.toUpperCase()])
              expect(actual(candidate), `${JSON.stringify(globs)} on ${candidate}`).toBe(
                Boolean(expected(candidate)),
              );
          }
        }
      }
    },
  );
});
