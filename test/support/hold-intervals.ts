import { pathsOverlap } from '../../src/lock/scope-path.js';

/** One hold of a scope by one holder, in CLOCK_MONOTONIC nanoseconds. */
export interface HoldInterval {
  who: string;
  scope: string;
  start: bigint;
  end: bigint;
}

/** Turn worker log lines (`start` and `end` entries) into intervals; open ones end at `openEnd`. */
export function intervalsFromLog(
  lines: string[],
  openEnd: (who: string) => bigint,
): HoldInterval[] {
  const open = new Map<string, { scope: string; start: bigint }>();
  const intervals: HoldInterval[] = [];
  for (const line of lines.filter(Boolean)) {
    const entry = JSON.parse(line) as {
      who: string;
      scope: string;
      start?: string;
      end?: string;
      error?: string;
    };
    if (entry.error) throw new Error(`worker ${entry.who}: ${entry.error}`);
    if (entry.start !== undefined)
      open.set(entry.who, { scope: entry.scope, start: BigInt(entry.start) });
    else {
      const started = open.get(entry.who)!;
      open.delete(entry.who);
      intervals.push({
        who: entry.who,
        scope: started.scope,
        start: started.start,
        end: BigInt(entry.end!),
      });
    }
  }
  for (const [who, started] of open) intervals.push({ who, ...started, end: openEnd(who) });
  return intervals;
}

/**
 * Every pair of intervals of different holders whose scopes overlap and whose times overlap:
 * the thing a lock must make impossible. Scopes are compared as paths relative to one root.
 */
export function findDoubleHolds(
  intervals: readonly HoldInterval[],
): [HoldInterval, HoldInterval][] {
  const sorted = [...intervals].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const violations: [HoldInterval, HoldInterval][] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.start < sorted[i]!.end; j++) {
      const [a, b] = [sorted[i]!, sorted[j]!];
      if (a.who !== b.who && pathsOverlap(`/${a.scope}`, `/${b.scope}`)) violations.push([a, b]);
    }
  }
  return violations;
}
