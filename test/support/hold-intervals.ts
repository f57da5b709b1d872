/**
 * The contention tests' referee. It decides on its own whether two holds were a double hold:
 * the overlap rule here is written independently of the lock core's (`src/lock/scope-path.ts`),
 * so a bug there cannot hide itself by agreeing with the checker.
 */

/** One hold of a scope by one holder, in CLOCK_MONOTONIC nanoseconds. */
export interface HoldInterval {
  who: string;
  scope: string;
  start: bigint;
  end: bigint;
}

/** What the workers' log says: finished holds, holds never ended, and refused attempts. */
export interface HoldLog {
  holds: HoldInterval[];
  open: Omit<HoldInterval, 'end'>[];
  refused: { who: string; scope: string }[];
}

interface LogEntry {
  who: string;
  scope?: string;
  start?: string;
  end?: string;
  refused?: boolean;
  error?: string;
}

/**
 * Read worker log lines: `{who, scope, start}` once a lock is held, `{who, scope, end}` just
 * before it is released, `{who, scope, refused: true}` for an attempt that found the scope held,
 * `{who, error}` for anything else (which fails the test).
 */
export function readHoldLog(lines: readonly string[]): HoldLog {
  const started = new Map<string, Omit<HoldInterval, 'end'>>();
  const log: HoldLog = { holds: [], open: [], refused: [] };
  for (const line of lines.filter(Boolean)) {
    const entry = JSON.parse(line) as LogEntry;
    if (entry.error !== undefined) throw new Error(`worker ${entry.who}: ${entry.error}`);
    const scope = entry.scope!;
    if (entry.refused) log.refused.push({ who: entry.who, scope });
    else if (entry.start !== undefined) {
      started.set(entry.who, { who: entry.who, scope, start: BigInt(entry.start) });
    } else {
      const hold = started.get(entry.who);
      if (!hold) throw new Error(`worker ${entry.who}: an end without a start`);
      started.delete(entry.who);
      log.holds.push({ ...hold, end: BigInt(entry.end!) });
    }
  }
  log.open = [...started.values()];
  return log;
}

/**
 * Whether two scopes, written as relative POSIX paths, overlap: one is the other or lies inside
 * it, comparing whole path segments (`area/o` and `area/one` do not overlap).
 */
export function scopesOverlap(a: string, b: string): boolean {
  const left = a.split('/');
  const right = b.split('/');
  const shorter = Math.min(left.length, right.length);
  for (let i = 0; i < shorter; i++) if (left[i] !== right[i]) return false;
  return true;
}

/** Whether two holds were held at the same instant (one ending as the other starts is fine). */
export function holdsIntersect(a: HoldInterval, b: HoldInterval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Every pair of holds by different holders with overlapping scopes at intersecting times: what a
 * lock must make impossible. All pairs are compared; the runs are small enough.
 */
export function findDoubleHolds(holds: readonly HoldInterval[]): [HoldInterval, HoldInterval][] {
  const found: [HoldInterval, HoldInterval][] = [];
  holds.forEach((a, i) => {
    for (const b of holds.slice(i + 1)) {
      if (a.who !== b.who && scopesOverlap(a.scope, b.scope) && holdsIntersect(a, b)) {
        found.push([a, b]);
      }
    }
  });
  return found;
}
