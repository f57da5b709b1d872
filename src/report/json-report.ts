import { isPassing, type GuardReport } from '../guard/guard-report.js';
import type { LiveLock } from '../lock/lock-store.js';
import { printableJson } from './printable.js';

/** Version of the `--format json` document. */
export const guardJsonSchemaVersion = 1;

/** The machine report of `check`, `pre-commit` and `ci` with `--format json`: one document. */
export function formatJsonReport(report: GuardReport): string {
  const document = {
    schemaVersion: guardJsonSchemaVersion,
    ok: isPassing(report),
    mode: report.mode,
    source: report.source,
    ...(report.range ? { range: report.range } : {}),
    filesChecked: report.filesChecked ?? null,
    conflicts: report.conflicts.map((conflict) => ({
      file: conflict.file,
      ...(conflict.renamedFrom !== undefined && { renamedFrom: conflict.renamedFrom }),
      lock: lockJson(conflict.lock),
      matchedScope: conflict.matchedScope,
    })),
    ownLocks: report.ownLocks.map(lockJson),
    locksOutsideRepository: report.outsideLocks.length,
    reaped: report.reaped.map((lock) => ({ ...lockJson(lock), reason: lock.reason })),
    warnings: [
      ...report.problems.map((problem) => ({
        kind: 'unreadable-record',
        file: problem.file,
        message: problem.reason,
      })),
      ...report.notes.map((message) => ({ kind: 'note', message })),
    ],
  };
  return `${printableJson(JSON.stringify(document, null, 2))}\n`;
}

/** Which store holds a lock and its lease, when a shared store is in use. */
export function storeJson(lock: LiveLock) {
  return {
    ...(lock.store && { store: lock.store }),
    ...(lock.lease && {
      lease: { token: lock.lease.token, expiresAt: lock.lease.expiresAt.toISOString() },
    }),
  };
}

function lockJson(lock: LiveLock) {
  const { record } = lock;
  return {
    loop_name: record.loop_name,
    instance: lock.instance,
    pid: record.pid,
    host: record.host ?? null,
    started_at: record.started_at,
    scope: record.scope,
    ...storeJson(lock),
  };
}
