import type { GuardReport } from '../../src/guard/guard-report.js';
import type { LockRecord } from '../../src/lock/lock-record.js';
import type { LiveLock } from '../../src/lock/lock-store.js';

/** A live lock under the fake project root `/repo`; the record's fields can be overridden. */
export function liveLock(instance: string, record: Partial<LockRecord> = {}): LiveLock {
  return {
    instance,
    location: `/repo/.loops/.running/${instance}.lock`,
    record: {
      loop_name: instance,
      scope: ['/repo/src'],
      pid: 1,
      started_at: '2026-01-01T00:00:00.000000+00:00',
      ...record,
    },
  };
}

/** A block-mode report of staged changes with nothing found, for formatters to be fed. */
export function guardReport(overrides: Partial<GuardReport> = {}): GuardReport {
  return {
    mode: 'block',
    source: 'staged',
    conflicts: [],
    ownByTrailer: [],
    ownLocks: [],
    outsideLocks: [],
    reaped: [],
    problems: [],
    strict: false,
    notes: [],
    projectRoot: '/repo',
    ...overrides,
  };
}
