import type { LiveLock } from '../lock/lock-store.js';
import { isHeldByAncestry, type AncestorProcess } from '../lock/own-locks.js';

/** Live locks split into the committer's own and everyone else's. */
export interface PartitionedLocks {
  own: LiveLock[];
  foreign: LiveLock[];
}

/**
 * A lock is our own when this process or one of its ancestors holds it (a `scopeguard run`
 * wrapper around `git commit`, an agent that took the lock and now commits), or when its loop
 * name or instance is one of the explicit identities. Own locks never conflict.
 */
export function partitionLocks(
  locks: readonly LiveLock[],
  readAncestry: () => readonly AncestorProcess[],
  identities: readonly string[],
): PartitionedLocks {
  const own: LiveLock[] = [];
  const foreign: LiveLock[] = [];
  // Walking the process tree costs a `ps` where there is no /proc: only when a lock needs it.
  let ancestry: readonly AncestorProcess[] | undefined;
  for (const lock of locks) {
    const isOwn =
      identities.includes(lock.instance) ||
      identities.includes(lock.record.loop_name) ||
      isHeldByAncestry(lock.record, (ancestry ??= readAncestry()));
    (isOwn ? own : foreign).push(lock);
  }
  return { own, foreign };
}
