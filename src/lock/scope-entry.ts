import { globMatcher } from '../glob-matcher.js';
import { isAncestor } from './scope-path.js';

/**
 * The glob reading of a scope entry. Read literally, an entry owns the path it names and
 * everything below it, whatever characters the name holds (real folders are called `app/[id]`,
 * `(group)` or `{{name}}`). When a segment holds glob characters the entry is *also* a glob
 * relative to the folder before that segment, and owns every path the glob matches and
 * everything below those. The glob only ever adds to what the literal reading owns.
 */
export interface EntryGlob {
  /** The folder before the first glob segment (`/` or `''` at the top). */
  base: string;
  /** The rest, matched against paths relative to `base`. */
  pattern: string;
}

const globCharacters = /[*?[\]{}]/;

/**
 * Split an entry (absolute, or relative to a checkout) at its first glob segment; undefined when
 * no segment holds glob characters.
 */
export function entryGlob(entry: string): EntryGlob | undefined {
  // Most entries are plain paths: one test of the whole entry, no split.
  if (!globCharacters.test(entry)) return undefined;
  const segments = entry.split('/');
  const firstGlob = segments.findIndex((segment) => globCharacters.test(segment));
  if (firstGlob === -1) return undefined;
  const base = segments.slice(0, firstGlob).join('/') || (entry.startsWith('/') ? '/' : '');
  return { base, pattern: segments.slice(firstGlob).join('/') };
}

/**
 * The predicate for paths relative to a glob's base that the glob owns: the paths it matches and
 * everything below them, as a directory entry owns everything below it. Given `from`, it tests the
 * path from that offset on.
 */
export function globOwner(
  pattern: string,
  ignoreCase: boolean,
): (path: string, from?: number) => boolean {
  return compiledOnce([pattern, `${pattern}/**`], ignoreCase);
}

/**
 * Whether a glob may own anything that the literal path `path` owns (the path itself or anything
 * below it). Whatever cannot be decided segment by segment counts as "may", so the answer errs
 * towards an overlap, never away from one.
 */
export function globReaches(glob: EntryGlob, path: string, ignoreCase: boolean): boolean {
  if (path === glob.base || isAncestor(path, glob.base)) return true;
  if (!isAncestor(glob.base, path)) return false;
  const relative = path.slice(glob.base === '/' ? 1 : glob.base.length + 1);
  return matchLeading(glob.pattern, relative.split('/'), ignoreCase) !== false;
}

/**
 * Match the leading segments of a path against the start of a pattern: false when they cannot
 * match; true when the path lies below a match of the whole pattern, or a `**` or a pattern that
 * cannot be split makes the rest undecidable (so it counts); else the rest of the pattern, which
 * applies below the path.
 */
export function matchLeading(
  pattern: string,
  leading: readonly string[],
  ignoreCase: boolean,
): boolean | string {
  const segments = patternSegments(pattern);
  if (segments === undefined) return true;
  for (let index = 0; ; index++) {
    if (index === segments.length) return true;
    if (segments[index] === '**') return true;
    if (index === leading.length) return segments.slice(index).join('/');
    if (!segmentMatcher(segments[index]!, ignoreCase)(leading[index]!)) return false;
  }
}

/**
 * The pattern's segments, or undefined when a `/` sits inside a group (`{a,b/c}`, `[/]`,
 * `@(x/y)`) or an escape is used: then segments cannot be matched one at a time.
 */
function patternSegments(pattern: string): string[] | undefined {
  if (pattern.includes('\\')) return undefined;
  let depth = 0;
  for (const character of pattern) {
    if (character === '{' || character === '[' || character === '(') depth++;
    else if ((character === '}' || character === ']' || character === ')') && depth > 0) depth--;
    else if (character === '/' && depth > 0) return undefined;
  }
  return pattern.split('/');
}

function segmentMatcher(pattern: string, ignoreCase: boolean): (segment: string) => boolean {
  return compiledOnce([pattern], ignoreCase);
}

const compiled = new Map<string, (path: string, from?: number) => boolean>();

/**
 * One compiled predicate per list of globs and case rule: many locks often hold the same pattern
 * under different folders (`pkg1/**\/*.gen.ts`, `pkg2/**\/*.gen.ts`), and matching asks again for
 * every one.
 */
function compiledOnce(
  globs: string[],
  ignoreCase: boolean,
): (path: string, from?: number) => boolean {
  const key = `${ignoreCase ? 'i' : 's'}${globs.join('\0')}`;
  let matcher = compiled.get(key);
  if (!matcher) {
    matcher = globMatcher(globs, { nocase: ignoreCase });
    compiled.set(key, matcher);
  }
  return matcher;
}
