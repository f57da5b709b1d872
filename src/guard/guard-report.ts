import type { GuardMode } from './guard-mode.js';
import type { LiveLock, ReapedLock } from '../lock/lock-store.js';
import type { RecordProblem } from '../lock/record-file.js';
import type { Conflict } from './find-conflicts.js';

/** What a guard run found: the input of every formatter and of the exit code. */
export interface GuardReport {
  mode: GuardMode;
  /** `staged`, `worktree`, `paths`, `stdin` or `range`. */
  source: string;
  range?: { base: string; head: string; mergeBase: string };
  /** Number of changed paths checked; undefined when no foreign lock made the listing necessary. */
  filesChecked?: number;
  conflicts: Conflict[];
  ownLocks: LiveLock[];
  /** Foreign live locks with no scope entry inside this repository: they guard nothing here. */
  outsideLocks: LiveLock[];
  reaped: ReapedLock[];
  /** Unreadable lock records: warnings, or blocking findings with `strict`. */
  problems: RecordProblem[];
  strict: boolean;
  /** Other things the user should know (no lock directory, paths outside the repository...). */
  notes: string[];
  /** The project root, for showing scope entries relative to it. */
  projectRoot: string;
}

/** True when there is something to report: conflicts, or unreadable records under `strict`. */
export function hasFindings(report: GuardReport): boolean {
  return report.conflicts.length > 0 || (report.strict && report.problems.length > 0);
}

/** True when the guard lets the change through. */
export function isPassing(report: GuardReport): boolean {
  return report.mode !== 'block' || !hasFindings(report);
}
