import { describe, expect, it } from 'vitest';
import { findConflicts } from '../../src/guard/find-conflicts.js';
import { toRepoScopes } from '../../src/guard/repo-scope.js';
import { entriesOverlap, scopesOverlap } from '../../src/lock/scope-overlap.js';
import { isAncestor } from '../../src/lock/scope-path.js';
import { liveLock } from '../support/guard-fixtures.js';

describe('entriesOverlap', () => {
  it.each([
    // literal entries: equal or one contains the other by whole segments, as in Python
    { a: '/r/src', b: '/r/src/a', overlap: true },
    { a: '/r/src/a', b: '/r/src/ab', overlap: false },
    // a glob against a literal entry
    { a: '/r/docs/*.md', b: '/r/docs/b.md', overlap: true },
    { a: '/r/docs/*.md', b: '/r/docs/b.txt', overlap: false },
    { a: '/r/docs/*.md', b: '/r/docs/sub', overlap: false },
    { a: '/r/docs/*.md', b: '/r/docs', overlap: true },
    { a: '/r/docs/*.md', b: '/r', overlap: true },
    { a: '/r/docs/*.md', b: '/r/docs/b.md/inner', overlap: true },
    { a: '/r/docs/*.md', b: '/r/src/b.md', overlap: false },
    { a: '/r/src/*/gen', b: '/r/src/a', overlap: true },
    { a: '/r/src/*/gen', b: '/r/src/a/gen/x.ts', overlap: true },
    { a: '/r/src/*/gen', b: '/r/src/a/other', overlap: false },
    { a: '/r/src/**/gen/*.ts', b: '/r/src/a/b/c', overlap: true },
    { a: '/r/src/**/gen/*.ts', b: '/r/lib/gen/x.ts', overlap: false },
    { a: '/r/{a,b}/x', b: '/r/b/x/y', overlap: true },
    { a: '/r/{a,b}/x', b: '/r/c/x', overlap: false },
    { a: '/r/{a,b/c}/x', b: '/r/d', overlap: true },
    { a: '/*.md', b: '/r/x.md', overlap: false },
    // names that look like globs still count literally
    { a: '/r/app/[id]', b: '/r/app/[id]/page.tsx', overlap: true },
    { a: '/r/app/[...slug]', b: '/r/app/[...slug]/page.tsx', overlap: true },
    { a: '/r/{{project}}', b: '/r/{{project}}/README.md', overlap: true },
    { a: '/r/app/[id]', b: '/r/app/i', overlap: true },
    { a: '/r/app/[id]', b: '/r/app/x', overlap: false },
    { a: '/r/!draft.md', b: '/r/x.md', overlap: false },
    // two globs: disjoint only when one cannot reach the other's folder
    { a: '/r/docs/*.md', b: '/r/docs/*.txt', overlap: true },
    { a: '/r/docs/*.md', b: '/r/docs/sub/*.md', overlap: false },
    { a: '/r/docs/**/*.md', b: '/r/docs/sub/*.txt', overlap: true },
    { a: '/r/docs/*.md', b: '/r/src/*.md', overlap: false },
  ])('$a vs $b: $overlap', ({ a, b, overlap }) => {
    expect(entriesOverlap(a, b)).toBe(overlap);
    expect(entriesOverlap(b, a)).toBe(overlap);
  });

  it('folds case when asked', () => {
    expect(entriesOverlap('/r/Docs/*.MD', '/r/docs/a.md')).toBe(false);
    expect(entriesOverlap('/r/Docs/*.MD', '/r/docs/a.md', true)).toBe(true);
    expect(entriesOverlap('/r/SRC', '/r/src/a', true)).toBe(true);
  });
});

