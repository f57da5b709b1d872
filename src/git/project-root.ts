import path from 'node:path';
import { runGit } from './run-git.js';

/** Where a repository's worktrees live, as far as the lock directory cares. */
export interface ProjectLocation {
  /** The main worktree's top level, shared by all linked worktrees; the cwd outside git. */
  root: string;
  /** True when `root` came from git. */
  inGitRepo: boolean;
}

/**
 * Find the project root: the *main* worktree's top level, so that every linked worktree shares one
 * `.loops/.running/`. Outside a git repository (or in a bare one) it is the working directory.
 */
export async function findProjectRoot(
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<ProjectLocation> {
  let result;
  try {
    result = await runGit(
      ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel'],
      cwd,
      env,
    );
  } catch {
    return { root: cwd, inGitRepo: false };
  }
  const [commonDir, topLevel] = result.stdout.split('\n');
  if (result.exitCode !== 0 || !commonDir || !topLevel) return { root: cwd, inGitRepo: false };
  // A standard layout keeps the common dir at <main worktree>/.git; anything else (GIT_DIR
  // elsewhere, a separate git dir) has no main worktree we can see, so the current one is used.
  const root = path.basename(commonDir) === '.git' ? path.dirname(commonDir) : topLevel;
  return { root, inGitRepo: true };
}
