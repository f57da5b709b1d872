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
  if (known?.roots !== roots) known = { roots, scopes: new Map() };
  let scopes = known.scopes.get(entry);
  if (scopes === undefined) {
    scopes = mapOntoRepository(entry, roots);
    known.scopes.set(entry, scopes);
  }
  return scopes;
}

// A guard run maps every entry of every lock for the locks outside the repository, and again for
// each matching pass: the entries mapped onto the last roots asked about are kept.
let known: { roots: readonly string[]; scopes: Map<string, readonly RepoScope[]> } | undefined;

function mapOntoRepository(entry: string, roots: readonly string[]): readonly RepoScope[] {
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
  // Asked of every live lock: an indexed loop, no callback made per lock.
  for (let index = 0; index < scope.length; index++)
    if (toRepoScopes(scope[index]!, roots).length > 0) return false;
  return true;
}
