import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The `.running` folder of a project's default `.loops` directory. */
export const runningDir = (root: string) => path.join(root, '.loops', '.running');

/** The lock records (not the sentinel or temp files) in a project's default lock directory. */
export function recordNames(root: string): string[] {
  const dir = runningDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.lock') && !name.startsWith('.'));
}
