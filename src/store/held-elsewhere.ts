import { sharesPidSpace } from '../lock/holder-liveness.js';
import { currentBootId, processStart } from '../lock/process-identity.js';
import type { ConflictReason, LiveLock } from '../lock/lock-store.js';
import { scopesOverlap, type OverlapOptions } from '../lock/scope-overlap.js';

/** A local record and the shared lease of another holder that overlaps it. */
export interface HeldElsewhere {
  record: LiveLock;
  holder: LiveLock;
  reason: ConflictReason;
}

/**
 * The local records of this machine that work inside a scope the shared store gives to another
 * holder: records with no lease of their own holder (taken at acquire, or published by the relay)
 * whose scope overlaps a lease held by someone else. The relay reports these as the server
 * refuses them; `store status` finds them from both stores, whether a relay runs or not.
 */
export function findHeldElsewhere(
  records: readonly LiveLock[],
  leases: readonly LiveLock[],
  options: OverlapOptions,
): HeldElsewhere[] {
  const found: HeldElsewhere[] = [];
  for (const record of records.filter((lock) => sharesPidSpace(lock.record))) {
    if (leases.some((lease) => isLeaseOfHolder(lease, record))) continue;
    const holder = leases.find((lease) =>
      scopesOverlap(record.record.scope, lease.record.scope, options),
    );
    if (holder) found.push({ record, holder, reason: 'scope' });
  }
  return found;
}

/**
 * True when a lease is held by a local record's own holder: the same process (pid and start) on
 * this boot of this machine, whether it took the lease when it acquired or the relay published it.
 */
export function isLeaseOfHolder(lease: LiveLock, record: LiveLock): boolean {
  const { pid, proc_start } = record.record;
  return (
    lease.record.boot_id === (currentBootId() ?? undefined) &&
    lease.record.pid === pid &&
    lease.record.proc_start === (proc_start ?? processStart(pid)?.token)
  );
}
