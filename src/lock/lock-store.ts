import type { LockRecord } from './lock-record.js';
import type { AncestorProcess } from './own-locks.js';
import type { RecordProblem } from './record-file.js';

/** A record whose holder is alive (or cannot be judged, such as one on another host). */
export interface LiveLock {
  /** The record's name in its store: the file stem for the directory store. */
  instance: string;
  /** Where the record lives, for messages: a file path or a store address. */
  location: string;
  record: LockRecord;
}

/** A record removed because its holder was proven dead. */
export interface ReapedLock extends LiveLock {
  reason: string;
}

/** Everything a reader learns in one pass: live locks, unusable records, and what it reaped. */
export interface LockSnapshot {
  locks: LiveLock[];
  problems: RecordProblem[];
  reaped: ReapedLock[];
}

/** What to acquire. Scope entries are already absolute and resolved. */
export interface AcquireRequest {
  loopName: string;
  scope: string[];
  /** Record name; by default the loop name, or the loop name with a number when that is taken. */
  instance?: string;
  singleton?: boolean;
  /** The holder process; defaults to the calling process. */
  pid?: number;
}

export type ConflictReason = 'scope' | 'singleton' | 'instance';

/**
 * The outcome of an acquire, with what was reaped on the way and the records that could not be
 * read (those that do not stand in the way; one that does makes acquire throw).
 */
export type AcquireResult = { reaped: ReapedLock[]; problems: RecordProblem[] } & (
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
  | { status: 'unreadable'; problem: RecordProblem }
  | { status: 'removed-unreadable'; problem: RecordProblem };

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
  snapshot(): Promise<LockSnapshot>;
  /** Remove records of dead holders; with dryRun, only say which. */
  reap(options?: { dryRun?: boolean }): Promise<ReapedLock[]>;
}
