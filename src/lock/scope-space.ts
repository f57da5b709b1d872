import path from 'node:path';
import { locateLoopsDir } from './loops-dir.js';
import { entryGlob, matchLeading } from './scope-entry.js';
import { isAncestor, pathsOverlap, relativeBelow } from './scope-path.js';

/**
 * The checkouts that hold the same files under different absolute paths, and the lock
 * directories besides a store's own whose records count for them.
 */
export interface ScopeSpace {
  /**
   * Top levels of every checkout of the repository (main and linked worktrees, a submodule's
   * folder in each worktree of its superproject, the checkout that wrote a shared lock
   * directory). An entry inside one stands for the same path in all of them. The first is the
   * canonical one.
   */
  roots: string[];
  /** `.loops` directories of other checkouts (other worktrees, superprojects): their records count too. */
  peerLoopsDirs: string[];
}

/**
 * The scope space of a store at `loopsDir` among the checkouts of a repository (`roots`, the
 * main worktree first, and `lockHomes`, the checkouts whose own `.loops` may hold locks on the
 * same files). Each lock home's lock directory besides the store's own is read too. A lock
 * directory apart from every checkout (one shared with a CI runner) was written from the
 * checkout it sits in, so its parent counts as one more checkout of the same files.
 */
export function scopeSpaceFor(
  checkouts: { roots: readonly string[]; lockHomes: readonly string[] },
  loopsDir: string,
): ScopeSpace {
  const own = path.resolve(loopsDir);
  const roots = [...checkouts.roots];
  const writer = path.dirname(own);
  if (!roots.some((root) => pathsOverlap(root, writer))) roots.push(writer);
  const peerLoopsDirs = checkouts.lockHomes
    .map((home) => locateLoopsDir({ cwd: home, env: {}, projectRoot: home }).loopsDir)
    .filter((dir, index, all) => dir !== own && all.indexOf(dir) === index);
  return { roots, peerLoopsDirs };
}

/**
 * An absolute scope entry and its forms under the canonical root: an entry inside any checkout
 * maps to the same path under `roots[0]`, an entry that contains a checkout covers all of
 * `roots[0]`. A glob above a checkout's top level is carried into it segment by segment, or
 * covers the whole checkout when that cannot be decided. Without roots, the entry alone.
 */
export function entryForms(entry: string, roots: readonly string[]): string[] {
  const canonical = roots[0];
  if (canonical === undefined) return [entry];
  // A guard run maps every entry of every lock, thousands of them, in code that runs too briefly
  // to be optimised: a list and an indexed loop allocate no set, closure or iterator per entry,
  // and an entry in the canonical checkout, as nearly all are, is its own form there.
  const forms = [entry];
  const glob = entryGlob(entry);
  for (let index = 0; index < roots.length; index++) {
    const root = roots[index]!;
    if (entry === root || isAncestor(root, entry)) {
      if (root !== canonical) addForm(forms, under(canonical, relativeBelow(root, entry)));
    } else if (isAncestor(entry, root)) addForm(forms, canonical);
    if (glob === undefined || !isAncestor(glob.base, root)) continue;
    // A glob whose folder contains the checkout (`/srv/*/src`): what the checkout's own path
    // leaves of the pattern applies inside it.
    const rest = matchLeading(glob.pattern, relativeBelow(glob.base, root).split('/'), false);
    if (rest === true) addForm(forms, canonical);
    else if (rest !== false) addForm(forms, under(canonical, rest));
  }
  return forms;
}

function addForm(forms: string[], form: string): void {
  if (!forms.includes(form)) forms.push(form);
}

/** A path relative to the canonical root, made absolute. */
function under(canonical: string, relative: string): string {
  return relative === '' ? canonical : `${canonical}/${relative}`;
}
