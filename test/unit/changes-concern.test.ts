import { describe, expect, it } from 'vitest';
import { changesConcern } from '../../src/guard/changes-concern.js';
import { findConflicts } from '../../src/guard/find-conflicts.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { liveLock } from '../support/guard-fixtures.js';

const lock = (instance: string, ...scope: string[]): LiveLock => liveLock(instance, { scope });

const roots = ['/repo', '/wt/feature'];
const nobodysOwn = (_lock: LiveLock) => false;
const sift = (paths: string[], locks: LiveLock[], isOwn = nobodysOwn) =>
  locks.filter(changesConcern(paths, roots, isOwn)).map((kept) => kept.instance);
const match = (paths: readonly string[], locks: readonly LiveLock[], ignoreCase: boolean) =>
  findConflicts(paths, locks, { worktreeRoots: roots, ignoreCase }).map(
    (c) => `${c.file} <- ${c.lock.instance}:${c.matchedScope}`,
  );

/** A small deterministic generator (mulberry32), so a failure names a case that comes back. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('changesConcern', () => {
  it('drops the locks on other folders, and keeps those on, above or below a changed path', () => {
    const locks = [
      lock('other-folder', '/repo/docs'),
      lock('sibling-name', '/repo/src/apix'),
      lock('holds-it', '/repo/src/api'),
      lock('above', '/repo/src'),
      lock('whole-repository', '/repo'),
      lock('below-a-changed-path', '/repo/lib/vendor/x'),
      lock('other-checkout', '/wt/feature/src/api/v1'),
      lock('other-case', '/repo/SRC/Api'),
      lock('glob-based-above', '/repo/src/*/v1'),
      lock('glob-elsewhere', '/repo/docs/*.md'),
      lock('glob-at-the-top', '/repo/*.json'),
    ];
    expect(sift(['src/api/v1/x.ts', 'lib'], locks)).toEqual([
      'holds-it',
      'above',
      'whole-repository',
      'below-a-changed-path',
      'other-checkout',
      'other-case',
      'glob-based-above',
      'glob-at-the-top',
    ]);
  });

  it('keeps our own locks and those that guard nothing in the repository', () => {
    const locks = [
      lock('mine', '/repo/docs'),
      lock('outside', '/elsewhere/src'),
      lock('x', '/repo/b'),
    ];
    expect(sift(['a/b.ts'], locks, (kept) => kept.instance === 'mine')).toEqual([
      'mine',
      'outside',
    ]);
  });

  it('leaves matching the same conflicts, in the same order, exact or case-folded', () => {
    const next = random(20261201);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const segments = ['src', 'Src', 'SRC', 'a', 'A', 'b', 'lib', 'docs', 'x.md', 'X.MD', 'é', 'É'];
    const globSegments = ['*', '*.md', '**', '[a-c]*', '{a,b}', '?'];
    const tops = ['/repo', '/repo', '/repo', '/wt/feature', '/wt/*', '/', '/elsewhere'];
    const relative = (depth: number, globs: boolean) =>
      Array.from({ length: depth }, () =>
        globs && next() < 0.3 ? pick(globSegments) : pick(segments),
      ).join('/');
    const entry = () => {
      const rest = relative(Math.floor(next() * 4), true);
      const top = pick(tops);
      return rest === '' ? top : `${top === '/' ? '' : top}/${rest}`;
    };
    const locks = Array.from({ length: 300 }, (_, n) =>
      lock(`l${n}`, ...Array.from({ length: 1 + Math.floor(next() * 3) }, entry)),
    );
    let dropped = 0;
    for (let round = 0; round < 300; round++) {
      const paths = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
        relative(1 + Math.floor(next() * 4), false),
      );
      const kept = locks.filter(changesConcern(paths, roots, nobodysOwn));
      dropped += locks.length - kept.length;
      for (const ignoreCase of [false, true])
        expect(match(paths, kept, ignoreCase), JSON.stringify(paths)).toEqual(
          match(paths, locks, ignoreCase),
        );
    }
    // Not a test that keeps everything: many locks lie on other folders than a few paths.
    expect(dropped).toBeGreaterThan((300 * 300) / 10);
  });
});
