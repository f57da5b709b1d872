import { parseStartedAt, type LockRecord } from './lock-record.js';
import {
  currentBootId,
  currentHost,
  currentPidNamespace,
  pidExists,
  processStart,
} from './process-identity.js';

/** Verdict on a record's holder: alive, or dead with the proof in words. */
export type HolderVerdict = { alive: true } | { alive: false; reason: string };

// Python writes `started_at` after its process started; a live process with that pid that started
// later than this margin after `started_at` cannot be the writer. The margin covers the
// one-second precision of the boot time that process start times are computed from.
const legacyReuseMarginMs = 2000;

/**
 * True when the record's pid names a process the way this process sees pids: the same host and
 * the same pid namespace. Records that do not say (the Python original's) are taken to, as Python
 * takes every record.
 */
export function sharesPidSpace(record: LockRecord): boolean {
  return (
    (record.host === undefined || record.host === currentHost()) &&
    (record.pid_ns === undefined || record.pid_ns === currentPidNamespace())
  );
}

/**
 * Decide whether a record's holder is alive. Dead needs proof: the pid does not exist (ESRCH), the
 * host has rebooted since the record was written, or the pid now belongs to a different process.
 * A record whose pid belongs to another host or pid namespace is never judged by pid, nor is a pid
 * of 0 or below (a process group, which the Python original finds alive): they count as alive.
 */
export function judgeHolder(record: LockRecord): HolderVerdict {
  if (record.host !== undefined && record.host !== currentHost()) return { alive: true };
  const bootId = record.boot_id === undefined ? null : currentBootId();
  if (bootId !== null && record.boot_id !== bootId) {
    return { alive: false, reason: 'the host has rebooted since the lock was taken' };
  }
  if (!sharesPidSpace(record) || record.pid <= 0) return { alive: true };
  if (!pidExists(record.pid)) return { alive: false, reason: `process ${record.pid} has exited` };
  const start = processStart(record.pid);
  if (start === undefined) return { alive: true };
  if (record.proc_start !== undefined) {
    return start.token === record.proc_start
      ? { alive: true }
      : { alive: false, reason: `pid ${record.pid} now belongs to a different process` };
  }
  const writtenAt = parseStartedAt(record.started_at);
  if (writtenAt !== undefined && start.epochMs > writtenAt + legacyReuseMarginMs) {
    return {
      alive: false,
      reason: `pid ${record.pid} now belongs to a process started after the lock was taken`,
    };
  }
  return { alive: true };
}

/**
 * `judgeHolder` for one scan of many records: records that name the same holder (see
 * `sameHolder`) share one verdict, so a holder's /proc entry is read once per scan, not once per
 * record. Make a new one per scan: verdicts go stale.
 */
export function holderJudgeForScan(): (record: LockRecord) => HolderVerdict {
  const judgedByPid = new Map<number, { record: LockRecord; verdict: HolderVerdict }[]>();
  return (record) => {
    let judged = judgedByPid.get(record.pid);
    if (judged === undefined) judgedByPid.set(record.pid, (judged = []));
    for (let index = 0; index < judged.length; index++) {
      if (sameHolder(judged[index]!.record, record)) return judged[index]!.verdict;
    }
    const verdict = judgeHolder(record);
    judged.push({ record, verdict });
    return verdict;
  };
}

/** Whether every field of two records that `judgeHolder` reads is equal. */
function sameHolder(a: LockRecord, b: LockRecord): boolean {
  return (
    a.pid === b.pid &&
    a.host === b.host &&
    a.boot_id === b.boot_id &&
    a.pid_ns === b.pid_ns &&
    a.proc_start === b.proc_start &&
    (a.proc_start !== undefined || a.started_at === b.started_at)
  );
}
