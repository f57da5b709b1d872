import type { LiveLock } from '../lock/lock-store.js';
import { globOwner } from '../lock/scope-entry.js';
import { toRepoScopes } from './repo-scope.js';

/** One changed file inside a scope held by another loop. */
export interface Conflict {
  file: string;
  lock: LiveLock;
  /** The scope entry of the lock that matched, as written in the record. */
  matchedScope: string;
  /** When the change renamed the file: its old path (`file` is the new one). */
  renamedFrom?: string;
}

export interface MatchOptions {
  /** Top levels of every checkout of the repository, the canonical one first (ScopeSpace.roots). */
  worktreeRoots: readonly string[];
  /** Compare case-folded (`core.ignorecase`). */
  ignoreCase: boolean;
}

interface Hit {
  lock: LiveLock;
  entry: string;
}

interface GlobHit extends Hit {
  /** Where the entry came among all glob entries. */
  order: number;
}

/** The glob entries under one base with one pattern: tested once for all of them. */
interface GlobGroup {
  matches: (relativePath: string) => boolean;
  hits: GlobHit[];
}

/**
 * One folder of the scope tree: the path its segments spell from the top, and what it holds. Most
 * folders hold one kind of thing, so each list is made when its first item comes.
 */
interface ScopeNode {
  /** Below, by (folded) segment: only folders on the way to an entry or a glob's base. */
  children: Map<string, ScopeNode> | undefined;
  /** Entries whose prefix is this folder. */
  exact: Hit[] | undefined;
  /** Glob entries based here, by pattern in the order the patterns came. */
  globs: Map<string, GlobGroup> | undefined;
  /** Entries strictly below this folder: a changed path that is this folder contains them. */
  below: Hit[] | undefined;
}

/**
 * Match repo-relative changed paths against the scopes of live locks, by the rule of
 * `entriesOverlap`: a path conflicts with an entry that owns it literally or as a glob, or that it
 * contains (a submodule, a directory replaced by a file). Every scope entry goes into a tree of
 * folders, so a path costs one lookup per segment until it leaves the tree, not one per lock:
 * 100,000 paths against 5,000 entries stays linear in the paths.
 */
export function findConflicts(
  paths: readonly string[],
  locks: readonly LiveLock[],
  options: MatchOptions,
): Conflict[] {
  const fold = options.ignoreCase ? (text: string) => text.toLowerCase() : (text: string) => text;
  const root = scopeTree(locks, options, fold);
  const conflicts: Conflict[] = [];
  for (const file of paths) {
    const hits = ownersOf(fold(file), root);
    if (hits.length === 0) continue;
    // Each lock once, with its first matching entry.
    const seen = new Set<LiveLock>();
    for (const { lock, entry } of hits) {
      if (seen.has(lock)) continue;
      seen.add(lock);
      conflicts.push({ file, lock, matchedScope: entry });
    }
  }
  return conflicts;
}

/** The scope entries of the locks, as a tree of their (folded) folders. */
function scopeTree(
  locks: readonly LiveLock[],
  options: MatchOptions,
  fold: (text: string) => string,
): ScopeNode {
  const root = scopeNode();
  let globOrder = 0;
  // Once per entry of every lock, thousands of them, in code that runs too briefly to be
  // optimised: indexed loops allocate no iterators and no step results.
  for (let lockIndex = 0; lockIndex < locks.length; lockIndex++) {
    const lock = locks[lockIndex]!;
    const entries = lock.record.scope;
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex]!;
      const scopes = toRepoScopes(entry, options.worktreeRoots);
      for (let scopeIndex = 0; scopeIndex < scopes.length; scopeIndex++) {
        const scope = scopes[scopeIndex]!;
        const hit = { lock, entry };
        let node = root;
        const segments = segmentsOf(fold(scope.prefix));
        for (let index = 0; index < segments.length; index++) {
          (node.below ??= []).push(hit);
          node = childOf(node, segments[index]!);
        }
        (node.exact ??= []).push(hit);
        if (scope.glob) {
          const { base, pattern } = scope.glob;
          let baseNode = root;
          for (const segment of segmentsOf(fold(base))) baseNode = childOf(baseNode, segment);
          const globs = (baseNode.globs ??= new Map<string, GlobGroup>());
          let group = globs.get(pattern);
          if (!group) {
            group = { matches: globOwner(pattern, options.ignoreCase), hits: [] };
            globs.set(pattern, group);
          }
          group.hits.push({ lock, entry, order: globOrder++ });
        }
      }
    }
  }
  return root;
}

