import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Make a scope entry absolute and symlink-resolved the way the Python original does
 * (`Path(p).resolve()`, which is `os.path.realpath` in non-strict mode): components are walked left
 * to right, symlinks are followed as they are met (so `link/..` is the parent of the link's
 * target, not the folder holding the link), and components that do not exist are kept as written.
 * Both tools must arrive at the same string for the same input, or overlap checks disagree.
 */
export function resolveScopePath(entry: string, cwd: string): string {
  const absolute = path.isAbsolute(entry) ? entry : `${cwd}/${entry}`;
  const { resolved } = walk('/', absolute, new Map());
  return resolved;
}

function walk(
  base: string,
  rest: string,
  seen: Map<string, string | null>,
): { resolved: string; ok: boolean } {
  let current = rest.startsWith('/') ? '/' : base;
  const parts = rest.split('/');
  for (let index = 0; index < parts.length; index++) {
    const name = parts[index]!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current = path.dirname(current);
      continue;
    }
    const candidate = current === '/' ? `/${name}` : `${current}/${name}`;
    if (seen.has(candidate)) {
      const known = seen.get(candidate);
      if (known !== null && known !== undefined) {
        current = known;
        continue;
      }
      // A symlink loop: like Python, give up resolving and keep the rest as written.
      return { resolved: path.join(candidate, ...parts.slice(index + 1)), ok: false };
    }
    const target = readLinkOrNull(candidate);
    if (target === null) {
      current = candidate;
      continue;
    }
    seen.set(candidate, null);
    const inner = walk(current, target, seen);
    if (!inner.ok)
      return { resolved: path.join(inner.resolved, ...parts.slice(index + 1)), ok: false };
    seen.set(candidate, inner.resolved);
    current = inner.resolved;
  }
  return { resolved: current, ok: true };
}

function readLinkOrNull(candidate: string): string | null {
  try {
    if (!lstatSync(candidate).isSymbolicLink()) return null;
    return readlinkSync(candidate);
  } catch {
    return null;
  }
}

/**
 * True when two resolved absolute paths overlap: equal, or one is an ancestor of the other by
 * whole path segments (`/r/src/a` does not contain `/r/src/ab`).
 */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || isAncestor(a, b) || isAncestor(b, a);
}

/** True when `ancestor` strictly contains `descendant` by whole segments. */
export function isAncestor(ancestor: string, descendant: string): boolean {
  if (ancestor === '/') return descendant !== '/' && descendant.startsWith('/');
  return (
    descendant.length > ancestor.length &&
    descendant.startsWith(ancestor) &&
    descendant[ancestor.length] === '/'
  );
}

/**
 * `descendant` relative to `ancestor` (`''` when they are equal), for paths `isAncestor` has
 * vouched for: a string slice, which the guard runs thousands of times with many locks, where
 * `path.relative` would resolve both paths each time.
 */
export function relativeBelow(ancestor: string, descendant: string): string {
  if (descendant === ancestor) return '';
  return descendant.slice(ancestor === '/' ? 1 : ancestor.length + 1);
}
