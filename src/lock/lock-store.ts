import type { LockRecord } from './lock-record.js';
import type { AncestorProcess } from './own-locks.js';

/**
 * Which store a lock was read from when more than one is open: the directory store (`local`), the
 * server store (`shared`), or both (one acquisition holds a record in each).
 */
export type StoreLabel = 'local' | 'shared' | 'local+shared';

/** What a lease adds to a lock in a store whose locks expire unless renewed. */
export interface Lease {
  /** The fencing token of the grant: strictly increasing per namespace, decimal digits. */
  token: string;
  /** When the lease runs out unless renewed, by the server's clock. */
  expiresAt: Date;
}

/** A record whose holder is alive (or cannot be judged, such as one on another host). */
export interface LiveLock {
  /** The record's name in its store: the file stem for the directory store. */
  instance: string;
  /** Where the record lives, for messages: a file path or a store address. */
  location: string;
  record: LockRecord;
  /** Set when several stores are read together. */
  store?: StoreLabel;
  /** Set by stores that grant expiring leases. */
  lease?: Lease;
}

/**
 * A record a store holds but cannot use, with the reason. `stem` is the record's name in its store
 * and `file` where it lives: a file path, or the store's address followed by the name.
 */
export interface StoreProblem {
  stem: string;
  file: string;
  reason: string;
  /**
   * True when the Python original would not skip it (it fails on it, or reads a lock from it that
   * we cannot judge): then no scope may be granted while it is there.
   */
  blocking: boolean;
}

/** A record removed because its holder was proven dead. */
export interface ReapedLock extends LiveLock {
  reason: string;
}

/**
 * What a reader of the live locks needs of them. `keep` is a hint for a reader of thousands that
 * needs few: a lock it turns down may be left out, as read, so that it is never kept (and counted
 * in `leftOut`); a store that cannot test its locks as it reads them returns them all. Reaping and
 * problems are the same.
 */
export interface SnapshotOptions {
  keep?: (lock: LiveLock) => boolean;
}

/** Everything a reader learns in one pass: live locks, unusable records, and what it reaped. */
export interface LockSnapshot {
  locks: LiveLock[];
  problems: StoreProblem[];
  reaped: ReapedLock[];
  /** How many live locks `keep` turned down and were left out; absent when none was given. */
  leftOut?: number;
}

/** The locks left out by `keep` across several snapshots. */
export function totalLeftOut(snapshots: readonly LockSnapshot[]): number {
  return snapshots.reduce((total, snapshot) => total + (snapshot.leftOut ?? 0), 0);
}

/**
 * What to acquire. Scope entries cross this interface as absolute, resolved paths (an empty scope
 * has already become the project root), in both directions: a store may keep them in another form
 * (the shared store keeps them relative to the repository, with `/`) but hands them back absolute,
 * under this checkout's project root.
 */
export interface AcquireRequest {
  loopName: string;
  scope: string[];
  /** Record name; by default a fresh name of the loop's that was never used before. */
  instance?: string;
  singleton?: boolean;
  /** The holder process; defaults to the calling process. */
  pid?: number;
  /**
   * A key naming this acquisition for good, honoured by the shared store: an acquire repeated with
   * the key of a grant that is still live renews that grant and returns it instead of making a
   * second. The relay derives it from the record it publishes, so neither several relays nor a
   * restarted one publish a record twice. Without it, each acquire is a new acquisition.
   */
  requestId?: string;
}

export type ConflictReason = 'scope' | 'singleton' | 'instance';

/**
 * The outcome of an acquire, with what was reaped on the way and the records that could not be
 * read (those that do not stand in the way; one that does makes acquire throw).
 */
export type AcquireResult = { reaped: ReapedLock[]; problems: StoreProblem[] } & (
  | { acquired: true; lock: LiveLock }
  | { acquired: false; conflict: LiveLock; reason: ConflictReason }
);

export interface ReleaseOptions {
  /** Remove the record even when a live process that is not the caller holds it. */
  force?: boolean;
  /**
   * The caller and its ancestors, nearest first, read only as far as needed: records they hold
   * need no force.
   */
  caller: () => Iterable<AncestorProcess>;
}

export type ReleaseOutcome =
  | { status: 'released'; lock: LiveLock }
  | { status: 'missing'; instance: string }
  | { status: 'refused'; lock: LiveLock }
  /** The record was rewritten between reading and removing it (a new holder): left in place. */
  | { status: 'changed'; lock: LiveLock }
  | { status: 'unreadable'; problem: StoreProblem }
  | { status: 'removed-unreadable'; problem: StoreProblem };

/**
 * Where lock records live. The guard and the commands only talk to this interface, so the
 * directory store and a shared server store are interchangeable.
 */
export interface LockStore {
  /** A short description for messages: the directory or the server. */
  readonly description: string;
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  release(instance: string, options: ReleaseOptions): Promise<ReleaseOutcome>;
  /** Live records, reaping stale ones first. */
  snapshot(options?: SnapshotOptions): Promise<LockSnapshot>;
  /** Remove records of dead holders; with dryRun, only say which. */
  reap(options?: { dryRun?: boolean }): Promise<ReapedLock[]>;
  /**
   * Check that the store can be used, without changing it, and describe it. Throws an
   * EnvironmentError naming the fix when it cannot (an unreachable server, say).
   */
  probe(): Promise<StoreProbe>;
  /**
   * Keep a held lock alive: stores whose leases expire push the expiry out; the others have
   * nothing to do. A lease that expired or vanished is lost, and stays lost.
   */
  renew(lock: LiveLock): Promise<RenewOutcome>;
  /** Let go of connections and other resources; the store is not used afterwards. */
  close(): Promise<void>;
}

/** What `probe` learns about a store. */
export interface StoreProbe {
  /**
   * False when the store has never held a lock (no lock directory, no schema on the server), so
   * there is nothing to enforce.
   */
  exists: boolean;
  /** Facts for `doctor` and `store status`, in order, with any password masked. */
  facts: { label: string; value: string }[];
}

export type RenewOutcome = { renewed: true; lock: LiveLock } | { renewed: false; reason: string };
