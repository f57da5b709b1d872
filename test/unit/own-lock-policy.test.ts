import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { partitionLocks } from '../../src/guard/own-lock-policy.js';
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
    const { own, foreign } = partitionLocks(locks, () => ancestry, ['loop-x']);
    expect(names(own)).toEqual(['parent', 'legacy', 'named']);
    expect(names(foreign)).toEqual(['reused-pid', 'elsewhere', 'stranger']);
  });

  it('reads the process tree only when a lock needs it, and at most once', () => {
    let reads = 0;
    const readAncestry = () => {
      reads++;
      return ancestry;
    };
    partitionLocks([], readAncestry, []);
    partitionLocks([lock('named', 'me', 1)], readAncestry, ['me']);
    expect(reads).toBe(0);
    partitionLocks([lock('a', 'a', 1), lock('b', 'b', 2)], readAncestry, []);
    expect(reads).toBe(1);
  });
});
