import { describe, expect, it } from 'vitest';
import { entryForms, scopeSpaceFor } from '../../src/lock/scope-space.js';

describe('scopeSpaceFor', () => {
  it("reads every other checkout's lock directory besides the store's own", () => {
    const space = scopeSpaceFor(
      { roots: ['/repo', '/wt/a'], lockHomes: ['/repo', '/wt/a', '/super'] },
      '/repo/.loops',
    );
    expect(space).toEqual({
      roots: ['/repo', '/wt/a'],
      peerLoopsDirs: ['/wt/a/.loops', '/super/.loops'],
    });
  });
});

describe('a lock directory apart from every checkout', () => {
  it.each([
    ['/mnt/shared/proj/.loops', ['/repo', '/mnt/shared/proj']],
    ['/repo/.ll/loops', ['/repo']],
    ['/repo/.loops', ['/repo']],
    // its parent holds the checkout: mapping entries under it would move them, so it is not a root
    ['/.loops', ['/repo']],
  ])('%s: roots %j', (loopsDir, roots) => {
    expect(scopeSpaceFor({ roots: ['/repo'], lockHomes: ['/repo'] }, loopsDir).roots).toEqual(
      roots,
    );
  });
});

describe('entryForms', () => {
  const roots = ['/repo', '/wt/a'];
  it.each([
    ['/wt/a/src', ['/wt/a/src', '/repo/src']],
    ['/repo/src', ['/repo/src']],
    ['/wt', ['/wt', '/repo']],
    ['/wt/*/src', ['/wt/*/src', '/repo/src']],
    ['/wt/**/src', ['/wt/**/src', '/repo']],
    ['/wt/b*/src', ['/wt/b*/src']],
    ['/elsewhere', ['/elsewhere']],
  ])('%s', (entry, forms) => {
    expect(entryForms(entry, roots)).toEqual(forms);
  });
});
