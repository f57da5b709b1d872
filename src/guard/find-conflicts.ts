import type { LiveLock } from '../lock/lock-store.js';
import { entryGlob, globOwner } from '../lock/scope-entry.js';
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
  /** Whether the pattern owns the key from an offset on (see globOwner). */
  matches: (key: string, offset: number) => boolean;
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
  /** Glob entries based here, one group per pattern in the order the patterns came. */
  globs: GlobGroup[] | undefined;
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
  const root = scopeTree(locks, options);
  const conflicts: Conflict[] = [];
  // Run once per changed path, by the hundred thousand: one list of hits for all of them, and no
  // object made for a path that meets no entry, which is most of them.
  const hits: Hit[] = [];
  for (let index = 0; index < paths.length; index++) {
    const file = paths[index]!;
    collectOwners(options.ignoreCase ? file.toLowerCase() : file, root, hits);
    if (hits.length === 0) continue;
    addConflicts(file, hits, conflicts);
    hits.length = 0;
  }
  return conflicts;
}

// Above this many hits for one path, a set finds a lock already reported faster than a scan.
const maxHitsToScan = 16;

/** A conflict per lock among the hits of `file`, with its first matching entry. */
function addConflicts(file: string, hits: readonly Hit[], conflicts: Conflict[]): void {
  const first = conflicts.length;
  const seen = hits.length > maxHitsToScan ? new Set<LiveLock>() : undefined;
  for (let index = 0; index < hits.length; index++) {
    const { lock, entry } = hits[index]!;
    if (seen ? seen.has(lock) : reportedSince(conflicts, first, lock)) continue;
    seen?.add(lock);
    conflicts.push({ file, lock, matchedScope: entry });
  }
}

function reportedSince(conflicts: readonly Conflict[], first: number, lock: LiveLock): boolean {
  for (let index = first; index < conflicts.length; index++)
    if (conflicts[index]!.lock === lock) return true;
  return false;
}

/** The scope entries of the locks, as a tree of their (folded) folders. */
function scopeTree(locks: readonly LiveLock[], options: MatchOptions): ScopeNode {
  const fold = options.ignoreCase ? (text: string) => text.toLowerCase() : (text: string) => text;
  const root = scopeNode();
  // The glob groups by folder and pattern, while the tree is built.
  const groups = new Map<ScopeNode, Map<string, GlobGroup>>();
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
          let patterns = groups.get(baseNode);
          if (!patterns) groups.set(baseNode, (patterns = new Map<string, GlobGroup>()));
          let group = patterns.get(pattern);
          if (!group) {
            group = { matches: globOwner(pattern, options.ignoreCase), hits: [] };
            patterns.set(pattern, group);
            (baseNode.globs ??= []).push(group);
          }
          group.hits.push({ lock, entry, order: globOrder++ });
        }
      }
    }
  }
  return root;
}

/**
 * Add every entry that owns the (folded) path `key` or that it contains to `hits`, in the order of
 * their folders from the top: down the tree segment by segment, as long as the folders so far lead
 * to an entry.
 */
function collectOwners(key: string, root: ScopeNode, hits: Hit[]): void {
  let folder: ScopeNode | undefined = root;
  addOwners(folder, key, 0, hits);
  for (let start = 0; key !== '' && start <= key.length;) {
    if (folder.children === undefined) return;
    const slash = key.indexOf('/', start);
    const end = slash === -1 ? key.length : slash;
    folder = folder.children.get(key.slice(start, end));
    if (folder === undefined) return;
    addOwners(folder, key, end + 1, hits);
    start = end + 1;
  }
  // A changed path can also contain a scope entry: a submodule or a directory replaced by a file.
  if (folder.below) addAll(hits, folder.below);
}

/**
 * What one folder on the way owns of the path: its entries, then its globs that match the rest of
 * the key (from `offset`: the folded key's offsets match the folded segments even where
 * lower-casing changes a string's length, 'İ'; the matcher is case-insensitive when keys are
 * folded), in the order the entries came, as if each had been tried on its own.
 */
function addOwners(folder: ScopeNode, key: string, offset: number, hits: Hit[]): void {
  if (folder.exact) addAll(hits, folder.exact);
  const globs = folder.globs;
  if (!globs) return;
  const first = hits.length;
  for (let index = 0; index < globs.length; index++) {
    const group = globs[index]!;
    if (group.matches(key, offset)) addAll(hits, group.hits);
  }
  if (hits.length - first > 1 && globs.length > 1) sortGlobHits(hits, first);
}

/** The glob hits from `first` on, in the order their entries came (stable, like Array#sort). */
function sortGlobHits(hits: Hit[], first: number): void {
  const sorted = (hits.slice(first) as GlobHit[]).sort((a, b) => a.order - b.order);
  for (let index = 0; index < sorted.length; index++) hits[first + index] = sorted[index]!;
}

function addAll(hits: Hit[], more: readonly Hit[]): void {
  for (let index = 0; index < more.length; index++) hits.push(more[index]!);
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
  // Asked of every entry of every live lock: indexed loops, no callback made per lock.
  for (let lockIndex = 0; lockIndex < locks.length; lockIndex++) {
    const entries = locks[lockIndex]!.record.scope;
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++)
      if (caseCanMatterTo(entries[entryIndex]!, worktreeRoots)) return true;
  }
  return paths.some(changedByFolding);
}

function caseCanMatterTo(entry: string, worktreeRoots: readonly string[]): boolean {
  // An entry's repo-relative prefixes are parts of it, or its forms in the checkouts that only a
  // glob makes: a plain entry that folding leaves alone, as nearly all are, needs no mapping.
  if (entryGlob(entry) === undefined && !changedByFolding(entry)) return false;
  const scopes = toRepoScopes(entry, worktreeRoots);
  for (let index = 0; index < scopes.length; index++) {
    const scope = scopes[index]!;
    if (scope.glob !== undefined || changedByFolding(scope.prefix)) return true;
  }
  return false;
}
