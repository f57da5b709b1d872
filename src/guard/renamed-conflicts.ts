import type { Rename } from '../git/change-set.js';
import type { LiveLock } from '../lock/lock-store.js';
import type { Conflict } from './find-conflicts.js';

/**
 * Conflicts with their renames shown: a conflict on either side of a rename names the new path
 * as its file and the old one as `renamedFrom`, so a file moved out of a held scope is not
 * reported as a change to a path that no longer exists. Both sides conflicting with the same scope
 * entry of the same lock give one conflict.
 */
export function withRenames(
  conflicts: readonly Conflict[],
  renames: readonly Rename[],
): Conflict[] {
  if (renames.length === 0) return [...conflicts];
  const bySide = new Map<string, Rename>();
  for (const rename of renames) {
    bySide.set(rename.from, rename);
    bySide.set(rename.to, rename);
  }
  const seen = new Map<LiveLock, Set<string>>();
  const shown: Conflict[] = [];
  for (const conflict of conflicts) {
    const rename = bySide.get(conflict.file);
    if (!rename) {
      shown.push(conflict);
      continue;
    }
    const key = `${rename.to}\0${conflict.matchedScope}`;
    const seenForLock = seen.get(conflict.lock) ?? new Set<string>();
    if (seenForLock.has(key)) continue;
    seen.set(conflict.lock, seenForLock.add(key));
    shown.push({ ...conflict, file: rename.to, renamedFrom: rename.from });
  }
  return shown;
}
