import { existsSync, readFileSync } from 'node:fs';

/**
 * The text of `file`, or undefined when there is none or it cannot be read. Looked for before it
 * is read: a read that fails builds an exception with its stack, which costs several times the
 * look, and the files every commit asks about (a linked worktree's `commondir`, little-loops'
 * config) are missing in most repositories.
 */
export function readIfPresent(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
