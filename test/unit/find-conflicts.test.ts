import { describe, expect, it } from 'vitest';
import { caseCanMatter, findConflicts } from '../../src/guard/find-conflicts.js';
import { locksOutside, toRepoScopes } from '../../src/guard/repo-scope.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { liveLock } from '../support/guard-fixtures.js';

const lock = (instance: string, ...scope: string[]): LiveLock => liveLock(instance, { scope });

const roots = ['/repo', '/wt/feature'];
const match = (paths: string[], locks: LiveLock[], ignoreCase = false) =>
  findConflicts(paths, locks, { worktreeRoots: roots, ignoreCase }).map(
    (c) => `${c.file} <- ${c.lock.instance}:${c.matchedScope}`,
  );

describe('toRepoScopes', () => {
  it.each([
    ['/repo/src', [{ prefix: 'src' }]],
    ['/repo', [{ prefix: '' }]],
    ['/', [{ prefix: '' }]],
    ['/wt/feature/docs/a.md', [{ prefix: 'docs/a.md' }]],
    ['/repo/docs/*.md', [{ prefix: 'docs/*.md', glob: { base: 'docs', pattern: '*.md' } }]],
    [
      '/repo/src/**/gen/*',
      [{ prefix: 'src/**/gen/*', glob: { base: 'src', pattern: '**/gen/*' } }],
    ],
    ['/repo/*.json', [{ prefix: '*.json', glob: { base: '', pattern: '*.json' } }]],
    ['/repo/app/[id]', [{ prefix: 'app/[id]', glob: { base: 'app', pattern: '[id]' } }]],
    ['/wt/*/src', [{ prefix: 'src' }]],
    ['/elsewhere/src', []],
    ['/repository/src', []],
    ['/elsewhere/*.md', []],
  ])('%s', (entry, expected) => {
    expect(toRepoScopes(entry, roots)).toEqual(expected);
  });
});

