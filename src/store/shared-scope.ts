import path from 'node:path';
import { UsageError } from '../errors.js';
import { toRepoScopes } from '../guard/repo-scope.js';

/** A scope entry as the shared store keeps it. */
export interface SharedEntry {
  /** Repository-relative with `/`, as written (globs kept); `''` is the whole repository. */
  entry: string;
  /**
   * What overlap is decided on: the entry itself, or for a glob the literal folder before its
   * first glob segment, since a glob may match anything below that folder.
   */
  key: string;
}

/**
 * Turn an absolute, resolved scope entry into its repository-relative form, relative to whichever
 * worktree contains it, so that every checkout (at any path, on any machine) agrees. An entry that
 * contains a worktree is the whole repository. An entry outside the repository cannot be shared:
 * a usage error (exit 2).
 */
export function toSharedEntry(absolute: string, worktreeRoots: readonly string[]): SharedEntry {
  const [scope] = toRepoScopes(absolute, worktreeRoots);
  if (scope === undefined) {
    throw new UsageError(
      `scope entry ${absolute} is outside the repository (${worktreeRoots[0]}): the shared store ` +
        'holds repository paths only. Choose paths inside the repository.',
      'scope-outside-repository',
    );
  }
  // A glob may own anything below its literal folder; its literal reading lies below it too.
  return { entry: scope.prefix, key: scope.glob ? scope.glob.base : scope.prefix };
}

/** The absolute form of a stored entry in this checkout. */
export function fromSharedEntry(entry: string, projectRoot: string): string {
  return entry === '' ? projectRoot : path.join(projectRoot, entry);
}
