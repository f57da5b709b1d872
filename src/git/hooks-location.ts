import path from 'node:path';
import { runGit } from './run-git.js';

/** Where git looks for hooks in this worktree, and whether core.hooksPath moved it. */
export interface HooksLocation {
  dir: string;
  /** The raw core.hooksPath value, when set. */
  hooksPath?: string;
}

/** Ask git where hooks live (`git rev-parse --git-path hooks` honours core.hooksPath). */
export async function locateHooks(cwd: string, env?: NodeJS.ProcessEnv): Promise<HooksLocation> {
  const [dir, configured] = await Promise.all([
    runGit(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], cwd, env),
    runGit(['config', '--get', 'core.hooksPath'], cwd, env),
  ]);
  const hooksPath = configured.exitCode === 0 ? configured.stdout.trim() : undefined;
  return { dir: path.resolve(cwd, dir.stdout.trim()), ...(hooksPath ? { hooksPath } : {}) };
}

/** True when core.hooksPath points at husky's generated `.husky/_` folder (husky 9). */
export function isHuskyHooksPath(location: HooksLocation): boolean {
  return (
    location.hooksPath !== undefined &&
    /(^|\/)\.husky\/_\/?$/.test(location.hooksPath.replace(/\\/g, '/'))
  );
}
