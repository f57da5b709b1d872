import type { LockRecord } from './lock-record.js';
import type { LiveLock } from './lock-store.js';
import { sharesPidSpace } from './holder-liveness.js';
import { parentPid, processStart } from './process-identity.js';

/** One process of the chain from a process up to init, with its start token when readable. */
export interface AncestorProcess {
  pid: number;
  startToken: string | undefined;
}

const maxDepth = 64;

/**
 * The process `pid` and all its ancestors, nearest first. Reads `/proc` on Linux and asks `ps`
 * elsewhere; when a parent cannot be read the chain simply ends there, which can only make fewer
 * locks count as own (the safe direction).
 */
export function processAncestry(pid: number = process.pid): AncestorProcess[] {
  return [...ancestorsOf(pid)];
}

/**
 * The processes whose locks a nested acquisition or wait inside them never conflicts with: the
 * holder and its ancestors, less init (pid 1), which is everyone's ancestor and so proves no
 * nesting (little-loops stops below pid 1 too; a record with `pid: true` reads as pid 1).
 */
export function nestingAncestry(pid: number = process.pid): AncestorProcess[] {
  return processAncestry(pid).filter((ancestor) => ancestor.pid > 1);
}

/**
 * The same-holder rule of a conflict query for the holder `pid`: a lock held by it or one of its
 * ancestors never conflicts with it (a nested run inside the loop that holds the scope). The
 * process tree is read once, and only when a lock needs it: it costs a `ps` where there is no /proc.
 */
export function isSameHolderAs(pid: number = process.pid): (lock: LiveLock) => boolean {
  let ancestry: AncestorProcess[] | undefined;
  return (lock) => isHeldByAncestry(lock.record, (ancestry ??= nestingAncestry(pid)));
}

/** `processAncestry`, read one process at a time, so a search can stop at the first match. */
export function* ancestorsOf(pid: number = process.pid): Generator<AncestorProcess> {
  let current: number | undefined = pid;
  for (let depth = 0; current !== undefined && current > 0 && depth < maxDepth; depth++) {
    yield { pid: current, startToken: processStart(current)?.token };
    const parent = parentPid(current);
    if (parent === current) break;
    current = parent;
  }
}

/**
 * True when a record is held by a process in `ancestry` (this process or one of its ancestors) on
 * this host, in this pid namespace. A record that carries a start token must match it, so a
 * reused pid is not mistaken for a parent.
 */
export function isHeldByAncestry(record: LockRecord, ancestry: Iterable<AncestorProcess>): boolean {
  if (!sharesPidSpace(record)) return false;
  // The guard asks this of every live lock, thousands of them, in code that runs too briefly to be
  // optimised: a list is walked by index, which allocates no iterator and no step result per lock.
  if (Array.isArray(ancestry)) {
    const list = ancestry as readonly AncestorProcess[];
    for (let index = 0; index < list.length; index++) if (holds(list[index]!, record)) return true;
    return false;
  }
  for (const ancestor of ancestry) if (holds(ancestor, record)) return true;
  return false;
}

/** Whether `ancestor` is the record's holder; a record that carries a start token must match it. */
function holds(ancestor: AncestorProcess, record: LockRecord): boolean {
  return (
    ancestor.pid === record.pid &&
    (record.proc_start === undefined || ancestor.startToken === record.proc_start)
  );
}
