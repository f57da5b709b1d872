import { UsageError } from '../errors.js';
import { sharesPidSpace } from '../lock/holder-liveness.js';
import type { ConflictReason, LiveLock, LockStore, StoreProblem } from '../lock/lock-store.js';
import { isLeaseOfHolder } from './held-elsewhere.js';
import { keepLeaseAlive, type LeaseKeeper } from './lease-keeper.js';
import type { PgLockStore } from './pg-lock-store.js';
import { relayedRequestId } from './relayed-request-id.js';

/** What the relay tells its user, each at most once per change. */
export type RelayEvent =
  | { kind: 'published'; record: LiveLock; lease: LiveLock }
  /** The server refused the record's scope: the local loop works inside a scope held elsewhere. */
  | { kind: 'refused'; record: LiveLock; holder: LiveLock; reason: ConflictReason }
  /** The record cannot be published at all (a scope entry outside the repository, say). */
  | { kind: 'unpublishable'; record: LiveLock; reason: string }
  | { kind: 'withdrawn'; lease: LiveLock; why: string }
  | { kind: 'lost'; lease: LiveLock; reason: string }
  | { kind: 'unreadable'; problem: StoreProblem };

export interface LeaseRelayOptions {
  /** The lease's time to live, which renewals must beat. */
  ttlMs: number;
  /**
   * Keep what is published alive between passes (a running relay) or leave each lease to its
   * time to live after one pass (`--once`, where the next pass renews it).
   */
  keep: boolean;
  onEvent: (event: RelayEvent) => void;
}

/**
 * Publishes the live records of the lock directory, the Python original's included, as leases in
 * the shared store held on behalf of each record's holder (its pid and start on this host, so
 * every client here still judges the holder by its process). Each pass reads the directory
 * (reaping the records of dead holders, as every reader does), publishes what is new, and
 * withdraws the leases of records that are gone. A lease is named by `relayedRequestId`, derived
 * from the record, so publishing one record again (another relay, a restarted one, the next
 * `--once`) renews the one lease instead of adding a second.
 */
export class LeaseRelay {
  /** The leases this relay published and renews, by request id, with their record's file. */
  private readonly relayed = new Map<string, { file: string; keeper: LeaseKeeper }>();
  /**
   * Records whose holder took the lease itself (a shared-store acquire), with when that lease runs
   * out unless renewed: nothing to publish until then, when the relay looks again (a holder whose
   * own renewal stopped, a keeper killed say, is then published by the relay).
   */
  private readonly heldByHolder = new Map<string, number>();
  /** What was last said about each record that is not published, so it is said once. */
  private readonly said = new Map<string, string>();

  constructor(
    private readonly local: LockStore,
    private readonly shared: PgLockStore,
    private readonly options: LeaseRelayOptions,
  ) {}

  /** One pass over the directory; returns how many live records the server refused. */
  async pass(): Promise<{ refused: number }> {
    const snapshot = await this.local.snapshot();
    // Records of other hosts (a directory shared over the network) are their hosts' to publish.
    const records = snapshot.locks
      .filter((lock) => sharesPidSpace(lock.record))
      .map((record) => ({ record, requestId: relayedRequestId(record) }));
    const present = new Set([
      ...snapshot.problems.map((problem) => problem.file),
      ...records.map(({ requestId }) => requestId),
    ]);
    // Gone first: a holder that acquired again under the same name is published after its old
    // lease has made way.
    const reaped = new Map(snapshot.reaped.map((lock) => [lock.location, lock.reason]));
    for (const [requestId, { file, keeper }] of this.relayed) {
      if (present.has(requestId)) continue;
      const why = reaped.has(file)
        ? `its holder is gone: ${reaped.get(file)}`
        : 'its record is gone';
      await this.withdraw(requestId, keeper, why);
    }
    for (const key of [...this.heldByHolder.keys(), ...this.said.keys()]) {
      if (present.has(key)) continue;
      this.heldByHolder.delete(key);
      this.said.delete(key);
    }

    for (const problem of snapshot.problems)
      this.sayOnce(problem.file, problem.reason, { kind: 'unreadable', problem });
    let refused = 0;
    for (const { record, requestId } of records) {
      if (this.relayed.has(requestId)) continue;
      if (Date.now() < (this.heldByHolder.get(requestId) ?? 0)) continue;
      if (!(await this.publish(record, requestId))) refused++;
    }
    return { refused };
  }

  /** Stop renewing. The leases are left to run out by their time to live, see the README. */
  async stop(): Promise<void> {
    await Promise.all([...this.relayed.values()].map(({ keeper }) => keeper.stop()));
    this.relayed.clear();
  }

  /** Publish one record; false when the server refused it. */
  private async publish(record: LiveLock, requestId: string): Promise<boolean> {
    const { loop_name, scope, singleton, pid } = record.record;
    if (pid <= 0) {
      const reason = `its pid ${pid} names a process group, not a holder whose lease can be kept`;
      this.sayOnce(requestId, reason, { kind: 'unpublishable', record, reason });
      return true;
    }
    let result;
    try {
      result = await this.shared.acquire({
        loopName: loop_name,
        scope,
        instance: record.instance,
        singleton: singleton === true,
        pid,
        requestId,
      });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.sayOnce(requestId, error.message, {
        kind: 'unpublishable',
        record,
        reason: error.message,
      });
      return true;
    }
    if (result.acquired) {
      this.said.delete(requestId);
      if (this.options.keep)
        this.relayed.set(requestId, {
          file: record.location,
          keeper: this.keep(requestId, result.lock),
        });
      this.options.onEvent({ kind: 'published', record, lease: result.lock });
      return true;
    }
    if (result.reason === 'instance' && isLeaseOfHolder(result.conflict, record)) {
      this.heldByHolder.set(requestId, result.conflict.lease?.expiresAt.getTime() ?? 0);
      return true;
    }
    this.sayOnce(requestId, `${result.reason}:${result.conflict.lease?.token}`, {
      kind: 'refused',
      record,
      holder: result.conflict,
      reason: result.reason,
    });
    return false;
  }

  private keep(requestId: string, lease: LiveLock): LeaseKeeper {
    const keeper = keepLeaseAlive(this.shared, lease, {
      ttlMs: this.options.ttlMs,
      onLost: (reason) => {
        this.relayed.delete(requestId);
        this.options.onEvent({ kind: 'lost', lease: keeper.lock, reason });
      },
    });
    return keeper;
  }

  private async withdraw(requestId: string, keeper: LeaseKeeper, why: string): Promise<void> {
    this.relayed.delete(requestId);
    await keeper.stop();
    if (await this.shared.withdraw(keeper.lock))
      this.options.onEvent({ kind: 'withdrawn', lease: keeper.lock, why });
  }

  private sayOnce(key: string, what: string, event: RelayEvent): void {
    if (this.said.get(key) === what) return;
    this.said.set(key, what);
    this.options.onEvent(event);
  }
}
