import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chainedSuffix } from './hook-install.js';
import { guardedHooks, lineRunsGuard, type GuardedHook } from './hook-managers/guarded-hooks.js';
import { isHuskyHooksPath, locateHooks } from './hooks-location.js';
import type { Repository } from './repository.js';

/**
 * Undo `installHooks` for this worktree and say what was done, one sentence per action: drop the
 * lines that run scopeguard from `.husky/<hook>`, and remove our plain-git hooks, putting back the
 * hooks they chained. Hooks that are not ours are left alone. Idempotent.
 */
export async function uninstallHooks(
  repository: Repository,
  env?: NodeJS.ProcessEnv,
): Promise<string[]> {
  const cwd = repository.topLevel;
  const location = await locateHooks(cwd, env);
  const huskyDir = isHuskyHooksPath(location)
    ? path.dirname(path.resolve(cwd, location.hooksPath!))
    : path.join(cwd, '.husky');
  return guardedHooks
    .flatMap((hook) => [
      removeHuskyLines(path.join(huskyDir, hook.name), hook),
      removePlainHook(path.join(location.dir, hook.name), hook),
    ])
    .filter((action): action is string => action !== undefined);
}

function removeHuskyLines(file: string, hook: GuardedHook): string | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split(/(?<=\n)/);
  const kept = lines.filter((line) => !lineRunsGuard(line, hook));
  if (kept.length === lines.length) return undefined;
  if (kept.every((line) => line.trim() === '')) {
    // Only our line was there: init created the file, so the file goes.
    rmSync(file);
    return `removed ${file}`;
  }
  writeFileSync(file, kept.join(''));
  return `removed the scopeguard line from ${file}`;
}

function removePlainHook(file: string, { marker }: GuardedHook): string | undefined {
  if (!existsSync(file) || !readFileSync(file, 'utf8').includes(marker)) return undefined;
  const chained = `${file}${chainedSuffix}`;
  if (existsSync(chained)) {
    renameSync(chained, file);
    return `removed scopeguard's ${file}; the hook it ran after it is back in its place`;
  }
  rmSync(file);
  return `removed ${file}`;
}
