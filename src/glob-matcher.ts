import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';

const require = createRequire(import.meta.url);
let picomatch: typeof picomatchType | undefined;

/**
 * Compile globs (picomatch syntax, dotfiles included) into a path predicate. picomatch is loaded
 * on first use, through `require`: most commits meet no glob, and the hook should not pay for it.
 * A leading `!` is a literal character, not a negation: a pattern only ever adds matches.
 */
export function globMatcher(
  globs: string | string[],
  options: { nocase?: boolean } = {},
): (path: string) => boolean {
  picomatch ??= require('picomatch') as typeof picomatchType;
  return picomatch(globs, { dot: true, nonegate: true, nocase: options.nocase ?? false });
}
