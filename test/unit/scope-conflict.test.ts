import { describe, expect, it } from 'vitest';
import type { LockRecord } from '../../src/lock/lock-record.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { findScopeConflict, type ConflictQuery } from '../../src/lock/scope-conflict.js';

function lock(instance: string, scope: string[], extra: Partial<LockRecord> = {}): LiveLock {
  return {
    instance,
    location: `/r/.loops/.running/${instance}.lock`,
    record: {
      loop_name: instance,
      scope,
      pid: 100,
      started_at: '2026-01-02T03:04:05.000000+00:00',
      ...extra,
    },
  };
}

const docs = lock('docs', ['/r/docs']);
const src = lock('src', ['/r/src']);
const deploy = lock('deploy', ['/r/deploy'], { singleton: true });
const deploy2 = lock('deploy-2', ['/r/other'], { loop_name: 'deploy' });

describe('findScopeConflict', () => {
  const cases: {
    name: string;
    locks: LiveLock[];
    query: ConflictQuery;
    expected?: { instance: string; reason: 'scope' | 'singleton' };
  }[] = [
    { name: 'no locks', locks: [], query: { scope: ['/r'] } },
    { name: 'disjoint scopes', locks: [docs, src], query: { scope: ['/r/lib'] } },
    {
      name: 'segment boundary is not an overlap',
      locks: [src],
      query: { scope: ['/r/srcx', '/r/sr'] },
    },
    {
      name: 'same path',
      locks: [docs, src],
      query: { scope: ['/r/src'] },
      expected: { instance: 'src', reason: 'scope' },
    },
    {
      name: 'query inside a held scope',
      locks: [docs, src],
      query: { scope: ['/r/lib', '/r/src/a/b.ts'] },
      expected: { instance: 'src', reason: 'scope' },
    },
    {
      name: 'query containing a held scope',
      locks: [docs, src],
      query: { scope: ['/r'] },
      expected: { instance: 'docs', reason: 'scope' },
    },
    {
      name: 'both singleton, same loop name, disjoint scopes',
      locks: [docs, deploy],
      query: { scope: ['/r/elsewhere'], loopName: 'deploy', singleton: true },
      expected: { instance: 'deploy', reason: 'singleton' },
    },
    {
      name: 'both singleton, same name, overlapping scopes: singleton reason wins',
      locks: [deploy],
      query: { scope: ['/r/deploy'], loopName: 'deploy', singleton: true },
      expected: { instance: 'deploy', reason: 'singleton' },
    },
    {
      name: 'both singleton, different loop names',
      locks: [deploy],
      query: { scope: ['/r/elsewhere'], loopName: 'release', singleton: true },
    },
    {
      name: 'only the query is singleton',
      locks: [deploy2],
      query: { scope: ['/r/elsewhere'], loopName: 'deploy', singleton: true },
    },
    {
      name: 'only the held lock is singleton',
      locks: [deploy],
      query: { scope: ['/r/elsewhere'], loopName: 'deploy' },
    },
    {
      name: 'only the held lock is singleton, explicit singleton false',
      locks: [deploy],
      query: { scope: ['/r/elsewhere'], loopName: 'deploy', singleton: false },
    },
    {
      name: "the holder's own overlapping record is skipped",
      locks: [src],
      query: { scope: ['/r/src'], isSameHolder: (held) => held.instance === 'src' },
    },
    {
      name: "the holder's own singleton record is skipped",
      locks: [deploy],
      query: {
        scope: ['/r/elsewhere'],
        loopName: 'deploy',
        singleton: true,
        isSameHolder: (held) => held.instance === 'deploy',
      },
    },
    {
      name: 'skipping the own record still finds another holder',
      locks: [src, lock('src-2', ['/r/src/a'])],
      query: { scope: ['/r/src'], isSameHolder: (held) => held.instance === 'src' },
      expected: { instance: 'src-2', reason: 'scope' },
    },
    {
      name: 'an empty query scope conflicts with nothing',
      locks: [docs, src],
      query: { scope: [] },
    },
    {
      name: 'a glob request over a held file',
      locks: [docs, lock('page', ['/r/site/b.md'])],
      query: { scope: ['/r/site/*.md'] },
      expected: { instance: 'page', reason: 'scope' },
    },
    {
      name: 'a file request under a held glob',
      locks: [lock('pages', ['/r/site/*.md'])],
      query: { scope: ['/r/site/b.md'] },
      expected: { instance: 'pages', reason: 'scope' },
    },
    {
      name: 'a file request the held glob does not match',
      locks: [lock('pages', ['/r/site/*.md'])],
      query: { scope: ['/r/site/b.txt', '/r/site/sub'] },
    },
    {
      name: 'a request inside a held folder named like a glob',
      locks: [lock('route', ['/r/app/[id]'])],
      query: { scope: ['/r/app/[id]/page.tsx'] },
      expected: { instance: 'route', reason: 'scope' },
    },
    {
      name: 'scopes differing only in case',
      locks: [lock('api', ['/r/Src/API'])],
      query: { scope: ['/r/src/api/x.ts'] },
      expected: { instance: 'api', reason: 'scope' },
    },
    {
      name: 'the same path in another checkout of the repository',
      locks: [lock('linked', ['/wt/linked/src'])],
      query: { scope: ['/r/src/a.ts'], roots: ['/r', '/wt/linked'] },
      expected: { instance: 'linked', reason: 'scope' },
    },
    {
      name: 'the same path in a folder that is not a checkout of the repository',
      locks: [lock('other', ['/wt/other/src'])],
      query: { scope: ['/r/src/a.ts'], roots: ['/r', '/wt/linked'] },
    },
    {
      name: 'a held record with an empty scope conflicts with nothing',
      locks: [lock('empty', [])],
      query: { scope: ['/'] },
    },
  ];

  it.each(cases)('$name', ({ locks, query, expected }) => {
    const conflict = findScopeConflict(locks, query);
    if (expected === undefined) {
      expect(conflict).toBeUndefined();
      return;
    }
    expect(conflict?.lock.instance).toBe(expected.instance);
    expect(conflict?.reason).toBe(expected.reason);
    expect(locks).toContain(conflict?.lock);
  });
});
