import type { ConflictReason, LiveLock } from './lock-store.js';
import { scopesOverlap } from './scope-overlap.js';

/** Who is asking, so their own records and singleton rules are applied. */
export interface ConflictQuery {
  scope: readonly string[];
  loopName?: string;
  singleton?: boolean;
  /**
   * Records held by this holder or one of its ancestors never conflict with it (a nested run
   * inside the loop that holds the scope), as in today's little-loops.
   */
  isSameHolder?: (lock: LiveLock) => boolean;
  /** Checkout top levels whose contents are the same files (see ScopeSpace.roots). */
  roots?: readonly string[];
}

/**
 * The first live lock that conflicts with a request: an overlapping scope held by another holder,
 * or, when both are singletons, the same loop name whatever the scopes. Scopes are compared
 * case-folded: the lock core cannot know whether the checkouts it guards fold case, and the guard
 * folds where git does, so the core must never grant what a case-folding guard calls overlapping.
 */
export function findScopeConflict(
  locks: readonly LiveLock[],
  query: ConflictQuery,
): { lock: LiveLock; reason: ConflictReason } | undefined {
  for (const lock of locks) {
    if (query.isSameHolder?.(lock)) continue;
    if (query.singleton && lock.record.singleton && lock.record.loop_name === query.loopName) {
      return { lock, reason: 'singleton' };
    }
    if (scopesOverlap(query.scope, lock.record.scope, { roots: query.roots, ignoreCase: true }))
      return { lock, reason: 'scope' };
  }
  return undefined;
}