describe('findConflicts', () => {
  it('matches by whole path segments', () => {
    const locks = [lock('a', '/repo/src/api')];
    expect(
      match(['src/api/x.ts', 'src/api', 'src/apix/y.ts', 'src/ap', 'docs/api/z'], locks),
    ).toEqual(['src/api/x.ts <- a:/repo/src/api', 'src/api <- a:/repo/src/api']);
  });

  it('counts a changed path that contains a scope entry (a submodule or a replaced directory)', () => {
    expect(match(['lib', 'li'], [lock('a', '/repo/lib/vendor/x')])).toEqual([
      'lib <- a:/repo/lib/vendor/x',
    ]);
  });

  it('treats a scope of the whole repository, or above it, as covering everything', () => {
    expect(match(['a', 'b/c'], [lock('all', '/repo')])).toHaveLength(2);
    expect(match(['a'], [lock('up', '/')])).toEqual(['a <- up:/']);
  });

  it('maps entries taken in a linked worktree onto the same files', () => {
    expect(match(['src/x.ts'], [lock('wt', '/wt/feature/src')])).toEqual([
      'src/x.ts <- wt:/wt/feature/src',
    ]);
  });

  it('ignores entries outside every worktree', () => {
    expect(match(['src/x.ts'], [lock('far', '/other/src', '/repository/src')])).toEqual([]);
  });

  it('matches glob entries relative to their directory, owning what is below a match', () => {
    const locks = [lock('docs', '/repo/docs/*.md'), lock('gen', '/repo/src/**/gen/*')];
    expect(
      match(
        [
          'docs/a.md',
          'docs/a.txt',
          'docs/sub/b.md',
          'src/x/gen/out.ts',
          'src/gen/top.ts',
          'src/x/gen/deep/below.ts',
          'src/x/other/no.ts',
          'other/docs/a.md',
        ],
        locks,
      ),
    ).toEqual([
      'docs/a.md <- docs:/repo/docs/*.md',
      'src/x/gen/out.ts <- gen:/repo/src/**/gen/*',
      'src/gen/top.ts <- gen:/repo/src/**/gen/*',
      'src/x/gen/deep/below.ts <- gen:/repo/src/**/gen/*',
    ]);
  });

  it('always matches an entry literally, whatever glob characters its name holds', () => {
    const locks = [
      lock('route', '/repo/app/[id]'),
      lock('catch-all', '/repo/app/[...slug]', '/repo/app/[[...rest]]'),
      lock('template', '/repo/{{project}}', '/repo/v{1,2}'),
      lock('group', '/repo/app/(group)/*.tsx'),
    ];
    expect(
      match(
        [
          'app/[id]/page.tsx',
          'app/[...slug]/page.tsx',
          'app/[[...rest]]/page.tsx',
          '{{project}}/README.md',
          'v{1,2}/notes.md',
          'app/(group)/*.tsx/x',
          'app/(group)/page.tsx',
          'app/x/page.tsx',
        ],
        locks,
      ),
    ).toEqual([
      'app/[id]/page.tsx <- route:/repo/app/[id]',
      'app/[...slug]/page.tsx <- catch-all:/repo/app/[...slug]',
      'app/[[...rest]]/page.tsx <- catch-all:/repo/app/[[...rest]]',
      '{{project}}/README.md <- template:/repo/{{project}}',
      'v{1,2}/notes.md <- template:/repo/v{1,2}',
      'app/(group)/*.tsx/x <- group:/repo/app/(group)/*.tsx',
      'app/(group)/page.tsx <- group:/repo/app/(group)/*.tsx',
    ]);
  });

  it('counts a changed path that contains the folder of a glob entry', () => {
    expect(match(['docs', 'do'], [lock('g', '/repo/docs/*.md')])).toEqual([
      'docs <- g:/repo/docs/*.md',
    ]);
  });

  it('matches dotfiles with globs', () => {
    expect(match(['cfg/.env'], [lock('cfg', '/repo/cfg/*')])).toEqual([
      'cfg/.env <- cfg:/repo/cfg/*',
    ]);
  });

  it('folds case only when the repository ignores case', () => {
    const locks = [lock('a', '/repo/Src/API'), lock('g', '/repo/Docs/*.MD')];
    expect(match(['src/api/x.ts', 'docs/a.md'], locks)).toEqual([]);
    expect(match(['src/api/x.ts', 'docs/a.md'], locks, true)).toEqual([
      'src/api/x.ts <- a:/repo/Src/API',
      'docs/a.md <- g:/repo/Docs/*.MD',
    ]);
  });

  it('matches globs under folded prefixes whose length changes when lower-cased', () => {
    // 'İ'.toLowerCase() is two code units long, so offsets into the original path would be off.
    expect(match(['İİ/x.md', 'İİ/x.txt'], [lock('g', '/repo/İİ/*.md')], true)).toEqual([
      'İİ/x.md <- g:/repo/İİ/*.md',
    ]);
  });

  it('reports a file once per lock, naming the first matching entry, and once for each lock', () => {
    const locks = [lock('a', '/repo/src', '/repo/src/api'), lock('b', '/repo/src/api/x.ts')];
    expect(match(['src/api/x.ts'], locks)).toEqual([
      'src/api/x.ts <- a:/repo/src',
      'src/api/x.ts <- b:/repo/src/api/x.ts',
    ]);
  });

  it('names the first matching entry of a lock even when another lock holds its later glob', () => {
    const locks = [lock('y', '/repo/src/a*'), lock('x', '/repo/src/*.ts', '/repo/src/a*')];
    expect(match(['src/a.ts'], locks)).toEqual([
      'src/a.ts <- y:/repo/src/a*',
      'src/a.ts <- x:/repo/src/*.ts',
    ]);
  });

  it('finds nothing without locks or without paths', () => {
    expect(match(['a'], [])).toEqual([]);
    expect(match([], [lock('a', '/repo')])).toEqual([]);
  });

  it('handles names with spaces, newlines and non-ASCII as plain strings', () => {
    const locks = [lock('odd', '/repo/we ird/da\nta', '/repo/日本')];
    expect(match(['we ird/da\nta/f "q".txt', '日本/é.md', 'we ird/data'], locks)).toEqual([
      'we ird/da\nta/f "q".txt <- odd:/repo/we ird/da\nta',
      '日本/é.md <- odd:/repo/日本',
    ]);
  });
});

