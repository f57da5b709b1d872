import { describe, expect, it } from 'vitest';
import type { Conflict } from '../../src/guard/find-conflicts.js';
import { scopeLockTrailerValue } from '../../src/guard/scope-lock-trailer.js';
import { excuseByTrailers, type TrailedCommit } from '../../src/guard/trailer-ownership.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { liveLock } from '../support/guard-fixtures.js';

const leased = (instance: string, token: string): LiveLock => ({
  ...liveLock(instance, { host: 'h' }),
  lease: { token, expiresAt: new Date(0) },
});

const conflict = (file: string, lock: LiveLock): Conflict => ({
  file,
  lock,
  matchedScope: '/repo/src',
});

const trailerOf = (lock: LiveLock) => scopeLockTrailerValue(lock, 'github.com/o/r');

describe('scopeLockTrailerValue', () => {
  it('names a lease by namespace, instance and fencing token, and a record by instance, host and start', () => {
    expect(trailerOf(leased('api-1', '42'))).toBe('github.com/o/r/api-1#42');
    expect(trailerOf(liveLock('api-1', { host: 'box' }))).toBe(
      'api-1@box#2026-01-01T00:00:00.000000+00:00',
    );
    expect(trailerOf(liveLock('py'))).toBe('py#2026-01-01T00:00:00.000000+00:00');
  });

  it('names no lock whose fields hold a control character', () => {
    expect(trailerOf(liveLock('a', { started_at: 'x\nScope-Lock: forged' }))).toBeUndefined();
  });
});

describe('excuseByTrailers', () => {
  const lock = leased('api-1', '7');
  const commit = (sha: string, files: string[], trailers: string[]): TrailedCommit => ({
    sha,
    files,
    trailers,
  });

  it('excuses a file when every commit that changes it names the current grant', () => {
    const owned = excuseByTrailers(
      [conflict('src/a.ts', lock)],
      [
        commit('c2', ['src/a.ts'], ['github.com/o/r/api-1#7']),
        commit('c1', ['src/a.ts', 'README.md'], ['other#1', 'github.com/o/r/api-1#7']),
        commit('c0', ['README.md'], []),
      ],
      trailerOf,
    );
    expect(owned.conflicts).toEqual([]);
    expect(owned.ownByTrailer).toEqual([
      { ...conflict('src/a.ts', lock), trailer: 'github.com/o/r/api-1#7', commits: ['c2', 'c1'] },
    ]);
  });

  it.each([
    ['one commit without the trailer', [['github.com/o/r/api-1#7'], []]],
    ['an older token', [['github.com/o/r/api-1#6']]],
    ['the same lock in another namespace', [['gitlab.com/o/r/api-1#7']]],
    ['no commit changing the file at all', []],
  ])('keeps the conflict for %s', (_case, trailerSets) => {
    const commits = trailerSets.map((trailers, index) =>
      commit(`c${index}`, ['src/a.ts'], trailers),
    );
    const owned = excuseByTrailers([conflict('src/a.ts', lock)], commits, trailerOf);
    expect(owned.ownByTrailer).toEqual([]);
    expect(owned.conflicts).toEqual([conflict('src/a.ts', lock)]);
  });

  it('judges each holding lock of a file on its own', () => {
    const other = leased('web-1', '8');
    const owned = excuseByTrailers(
      [conflict('src/a.ts', lock), conflict('src/a.ts', other)],
      [commit('c1', ['src/a.ts'], ['github.com/o/r/api-1#7'])],
      trailerOf,
    );
    expect(owned.ownByTrailer.map((excuse) => excuse.lock.instance)).toEqual(['api-1']);
    expect(owned.conflicts.map((kept) => kept.lock.instance)).toEqual(['web-1']);
  });
});
