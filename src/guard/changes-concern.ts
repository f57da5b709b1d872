import type { LiveLock } from '../lock/lock-store.js';
import { toRepoScopes } from './repo-scope.js';

/**
 * Up to this many changed paths, the set of their folders is small next to what a lock read and
 * kept costs, so the locks that cannot concern them are left out as they are read.
 */
export const maxPathsToSiftLocks = 1_000;

/**
 * A test, for each lock as it is read, of whether it can concern a change of `paths`
 * (repo-relative): it is our own (`isOwn`; reported as such), it guards nothing in the repository
 * (warned about), or one of its entries, in any checkout's form, is or holds a changed path or
 * lies inside one. The test errs towards keeping: case is always folded and a glob counts as the
 * folder it is based in. So matching the kept locks finds every conflict that matching all of them
 * finds, and the thousands of locks on other folders are never kept.
 */
export function changesConcern(
  paths: readonly string[],
  roots: readonly string[],
  isOwn: (lock: LiveLock) => boolean,
): (lock: LiveLock) => boolean {
  const changed = new Set<string>();
  // Every changed path and every folder above one, the top ('') included.
  const folders = new Set<string>(['']);
  for (let index = 0; index < paths.length; index++) {
    const key = paths[index]!.toLowerCase();
    changed.add(key);
    for (let end = key.length; end > 0; end = key.lastIndexOf('/', end - 1)) {
      const folder = key.slice(0, end);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  return (lock) => {
    const entries = lock.record.scope;
    let guardsHere = false;
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const scopes = toRepoScopes(entries[entryIndex]!, roots);
      for (let index = 0; index < scopes.length; index++) {
        const scope = scopes[index]!;
        const folder = (scope.glob ? scope.glob.base : scope.prefix).toLowerCase();
        if (folders.has(folder) || liesInChanged(folder, changed)) return true;
        guardsHere = true;
      }
    }
    return !guardsHere || isOwn(lock);
  };
}

/** Whether a folder above `folder` is a changed path (a submodule, a folder made a file). */
function liesInChanged(folder: string, changed: ReadonlySet<string>): boolean {
  for (let slash = folder.indexOf('/'); slash !== -1; slash = folder.indexOf('/', slash + 1))
    if (changed.has(folder.slice(0, slash))) return true;
  return false;
}
