import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownLockTest, partitionLocks } from '../../src/guard/own-lock-policy.js';
import type { LockRecord } from '../../src/lock/lock-record.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { liveLock } from '../support/guard-fixtures.js';

const lock = (
  instance: string,
  loop: string,
  pid: number,
  extra: Partial<LockRecord> = {},
): LiveLock => liveLock(instance, { loop_name: loop, pid, ...extra });
const names = (locks: LiveLock[]) => locks.map((held) => held.instance);

describe('own locks', () => {
  const ancestry = [
    { pid: 300, startToken: 'linux:3' },
    { pid: 200, startToken: 'linux:2' },
  ];

  it('counts locks of an ancestor (with a matching start) or of a named identity as own', () => {
    const locks = [
      lock('parent', 'a', 200, { proc_start: 'linux:2', host: hostname() }),
      lock('reused-pid', 'b', 200, { proc_start: 'linux:999' }),
      lock('elsewhere', 'c', 200, { host: 'another-host.invalid' }),
      lock('legacy', 'd', 300),
      lock('named', 'loop-x', 1),
      lock('stranger', 'e', 1),
    ];
    const { own, foreign } = partitionLocks(
      locks,
      ownLockTest(() => ancestry, { names: ['loop-x'] }),
    );
    expect(names(own)).toEqual(['parent', 'legacy', 'named']);
    expect(names(foreign)).toEqual(['reused-pid', 'elsewhere', 'stranger']);
  });

  it("counts only the enclosing run's own lock as own, never another of its loop name", () => {
    const locks = [
      lock('refactor', 'refactor', 1),
      lock('refactor-2', 'refactor', 2),
      lock('job', 'refactor', 3),
    ];
    const byInstance = partitionLocks(
      locks,
      ownLockTest(() => [], {
        names: [],
        runLock: { instance: 'refactor' },
      }),
    );
    expect(names(byInstance.own)).toEqual(['refactor']);
    expect(names(byInstance.foreign)).toEqual(['refactor-2', 'job']);

    // the record file tells apart two directories holding the same instance name
    const elsewhere = { ...lock('job', 'x', 4), location: '/other/.loops/.running/job.lock' };
    const byFile = partitionLocks(
      [locks[2]!, elsewhere],
      ownLockTest(() => [], {
        names: [],
        runLock: { instance: 'job', file: '/repo/.loops/.running/job.lock' },
      }),
    );
    expect(byFile.own).toEqual([locks[2]]);
    expect(byFile.foreign).toEqual([elsewhere]);
  });

  it('reads the process tree only when a lock needs it, and at most once', () => {
    let reads = 0;
    const readAncestry = () => {
      reads++;
      return ancestry;
    };
    partitionLocks([], ownLockTest(readAncestry, { names: [] }));
    partitionLocks([lock('named', 'me', 1)], ownLockTest(readAncestry, { names: ['me'] }));
    expect(reads).toBe(0);
    partitionLocks(
      [lock('a', 'a', 1), lock('b', 'b', 2)],
      ownLockTest(readAncestry, { names: [] }),
    );
    expect(reads).toBe(1);
  });
});