/**
 * Every entry that owns the (folded) path `key` or that it contains, in the order of their folders
 * from the top: down the tree segment by segment, as long as the folders so far lead to an entry.
 */
function ownersOf(key: string, root: ScopeNode): Hit[] {
  const hits: Hit[] = [];
  let folder: ScopeNode | undefined = root;
  addOwners(folder, key, 0, hits);
  for (let start = 0; key !== '' && start <= key.length;) {
    const slash = key.indexOf('/', start);
    const end = slash === -1 ? key.length : slash;
    folder = folder.children?.get(key.slice(start, end));
    if (folder === undefined) break;
    addOwners(folder, key, end + 1, hits);
    start = end + 1;
  }
  // A changed path can also contain a scope entry: a submodule or a directory replaced by a file.
  if (folder?.below) hits.push(...folder.below);
  return hits;
}

/**
 * What one folder on the way owns of the path: its entries, then its globs that match the rest of
 * the key (from `offset`: the folded key's offsets match the folded segments even where
 * lower-casing changes a string's length, 'İ'; the matcher is case-insensitive when keys are
 * folded), in the order the entries came, as if each had been tried on its own.
 */
function addOwners(folder: ScopeNode, key: string, offset: number, hits: Hit[]): void {
  if (folder.exact) hits.push(...folder.exact);
  if (!folder.globs) return;
  const relative = key.slice(offset);
  const matched: GlobHit[] = [];
  for (const group of folder.globs.values())
    if (group.matches(relative)) matched.push(...group.hits);
  if (folder.globs.size > 1) matched.sort((a, b) => a.order - b.order);
  hits.push(...matched);
}

function scopeNode(): ScopeNode {
  return { children: undefined, exact: undefined, globs: undefined, below: undefined };
}

function childOf(node: ScopeNode, segment: string): ScopeNode {
  const children = (node.children ??= new Map<string, ScopeNode>());
  let child = children.get(segment);
  if (!child) children.set(segment, (child = scopeNode()));
  return child;
}

/** `a/b/c` -> `['a', 'b', 'c']`; the repository root `''` has none. */
function segmentsOf(relativePath: string): string[] {
  return relativePath === '' ? [] : relativePath.split('/');
}

// Only these can change when lower-cased: ASCII capitals and anything beyond ASCII.
const foldable = /[A-Z\u0080-\uffff]/;

/** Whether lower-casing changes `text`; most paths are plain lower-case ASCII, tested without a copy. */
function changedByFolding(text: string): boolean {
  return foldable.test(text) && text.toLowerCase() !== text;
}

/**
 * Whether comparing case-folded could find more than comparing exactly: only when some entry is a
 * glob, or folding changes a changed path or an entry. When it cannot, one matching pass is enough
 * and `core.ignorecase` need not be asked.
 */
export function caseCanMatter(
  paths: readonly string[],
  locks: readonly LiveLock[],
  worktreeRoots: readonly string[],
): boolean {
  return (
    locks.some((lock) =>
      lock.record.scope.some((entry) =>
        toRepoScopes(entry, worktreeRoots).some(
          (scope) => scope.glob !== undefined || changedByFolding(scope.prefix),
        ),
      ),
    ) || paths.some(changedByFolding)
  );
}
