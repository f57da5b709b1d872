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
 * ancestors never conflicts with it (a nested run inside the loop that holds the scope).
 */
export function isSameHolderAs(pid: number = process.pid): (lock: LiveLock) => boolean {
  const heldByAncestry = isHeldByAncestryOf(() => nestingAncestry(pid));
  return (lock) => heldByAncestry(lock.record);
}

/**
 * `isHeldByAncestry` for many records against one process tree, read by `readAncestry` once and
 * only when a record needs it (it costs a `ps` where there is no /proc). Most locks are held by no
 * ancestor: one lookup of the pid rules them out without walking the chain for each of thousands.
 */
export function isHeldByAncestryOf(
  readAncestry: () => readonly AncestorProcess[],
): (record: LockRecord) => boolean {
  let ancestry: { chain: readonly AncestorProcess[]; pids: ReadonlySet<number> } | undefined;
  return (record) => {
    if (ancestry === undefined) {
      const chain = readAncestry();
      ancestry = { chain, pids: new Set(chain.map((ancestor) => ancestor.pid)) };
    }
    return ancestry.pids.has(record.pid) && isHeldByAncestry(record, ancestry.chain);
  };
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
