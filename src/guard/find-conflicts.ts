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
 * Match repo-relative changed paths against the scopes of live locks, by the rule of
 * `entriesOverlap`: a path conflicts with an entry that owns it literally or as a glob, or that it
 * contains (a submodule, a directory replaced by a file). Every scope entry goes into
 * a map keyed by its repo-relative prefix, so each path costs one lookup per path segment, not
 * one per lock: 100,000 paths against 5,000 entries stays linear in the paths.
 */
export function findConflicts(
  paths: readonly string[],
  locks: readonly LiveLock[],
  options: MatchOptions,
): Conflict[] {
  const fold = options.ignoreCase ? (text: string) => text.toLowerCase() : (text: string) => text;
  const exact = new Map<string, Hit[]>(); // entry prefix -> entries
  const below = new Map<string, Hit[]>(); // ancestor of an entry prefix -> entries under it
  const globs = new Map<string, Map<string, GlobGroup>>(); // glob base -> pattern -> entries
  let globOrder = 0;
  const add = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };

  for (const lock of locks) {
    for (const entry of lock.record.scope) {
      for (const scope of toRepoScopes(entry, options.worktreeRoots)) {
        const prefix = fold(scope.prefix);
        add(exact, prefix, { lock, entry });
        for (const ancestor of ancestorsOf(prefix)) add(below, ancestor, { lock, entry });
        if (scope.glob) {
          const { base, pattern } = scope.glob;
          let patterns = globs.get(fold(base));
          if (!patterns) globs.set(fold(base), (patterns = new Map<string, GlobGroup>()));
          let group = patterns.get(pattern);
          if (!group) {
            group = { matches: globOwner(pattern, options.ignoreCase), hits: [] };
            patterns.set(pattern, group);
          }
          group.hits.push({ lock, entry, order: globOrder++ });
        }
      }
    }
  }

  // Every entry that may own the (folded) path `key`, in the order of its prefixes from the top.
  const hitsFor = (key: string): Hit[] => {
    const hits: Hit[] = [];
    const visit = (prefix: string) => {
      for (const hit of exact.get(prefix) ?? []) hits.push(hit);
      const patterns = globs.get(prefix);
      if (patterns === undefined) return;
      // Slice the folded key, whose offsets match the prefix even where lower-casing changes a
      // string's length ('İ'); the matcher is case-insensitive whenever keys are folded.
      const relative = prefix === '' ? key : key.slice(prefix.length + 1);
      const matched: GlobHit[] = [];
      for (const group of patterns.values())
        if (group.matches(relative)) for (const hit of group.hits) matched.push(hit);
      // In the order the entries came, as if each had been tried on its own.
      if (patterns.size > 1) matched.sort((a, b) => a.order - b.order);
      for (const hit of matched) hits.push(hit);
    };
    visit('');
    for (let index = key.indexOf('/'); index !== -1; index = key.indexOf('/', index + 1))
      visit(key.slice(0, index));
    visit(key);
    // A changed path can also contain a scope entry: a submodule or a directory replaced by a file.
    for (const hit of below.get(key) ?? []) hits.push(hit);
    return hits;
  };

  const conflicts: Conflict[] = [];
  for (const file of paths) {
    const hits = hitsFor(fold(file));
    if (hits.length === 0) continue;
    const seen = new Set<LiveLock>();
    for (const { lock, entry } of hits) {
      if (seen.has(lock)) continue;
      seen.add(lock);
      conflicts.push({ file, lock, matchedScope: entry });
    }
  }
  return conflicts;
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
  const changedByFolding = (text: string) => text.toLowerCase() !== text;
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

/** `a/b/c` -> `['', 'a', 'a/b']`: every proper ancestor, the repository root first. */
function ancestorsOf(relativePath: string): string[] {
  if (relativePath === '') return [];
  const ancestors = [''];
  for (
    let index = relativePath.indexOf('/');
    index !== -1;
    index = relativePath.indexOf('/', index + 1)
  ) {
    ancestors.push(relativePath.slice(0, index));
  }
  return ancestors;
}
