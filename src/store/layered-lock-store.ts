import type {
  AcquireRequest,
  AcquireResult,
  LiveLock,
  LockSnapshot,
  LockStore,
  ReapedLock,
  ReleaseOptions,
  ReleaseOutcome,
  RenewOutcome,
  SnapshotOptions,
  StoreLabel,
  StoreProbe,
  StoreProblem,
} from '../lock/lock-store.js';
import { totalLeftOut } from '../lock/lock-store.js';

// Tries at a free name when another machine's lease already uses the one chosen here.
const maxNameAttempts = 20;

/**
 * The directory store and a shared store used together. The directory store stays on because the
 * Python original and other local loops live there: acquiring takes the local record first (which
 * excludes local loops), then the shared lease (which excludes other machines), and gives the
 * local record back when the lease is refused or fails. Readers see both, each lock labelled with
 * its store; one acquisition, present in both, is shown once.
 */
export class LayeredLockStore implements LockStore {
  readonly description: string;

  constructor(
    readonly local: LockStore,
    readonly shared: LockStore,
  ) {
    this.description = `${local.description} and ${shared.description}`;
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const automatic = request.instance === undefined;
    const reaped: ReapedLock[] = [];
    const problems: StoreProblem[] = [];
    let refusal: AcquireResult | undefined;
    for (let attempt = 1; attempt <= maxNameAttempts; attempt++) {
      // Names are unique across machines: when the shared store knows the local name already,
      // try again, and the local store picks another fresh name.
      const local = await this.local.acquire(request);
      reaped.push(...local.reaped.map((lock) => labelled(lock, 'local')));
      problems.push(...local.problems);
      if (!local.acquired) {
        refusal = { ...local, conflict: labelled(local.conflict, 'local'), reaped, problems };
        return refusal;
      }
      let shared: AcquireResult;
      try {
        shared = await this.shared.acquire({ ...request, instance: local.lock.instance });
      } catch (error) {
        await this.undoLocal(local.lock);
        throw error;
      }
      reaped.push(...shared.reaped.map((lock) => labelled(lock, 'shared')));
      problems.push(...shared.problems);
      if (shared.acquired)
        return { acquired: true, lock: both(local.lock, shared.lock), reaped, problems };
      await this.undoLocal(local.lock);
      refusal = { ...shared, conflict: labelled(shared.conflict, 'shared'), reaped, problems };
      if (!automatic || shared.reason !== 'instance') return refusal;
    }
    return refusal!;
  }

  /**
   * Release the shared lease first: when it is refused (held by a live holder elsewhere), the
   * local record stays as it was. Both stores judge the same holder, so they agree in practice.
   */
  async release(instance: string, options: ReleaseOptions): Promise<ReleaseOutcome> {
    const shared = await this.shared.release(instance, options);
    if (shared.status === 'refused') return { ...shared, lock: labelled(shared.lock, 'shared') };
    const local = await this.local.release(instance, options);
    if (local.status === 'released') {
      const lock =
        shared.status === 'released'
          ? both(local.lock, shared.lock)
          : labelled(local.lock, 'local');
      return { status: 'released', lock };
    }
    if (local.status === 'missing' && shared.status === 'released')
      return { ...shared, lock: labelled(shared.lock, 'shared') };
    if (local.status === 'refused' || local.status === 'changed')
      return { ...local, lock: labelled(local.lock, 'local') };
    return local;
  }

  async snapshot(options?: SnapshotOptions): Promise<LockSnapshot> {
    const [local, shared] = await Promise.all([
      this.local.snapshot(options),
      this.shared.snapshot(options),
    ]);
    return {
      locks: union(local.locks, shared.locks),
      problems: [...local.problems, ...shared.problems],
      reaped: [
        ...local.reaped.map((lock) => labelled(lock, 'local')),
        ...shared.reaped.map((lock) => labelled(lock, 'shared')),
      ],
      ...(options?.keep && { leftOut: totalLeftOut([local, shared]) }),
    };
  }

  async reap(options: { dryRun?: boolean } = {}): Promise<ReapedLock[]> {
    const [local, shared] = await Promise.all([
      this.local.reap(options),
      this.shared.reap(options),
    ]);
    return [
      ...local.map((lock) => labelled(lock, 'local')),
      ...shared.map((lock) => labelled(lock, 'shared')),
    ];
  }

  async probe(): Promise<StoreProbe> {
    const [local, shared] = await Promise.all([this.local.probe(), this.shared.probe()]);
    return { exists: local.exists || shared.exists, facts: [...local.facts, ...shared.facts] };
  }

  /** A lock with a lease is kept alive by the shared store; the local record needs nothing. */
  async renew(lock: LiveLock): Promise<RenewOutcome> {
    if (lock.lease === undefined) return this.local.renew(lock);
    const outcome = await this.shared.renew(lock);
    return outcome.renewed
      ? { renewed: true, lock: { ...lock, lease: outcome.lock.lease } }
      : outcome;
  }

  async close(): Promise<void> {
    await Promise.all([this.local.close(), this.shared.close()]);
  }

  private async undoLocal(lock: LiveLock): Promise<void> {
    await this.local.release(lock.instance, { force: true, caller: () => [] });
  }
}

function labelled<T extends LiveLock>(lock: T, store: StoreLabel): T {
  return { ...lock, store };
}

/** One acquisition seen in both stores: the local record, with the shared lease. */
function both(local: LiveLock, shared: LiveLock): LiveLock {
  return { ...local, store: 'local+shared', lease: shared.lease };
}

/** The local locks and the shared ones, a lease of the same acquisition merged into its record. */
function union(local: readonly LiveLock[], shared: readonly LiveLock[]): LiveLock[] {
  const merged = local.map((lock) => labelled(lock, 'local'));
  const byInstance = new Map(merged.map((lock, index) => [lock.instance, index]));
  for (const lease of shared) {
    const index = byInstance.get(lease.instance);
    if (index !== undefined && sameAcquisition(merged[index]!, lease))
      merged[index] = both(merged[index]!, lease);
    else merged.push(labelled(lease, 'shared'));
  }
  return merged;
}

/** Same name (checked by the caller) and same holder: one acquisition, seen in both stores. */
function sameAcquisition(local: LiveLock, shared: LiveLock): boolean {
  const a = local.record;
  const b = shared.record;
  return a.host === b.host && a.pid === b.pid && a.proc_start === b.proc_start;
}
