import type { LiveLock } from '../lock/lock-store.js';
import { relativeInside } from '../relative-inside.js';
import { formatDuration } from './duration.js';
import { printable, quoted } from './printable.js';

/** How long a lock has been held, or undefined when its `started_at` does not parse. */
export function lockAgeMs(lock: LiveLock, now: number): number | undefined {
  const started = Date.parse(lock.record.started_at);
  return Number.isNaN(started) ? undefined : now - started;
}

/**
 * A scope entry to show: relative to the project root when it is inside it (`.` for the root
 * itself), and printable.
 */
export function displayScopeEntry(entry: string, projectRoot: string): string {
  const relative = relativeInside(projectRoot, entry);
  if (relative === undefined) return printable(entry);
  return relative === '' ? '.' : printable(relative);
}

/**
 * One line naming a lock's holder: `loop "x" (instance y, pid 12, host h, held 5m)`. Without `now`
 * the age is left out, for a report that must read the same on every run of a pipeline.
 */
export function describeHolder(lock: LiveLock, now?: number): string {
  const { record } = lock;
  const age = now === undefined ? undefined : lockAgeMs(lock, now);
  const parts = [
    ...(lock.instance === record.loop_name ? [] : [`instance ${printable(lock.instance)}`]),
    `pid ${record.pid}`,
    ...(record.host ? [`host ${printable(record.host)}`] : []),
    ...(age === undefined ? [] : [`held ${formatDuration(age)}`]),
    ...(lock.store ? [`${lock.store} store`] : []),
  ];
  return `loop ${quoted(record.loop_name)} (${parts.join(', ')})`;
}