// Matching's output, line for line, as the matcher before the per-path allocations were cut gave
// it: duplicates, case variants, non-ASCII, paths equal to or containing an entry, a prefix that
// is not a child (`src/ab` against `src/a`), globs of several patterns in one folder, and more
// locks on one path than a scan handles before it takes a set.
describe('findConflicts on tricky inputs', () => {
  const locks = [
    lock('a', '/repo/src/a', '/repo/src/a/deep'),
    lock('b', '/repo/Src/A', '/repo/docs/*.md'),
    lock('c', '/repo/docs/**/*.MD', '/repo/docs/*.md', '/repo/docs/[r]*'),
    lock('d', '/repo/日本/é', '/wt/feature/src/ab'),
    lock('e', '/repo/src/a/x.ts', '/repo'),
    ...Array.from({ length: 20 }, (_, n) => lock(`m${n}`, '/repo/many', '/repo/many/*.ts')),
  ];
  const paths = [
    'src/a',
    'src/a/x.ts',
    'src/ab',
    'src/ab/y',
    'src/a',
    'SRC/a/x.ts',
    'Src/A/z',
    'docs/readme.md',
    'docs/README.MD',
    'docs/sub/x.md',
    'docs/sub/y.MD',
    '日本/é/f',
    '日本/É/f',
    'src',
    'src/a/deep/',
    'many/x.ts',
    'many/y.js',
    'İ/x',
    'other',
  ];
  // Every lock on `many`, in the order the locks came: the first matching entry is the folder.
  const manyLocks = (file: string) =>
    Array.from({ length: 20 }, (_, n) => `${file} <- m${n}:/repo/many`);
  const withManyLocks = (lines: string[]) =>
    lines.flatMap((line) =>
      line.startsWith('many/') ? [line, ...manyLocks(line.split(' ')[0]!)] : [line],
    );

  it('compares exactly', () => {
    expect(match(paths, locks)).toEqual(
      withManyLocks([
        'src/a <- e:/repo',
        'src/a <- a:/repo/src/a',
        'src/a/x.ts <- e:/repo',
        'src/a/x.ts <- a:/repo/src/a',
        'src/ab <- e:/repo',
        'src/ab <- d:/wt/feature/src/ab',
        'src/ab/y <- e:/repo',
        'src/ab/y <- d:/wt/feature/src/ab',
        'src/a <- e:/repo',
        'src/a <- a:/repo/src/a',
        'SRC/a/x.ts <- e:/repo',
        'Src/A/z <- e:/repo',
        'Src/A/z <- b:/repo/Src/A',
        'docs/readme.md <- e:/repo',
        'docs/readme.md <- b:/repo/docs/*.md',
        'docs/readme.md <- c:/repo/docs/*.md',
        'docs/README.MD <- e:/repo',
        'docs/README.MD <- c:/repo/docs/**/*.MD',
        'docs/sub/x.md <- e:/repo',
        'docs/sub/y.MD <- e:/repo',
        'docs/sub/y.MD <- c:/repo/docs/**/*.MD',
        '日本/é/f <- e:/repo',
        '日本/é/f <- d:/repo/日本/é',
        '日本/É/f <- e:/repo',
        'src <- e:/repo',
        'src <- a:/repo/src/a',
        'src <- d:/wt/feature/src/ab',
        'src/a/deep/ <- e:/repo',
        'src/a/deep/ <- a:/repo/src/a',
        'many/x.ts <- e:/repo',
        'many/y.js <- e:/repo',
        'İ/x <- e:/repo',
        'other <- e:/repo',
      ]),
    );
  });

  it('compares case-folded', () => {
    expect(match(paths, locks, true)).toEqual(
      withManyLocks([
        'src/a <- e:/repo',
        'src/a <- a:/repo/src/a',
        'src/a <- b:/repo/Src/A',
        'src/a/x.ts <- e:/repo',
        'src/a/x.ts <- a:/repo/src/a',
        'src/a/x.ts <- b:/repo/Src/A',
        'src/ab <- e:/repo',
        'src/ab <- d:/wt/feature/src/ab',
        'src/ab/y <- e:/repo',
        'src/ab/y <- d:/wt/feature/src/ab',
        'src/a <- e:/repo',
        'src/a <- a:/repo/src/a',
        'src/a <- b:/repo/Src/A',
        'SRC/a/x.ts <- e:/repo',
        'SRC/a/x.ts <- a:/repo/src/a',
        'SRC/a/x.ts <- b:/repo/Src/A',
        'Src/A/z <- e:/repo',
        'Src/A/z <- a:/repo/src/a',
        'Src/A/z <- b:/repo/Src/A',
        'docs/readme.md <- e:/repo',
        'docs/readme.md <- b:/repo/docs/*.md',
        'docs/readme.md <- c:/repo/docs/**/*.MD',
        'docs/README.MD <- e:/repo',
        'docs/README.MD <- b:/repo/docs/*.md',
        'docs/README.MD <- c:/repo/docs/**/*.MD',
        'docs/sub/x.md <- e:/repo',
        'docs/sub/x.md <- c:/repo/docs/**/*.MD',
        'docs/sub/y.MD <- e:/repo',
        'docs/sub/y.MD <- c:/repo/docs/**/*.MD',
        '日本/é/f <- e:/repo',
        '日本/é/f <- d:/repo/日本/é',
        '日本/É/f <- e:/repo',
        '日本/É/f <- d:/repo/日本/é',
        'src <- e:/repo',
        'src <- a:/repo/src/a',
        'src <- b:/repo/Src/A',
        'src <- d:/wt/feature/src/ab',
        'src/a/deep/ <- e:/repo',
        'src/a/deep/ <- a:/repo/src/a',
        'src/a/deep/ <- b:/repo/Src/A',
        'many/x.ts <- e:/repo',
        'many/y.js <- e:/repo',
        'İ/x <- e:/repo',
        'other <- e:/repo',
      ]),
    );
  });
});

