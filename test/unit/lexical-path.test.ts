import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNormalAbsolute, isNormalRelative, resolveLexically } from '../../src/lexical-path.js';

const bases = ['/repo', '/repo/sub', '/', '/repo/', '/repo//x', '/repo/./x', '/a/..', 'relative'];
const files = [
  'src/a.ts',
  '/abs/a.ts',
  '',
  '.',
  '..',
  './a',
  '../a',
  'a/./b',
  'a/../b',
  'a//b',
  'a/',
  '/abs/',
  '/abs//b',
  '/abs/./b',
  '/abs/..',
  '...',
  '..a/.b/c..',
  '/',
  'we ird/da\nta/日本',
];

describe('resolveLexically', () => {
  it.each(bases)('is path.resolve for every file against %j', (base) => {
    for (const file of files) expect(resolveLexically(base, file)).toBe(path.resolve(base, file));
  });
});

describe('isNormalAbsolute', () => {
  it('holds exactly for absolute paths path.resolve leaves unchanged', () => {
    for (const file of [...files, ...bases])
      expect(isNormalAbsolute(file), file).toBe(file !== '/' && path.resolve(file) === file);
  });
});

describe('isNormalRelative', () => {
  it('holds exactly for relative paths that path.resolve joins onto a folder unchanged', () => {
    for (const file of [...files, ...bases])
      expect(isNormalRelative(file), file).toBe(
        file !== '' && !path.isAbsolute(file) && path.resolve('/base', file) === `/base/${file}`,
      );
  });
});
