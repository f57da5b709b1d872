import type { LiveLock } from '../lock/lock-store.js';
import type { Conflict } from './find-conflicts.js';

/** A commit of the checked range, as far as ownership goes. */
export interface TrailedCommit {
  sha: string;
  /** Its `Scope-Lock` trailer values. */
  trailers: readonly string[];
  files: readonly string[];
}

/** A conflict excused because every commit that changes the file names the holding lock. */
export interface TrailerExcuse extends Conflict {
  /** The trailer value those commits carry. */
  trailer: string;
  /** The commits of the range that change the file, newest first. */
  commits: string[];
}

/** Conflicts split into those that stand and those the holder's own trailers excuse. */
export interface TrailerOwnership {
  conflicts: Conflict[];
  ownByTrailer: TrailerExcuse[];
}

/**
 * A conflict is the holder's own work when at least one commit of the range changes the file and
 * every such commit carries the trailer of the lock that holds it now (`trailerOf`, which names
 * the current grant: an older fencing token or start time is another value, and does not count).
 * A file that one commit without that trailer touches stays a conflict.
 */
export function excuseByTrailers(
  conflicts: readonly Conflict[],
  commits: readonly TrailedCommit[],
  trailerOf: (lock: LiveLock) => string | undefined,
): TrailerOwnership {
  const byFile = new Map<string, TrailedCommit[]>();
  for (const commit of commits) {
    for (const file of commit.files) {
      const touching = byFile.get(file);
      if (touching) touching.push(commit);
      else byFile.set(file, [commit]);
    }
  }
  const result: TrailerOwnership = { conflicts: [], ownByTrailer: [] };
  for (const conflict of conflicts) {
    const trailer = trailerOf(conflict.lock);
    const touching = byFile.get(conflict.file) ?? [];
    const own =
      trailer !== undefined &&
      touching.length > 0 &&
      touching.every((commit) => commit.trailers.includes(trailer));
    if (own && trailer !== undefined) {
      result.ownByTrailer.push({
        ...conflict,
        trailer,
        commits: touching.map((commit) => commit.sha),
      });
    } else {
      result.conflicts.push(conflict);
    }
  }
  return result;
}
