import { entryGlob, globReaches } from './scope-entry.js';
import { pathsOverlap } from './scope-path.js';
import { entryForms } from './scope-space.js';

export interface OverlapOptions {
  /** Checkout top levels whose contents are the same files (see ScopeSpace.roots). */
  roots?: readonly string[];
  /** Compare case-folded. */
  ignoreCase?: boolean;
}

/**
 * The one overlap rule for two absolute scope entries, shared by the lock core and the guard:
 * true when some path could be owned by both (see EntryGlob). Two literal entries overlap when
 * they are equal or one contains the other by whole segments, as in the Python original; that
 * always counts. A glob against a literal entry is matched segment by segment. Two globs overlap
 * unless one of them cannot reach into the other's folder: their patterns are not compared with
 * each other, so two globs over one folder (`docs/*.md`, `docs/*.txt`) count as overlapping.
 */
export function entriesOverlap(a: string, b: string, ignoreCase = false): boolean {
  if (ignoreCase) [a, b] = [a.toLowerCase(), b.toLowerCase()];
  if (pathsOverlap(a, b)) return true;
  const left = entryGlob(a);
  const right = entryGlob(b);
  if (left && globReaches(left, b, ignoreCase)) return true;
  if (right && globReaches(right, a, ignoreCase)) return true;
  return (
    left !== undefined &&
    right !== undefined &&
    globReaches(left, right.base, ignoreCase) &&
    globReaches(right, left.base, ignoreCase)
  );
}

/**
 * True when any entry of one scope overlaps any entry of the other, each entry taken in every
 * checkout of the repository (`roots`).
 */
export function scopesOverlap(
  a: readonly string[],
  b: readonly string[],
  options: OverlapOptions = {},
): boolean {
  const fold = options.ignoreCase ? (text: string) => text.toLowerCase() : (text: string) => text;
  const roots = (options.roots ?? []).map(fold);
  const forms = (scope: readonly string[]) =>
    scope.flatMap((entry) => entryForms(fold(entry), roots));
  const right = forms(b);
  return forms(a).some((left) =>
    right.some((other) => entriesOverlap(left, other, options.ignoreCase)),
  );
}
