import type { LiveLock } from '../lock/lock-store.js';
import { entryGlob, type EntryGlob } from '../lock/scope-entry.js';
import { isAncestor, relativeBelow } from '../lock/scope-path.js';
import { entryForms } from '../lock/scope-space.js';

/**
 * A lock's scope entry in repo-relative form: a literal path prefix, which always counts, and
 * for an entry with glob characters also a glob relative to the folder before its first glob
 * segment.
 */
export interface RepoScope {
  prefix: string;
  glob?: EntryGlob;
}

/**
 * Map an absolute scope entry onto the repository, through its forms in every checkout
 * (`roots`, the canonical one first): a lock taken in one worktree guards the same files in every
 * other, an entry that contains a checkout covers all of it (`''`), and an entry outside all of
 * them maps to nothing.
 */
export function toRepoScopes(entry: string, roots: readonly string[]): readonly RepoScope[] {
  const canonical = roots[0];
  if (canonical === undefined) return [];
  const forms = entryForms(entry, roots);
  const scopes: RepoScope[] = [];
  for (let index = 0; index < forms.length; index++) {
    const form = forms[index]!;
    if (form !== canonical && !isAncestor(canonical, form)) continue;
    const prefix = relativeBelow(canonical, form);
    const glob = entryGlob(prefix);
    scopes.push(glob ? { prefix, glob } : { prefix });
  }
  return scopes;
}

/** The locks none of whose scope entries lies inside the repository: they guard nothing here. */
export function locksOutside(locks: readonly LiveLock[], roots: readonly string[]): LiveLock[] {
  return locks.filter((lock) => guardsNothing(lock.record.scope, roots));
}

function guardsNothing(scope: readonly string[], roots: readonly string[]): boolean {
  // Asked of every live lock: an indexed loop, no callback made per lock, and no entry mapped
  // that lies in a checkout, as nearly all do: such an entry always maps onto the repository.
  for (let index = 0; index < scope.length; index++) {
    const entry = scope[index]!;
    if (liesInACheckout(entry, roots) || toRepoScopes(entry, roots).length > 0) return false;
  }
  return true;
}

function liesInACheckout(entry: string, roots: readonly string[]): boolean {
  for (let index = 0; index < roots.length; index++) {
    const root = roots[index]!;
    if (entry === root || isAncestor(root, entry)) return true;
  }
  return false;
}