describe('locksOutside', () => {
  it('names the locks no entry of which maps onto the repository', () => {
    const locks = [
      lock('main', '/elsewhere/a', '/repo/src'),
      lock('linked', '/wt/feature/docs'),
      lock('around', '/'),
      lock('glob-above', '/wt/*/src'),
      lock('outside', '/elsewhere/src', '/repository/src', '/elsewhere/*.md'),
    ];
    expect(locksOutside(locks, roots).map((outside) => outside.instance)).toEqual(['outside']);
  });
});

describe('caseCanMatter', () => {
  const canMatter = (paths: string[], locks: LiveLock[]) => caseCanMatter(paths, locks, roots);

  it('is false only when folding changes no path and no entry, and no entry is a glob', () => {
    expect(
      canMatter(['src/api/x.ts', '日本/é.md'], [lock('a', '/repo/src', '/wt/feature/日本')]),
    ).toBe(false);
    expect(canMatter(['src/API/x.ts'], [lock('a', '/repo/src')])).toBe(true);
    expect(canMatter(['src/api/x.ts'], [lock('a', '/repo/Src')])).toBe(true);
    expect(canMatter(['src/api/x.ts'], [lock('a', '/wt/feature/Src')])).toBe(true);
    expect(canMatter(['İ/x'], [lock('a', '/repo/src')])).toBe(true);
    expect(canMatter(['docs/É.md'], [lock('a', '/repo/src')])).toBe(true);
    expect(canMatter(['Ⅻ/x'], [lock('a', '/repo/src')])).toBe(true);
    // A lower-case glob may still match differently folded: [@-^] holds the capitals.
    expect(canMatter(['src/a'], [lock('g', '/repo/src/[@-^]')])).toBe(true);
  });

  it('agrees with matching: wherever it is false, the folded match is the exact one', () => {
    const locks = [lock('a', '/repo/src', '/repo/docs/a.md'), lock('b', '/repo/ſ')];
    const paths = ['src/x.ts', 'docs/a.md', 'ſ/x', 'other/y'];
    expect(canMatter(paths, locks)).toBe(false);
    expect(match(paths, locks, true)).toEqual(match(paths, locks));
  });
});
