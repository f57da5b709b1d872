import type picomatchType from 'picomatch';
import { packageRequire } from './package-require.js';

let picomatch: typeof picomatchType | undefined;

/**
 * Compile globs (picomatch syntax, dotfiles included) into a path predicate. picomatch is loaded
 * on first use, through `require`: most commits meet no glob, and the hook should not pay for it.
 * A leading `!` is a literal character, not a negation: a pattern only ever adds matches.
 *
 * The predicate is picomatch's own (the empty path never matches, a path equal to the pattern
 * always does, else its regular expression decides), without the objects picomatch's matcher
 * builds on every call, and with the expression skipped for a path that lacks the text the
 * pattern ends in: `**\/*.gen.ts` is tried on paths holding `.gen.ts` only. A guard tests each
 * changed path against every glob above it, and most paths fail. Given `from`, it tests the path
 * from that offset on, and copies that part only for the expression.
 */
export function globMatcher(
  globs: string | string[],
  options: { nocase?: boolean } = {},
): (path: string, from?: number) => boolean {
  // Required here, not at the top: the hooks' first stage bundles this module unused.
  picomatch ??= packageRequire()('picomatch') as typeof picomatchType;
  const nocase = options.nocase ?? false;
  const tests = [globs].flat().map((glob) => ({
    glob,
    regex: picomatch!.makeRe(glob, { dot: true, nonegate: true, nocase }),
    required: requiredText(glob, nocase),
  }));
  return (path, from = 0) => {
    if (path.length <= from) return false;
    let rest: string | undefined;
    // An indexed loop: called once per changed path and glob folder, it allocates nothing.
    for (let index = 0; index < tests.length; index++) {
      const { glob, regex, required } = tests[index]!;
      if (path.length - from === glob.length && path.startsWith(glob, from)) return true;
      if (path.includes(required, from) && regex.test((rest ??= path.slice(from)))) return true;
    }
    return false;
  };
}

// Characters that stand for themselves wherever they are in a pattern.
const literalTail = /[\w.~-]+$/;
// What can make the end of a pattern one alternative among others (`a|b`, `@(a|b)`, `{a,b}`, an
// unclosed group whose `|` or `,` reaches the expression), or not the text a path holds (quotes,
// escapes).
const alternativesOrQuotes = /[|,{}()"'\\]/;
// `**` segments at the end only add what lies below a match.
const trailingGlobstars = /(?:\/\*\*)+$/;

/**
 * Text every path the pattern matches contains: the literal characters it ends in, before any
 * trailing `/**`. Empty (every path) when there are none, when alternatives or quotes could make
 * them optional, and when case is ignored.
 */
function requiredText(glob: string, nocase: boolean): string {
  if (nocase || alternativesOrQuotes.test(glob)) return '';
  return literalTail.exec(glob.replace(trailingGlobstars, ''))?.[0] ?? '';
}
