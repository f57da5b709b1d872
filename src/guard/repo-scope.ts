import path from 'node:path';
import { isAncestor } from '../lock/scope-path.js';

/** A lock's scope entry in repo-relative form: a path prefix, or a glob under a prefix. */
export type RepoScope =
  { kind: 'prefix'; prefix: string } | { kind: 'glob'; base: string; pattern: string };

const globCharacters = /[*?[\]{}]/;

/**
 * Map an absolute scope entry onto the repository: relative to whichever worktree contains it
 * (a lock taken in one worktree guards the same files in every other), `''` when the entry
 * contains the whole worktree, undefined when it lies outside all of them. An entry with glob
 * characters is a glob relative to the directory before its first glob segment.
 */
export function toRepoScope(
  entry: string,
  worktreeRoots: readonly string[],
): RepoScope | undefined {
  const segments = entry.split('/');
  const firstGlob = segments.findIndex((segment) => globCharacters.test(segment));
  if (firstGlob === -1) {
    const prefix = relativeToAnyRoot(entry, worktreeRoots);
    return prefix === undefined ? undefined : { kind: 'prefix', prefix };
  }
  const base = relativeToAnyRoot(segments.slice(0, firstGlob).join('/') || '/', worktreeRoots);
  if (base === undefined) return undefined;
  return { kind: 'glob', base, pattern: segments.slice(firstGlob).join('/') };
}

function relativeToAnyRoot(entry: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    if (entry === root || isAncestor(entry, root)) return '';
    if (isAncestor(root, entry)) return path.relative(root, entry).split(path.sep).join('/');
  }
  return undefined;
}
