import type { LiveLock, ReapedLock } from '../lock/lock-store.js';
import type { RecordProblem } from '../lock/record-file.js';
import { describeHolder, displayScopeEntry } from '../report/lock-summary.js';
import { printable, quoted } from '../report/printable.js';
import type { OutputStream } from './io.js';

/** Say on stderr which stale records were reaped on the way, one line each. */
export function reportReaped(
  stderr: OutputStream,
  reaped: readonly ReapedLock[],
  now: number,
): void {
  for (const lock of reaped) {
    stderr.write(
      `scopeguard: reaped stale lock ${printable(lock.instance)}: ${describeHolder(lock, now)}; ${printable(lock.reason)}\n`,
    );
  }
}

/** Say on stderr which records could not be read, naming each file. */
export function reportProblems(stderr: OutputStream, problems: readonly RecordProblem[]): void {
  for (const problem of problems) {
    stderr.write(
      `scopeguard: warning: unreadable lock record ${printable(problem.file)}: ${printable(problem.reason)}\n`,
    );
  }
}

/** The conflict message: who holds what, and how to wait for it. */
export function describeConflict(
  conflict: LiveLock,
  reason: 'scope' | 'singleton' | 'instance',
  projectRoot: string,
  now: number,
): string {
  const holder = describeHolder(conflict, now);
  const scope = conflict.record.scope
    .map((entry) => displayScopeEntry(entry, projectRoot))
    .join(', ');
  if (reason === 'singleton')
    return `singleton loop ${quoted(conflict.record.loop_name)} is already running: ${holder}`;
  if (reason === 'instance')
    return `instance ${quoted(conflict.instance)} is already held by ${holder}`;
  return `scope is held by ${holder} on ${scope}`;
}
