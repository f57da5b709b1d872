import { describe, expect, it } from 'vitest';
import { isAncestor, pathsOverlap, resolveScopePath } from '../../src/lock/scope-path.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('pathsOverlap', () => {
  it.each([
    { a: '/r/src', b: '/r/src', overlap: true, why: 'equal paths' },
    { a: '/r/src', b: '/r/src/a', overlap: true, why: 'parent and child' },
    { a: '/r/src/a', b: '/r/src', overlap: true, why: 'child and parent' },
    { a: '/r', b: '/r/src/a/b/c.ts', overlap: true, why: 'deep descendant' },
    { a: '/r/src/a', b: '/r/src/ab', overlap: false, why: 'common prefix, not a segment' },
    { a: '/r/src/ab', b: '/r/src/a', overlap: false, why: 'common prefix, reversed' },
    { a: '/r/src/a', b: '/r/src/a.ts', overlap: false, why: 'prefix followed by a dot' },
    { a: '/r/src/a', b: '/r/src/a-b', overlap: false, why: 'prefix followed by a dash' },
    { a: '/r/src/a', b: '/r/src/b', overlap: false, why: 'siblings' },
    { a: '/r/src', b: '/r/lib/src', overlap: false, why: 'same name, different parent' },
    { a: '/', b: '/', overlap: true, why: 'root and root' },
    { a: '/', b: '/r', overlap: true, why: 'root contains everything' },
    { a: '/x/y', b: '/', overlap: true, why: 'everything is inside root' },
    // Not normalised input: callers pass resolveScopePath output, which never ends in a slash.
    { a: '/r/src/', b: '/r/src', overlap: true, why: 'trailing slash vs same path' },
    { a: '/r/src/', b: '/r/src/a', overlap: false, why: 'trailing slash is NOT stripped' },
  ])('$a vs $b: $overlap ($why)', ({ a, b, overlap }) => {
    expect(pathsOverlap(a, b)).toBe(overlap);
    expect(pathsOverlap(b, a)).toBe(overlap);
  });
});

describe('isAncestor', () => {
  it.each([
    { ancestor: '/r/src', descendant: '/r/src/a', expected: true },
    { ancestor: '/r/src', descendant: '/r/src', expected: false },
    { ancestor: '/r/src/a', descendant: '/r/src', expected: false },
    { ancestor: '/r/src/a', descendant: '/r/src/ab', expected: false },
    { ancestor: '/', descendant: '/r', expected: true },
    { ancestor: '/', descendant: '/', expected: false },
    { ancestor: '/', descendant: 'relative', expected: false },
    { ancestor: '/r', descendant: '/r/', expected: true },
  ])('isAncestor($ancestor, $descendant) is $expected', ({ ancestor, descendant, expected }) => {
    expect(isAncestor(ancestor, descendant)).toBe(expected);
  });
});

describe('resolveScopePath on paths that do not exist', () => {
  it.each([
    { input: 'src/a/', expected: 'src/a' },
    { input: 'src/a', expected: 'src/a' },
    { input: 'a/./b', expected: 'a/b' },
    { input: 'a/../b', expected: 'b' },
    { input: 'a//b', expected: 'a/b' },
    { input: './a', expected: 'a' },
    { input: 'a/b/../../c', expected: 'c' },
    { input: '.', expected: '' },
    { input: '', expected: '' },
  ])('$input is <cwd>/$expected', ({ input, expected }) => {
    const dir = makeTempDir();
    expect(resolveScopePath(input, dir)).toBe(expected === '' ? dir : `${dir}/${expected}`);
  });

  it('"../x" leaves cwd for its parent', () => {
    const dir = makeTempDir();
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    expect(resolveScopePath('../x', dir)).toBe(`${parent}/x`);
  });

  it.each([
    { input: '/no-such-root-dir/a/./b//c/', expected: '/no-such-root-dir/a/b/c' },
    { input: '/no-such-root-dir/a/../b', expected: '/no-such-root-dir/b' },
    { input: '/..', expected: '/' },
    { input: '/../../x', expected: '/x' },
    { input: '//', expected: '/' },
    { input: '/', expected: '/' },
  ])('absolute $input ignores cwd: $expected', ({ input, expected }) => {
    expect(resolveScopePath(input, makeTempDir())).toBe(expected);
  });

  it('drops a trailing slash against a cwd given as a plain string', () => {
    expect(resolveScopePath('src/a/', '/r')).toBe('/r/src/a');
  });
});
