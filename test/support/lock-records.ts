import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli, type CliResult } from './cli.js';

/** The `.running` folder of a project's default `.loops` directory. */
export const runningDir = (root: string) => path.join(root, '.loops', '.running');

/** The lock records (not the sentinel or temp files) in a project's default lock directory. */
export function recordNames(root: string): string[] {
  const dir = runningDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.lock') && !name.startsWith('.'));
}

/** An instance id with "/", as today's little-loops names some of its locks. */
export const nestedId = 'generated/inkscape-task-20261130T101500';

/**
 * `scopeguard locks acquire` of loop "inkscape" on `src` under `nestedId`, in the repository
 * `root`, for the holder `holderPid`.
 */
export function acquireNestedId(root: string, holderPid: number): Promise<CliResult> {
  return runCli(
    [
      'locks',
      'acquire',
      '--name',
      'inkscape',
      '--instance',
      nestedId,
      '--scope',
      'src',
      '--pid',
      String(holderPid),
    ],
    { cwd: root },
  );
}