describe('scopesOverlap', () => {
  it.each([
    { a: ['/r/a'], b: ['/r/a/x'], overlap: true },
    { a: ['/r/a', '/r/b'], b: ['/r/c', '/r/b/deep'], overlap: true },
    { a: ['/r/a', '/r/b'], b: ['/r/c', '/r/ab'], overlap: false },
    { a: [], b: ['/r'], overlap: false },
    { a: ['/r'], b: [], overlap: false },
    { a: [], b: [], overlap: false },
    { a: ['/'], b: ['/anything/at/all'], overlap: true },
    { a: ['/r/docs/*.md'], b: ['/r/src', '/r/docs/b.md'], overlap: true },
  ])('$a vs $b: $overlap', ({ a, b, overlap }) => {
    expect(scopesOverlap(a, b)).toBe(overlap);
    expect(scopesOverlap(b, a)).toBe(overlap);
  });

  it('takes an entry in one checkout for the same path in every other', () => {
    const roots = ['/repo', '/wt/feature', '/srv/shared'];
    const cases: [string[], string[], boolean][] = [
      [['/wt/feature/src'], ['/repo/src/a.ts'], true],
      [['/wt/feature/src'], ['/srv/shared/src'], true],
      [['/wt/feature/src'], ['/repo/lib'], false],
      [['/wt'], ['/repo/lib'], true],
      [['/wt/feature/docs/*.md'], ['/repo/docs/a.md'], true],
      [['/srv/*/src'], ['/repo/src/a.ts'], true],
      [['/srv/*/src'], ['/repo/lib/a.ts'], false],
      [['/elsewhere/src'], ['/repo/src'], false],
    ];
    for (const [a, b, overlap] of cases) {
      expect(scopesOverlap(a, b, { roots }), `${a.join()} vs ${b.join()}`).toBe(overlap);
      expect(scopesOverlap(b, a, { roots }), `${b.join()} vs ${a.join()}`).toBe(overlap);
      // as plain absolute paths, none of these pairs overlap
      expect(scopesOverlap(a, b), `${a.join()} vs ${b.join()} without roots`).toBe(false);
    }
  });
});

describe('one rule for the lock core and the guard', () => {
  // Entries and changed paths chosen to meet at segment boundaries, globs, glob-like real names,
  // and paths below matches; every pair of entries is tried against every path.
  const entries = [
    '/repo',
    '/repo/docs',
    '/repo/docs/b.md',
    '/repo/docs/*.md',
    '/repo/docs/*.txt',
    '/repo/docs/**/*.md',
    '/repo/docs/sub',
    '/repo/docs/sub/*.md',
    '/repo/src/*/gen',
    '/repo/src/**/gen/*.ts',
    '/repo/src/a',
    '/repo/src/ab',
    '/repo/app/[id]',
    '/repo/app/[[...slug]]',
    '/repo/app/(group)',
    '/repo/app/i',
    '/repo/{{project}}',
    '/repo/{a,b}/x',
    '/repo/?.ts',
    '/wt/feature/docs/*.md',
    '/wt/feature/src/a',
    '/srv/*/src',
    '/elsewhere',
  ];
  const paths = [
    'docs',
    'docs/b.md',
    'docs/c.txt',
    'docs/sub/d.md',
    'docs/b.md/inner',
    'src/a',
    'src/a/x.ts',
    'src/ab/x.ts',
    'src/a/gen/x.ts',
    'src/x/y/gen/z.ts',
    'src/a/gen',
    'app/[id]/page.tsx',
    'app/[[...slug]]/page.tsx',
    'app/i/page.tsx',
    'app/(group)/page.tsx',
    'app/group/page.tsx',
    '{{project}}/README.md',
    'a/x/f',
    'b/x',
    'x.ts',
    'src/x.ts',
  ];
  const roots = ['/repo', '/wt/feature', '/srv/shared'];
  const blocked = new Set(
    entries.flatMap((entry) =>
      findConflicts(paths, [liveLock('l', { scope: [entry] })], {
        worktreeRoots: roots,
        ignoreCase: false,
      }).map((conflict) => `${entry}\0${conflict.file}`),
    ),
  );
  const guarded = (entry: string, file: string) => blocked.has(`${entry}\0${file}`);
  // A changed path that merely contains an entry is blocked too, but the entry does not own it.
  const contains = (file: string, entry: string) =>
    toRepoScopes(entry, roots).some((scope) => isAncestor(`/${file}`, `/${scope.prefix}`));

  it('never grants two scopes when the guard would block one holder for a file inside the other', () => {
    const missed: string[] = [];
    for (const held of entries) {
      for (const requested of entries) {
        for (const file of paths) {
          // The requester owns the file (not merely contains it), and the guard blocks it for the
          // holder: then the core must call the two scopes overlapping.
          const owned = guarded(requested, file) && !contains(file, requested);
          if (owned && guarded(held, file) && !scopesOverlap([held], [requested], { roots })) {
            missed.push(`${held} / ${requested} (${file})`);
          }
        }
      }
    }
    expect(missed).toEqual([]);
  });
});
