import path from 'node:path';
import type { LiveLock } from '../lock/lock-store.js';
import { isHeldByAncestryOf, type AncestorProcess } from '../lock/own-locks.js';

/** Live locks split into the committer's own and everyone else's. */
export interface PartitionedLocks {
  own: LiveLock[];
  foreign: LiveLock[];
}

/** Who the committer says it is, besides its process tree. */
export interface OwnIdentity {
  /** Loop names or instances named with `--as` or `SCOPEGUARD_AS`. */
  names: readonly string[];
  /**
   * The lock of an enclosing `scopeguard run` (`SCOPEGUARD_LOCK_INSTANCE`, and
   * `SCOPEGUARD_LOCK_FILE` when set): that one lock, never another of the same loop name.
   */
  runLock?: { instance: string; file?: string };
}

/** Live locks split into our own, by `isOwn` (see ownLockTest), and everyone else's. */
export function partitionLocks(
  locks: readonly LiveLock[],
  isOwn: (lock: LiveLock) => boolean,
): PartitionedLocks {
  const own: LiveLock[] = [];
  const foreign: LiveLock[] = [];
  for (let index = 0; index < locks.length; index++) {
    const lock = locks[index]!;
    (isOwn(lock) ? own : foreign).push(lock);
  }
  return { own, foreign };
}

/**
 * Whether a lock is our own: this process or one of its ancestors holds it (a `scopeguard run`
 * wrapper around `git commit`, an agent that took the lock and now commits), it is the lock of
 * the enclosing `scopeguard run`, or its loop name or instance is one of the names given
 * explicitly. Own locks never conflict. The process tree is read once, when a lock needs it.
 */
export function ownLockTest(
  readAncestry: () => readonly AncestorProcess[],
  identity: OwnIdentity,
): (lock: LiveLock) => boolean {
  const heldByAncestry = isHeldByAncestryOf(readAncestry);
  return (lock) =>
    identity.names.includes(lock.instance) ||
    identity.names.includes(lock.record.loop_name) ||
    isRunLock(lock, identity.runLock) ||
    heldByAncestry(lock.record);
}

function isRunLock(lock: LiveLock, runLock: OwnIdentity['runLock']): boolean {
  if (runLock === undefined || lock.instance !== runLock.instance) return false;
  // Instances are unique within one lock directory only; the file tells the directories apart.
  return runLock.file === undefined || path.resolve(runLock.file) === path.resolve(lock.location);
}
