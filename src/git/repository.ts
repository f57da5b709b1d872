import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';
import { runGit } from './run-git.js';

/** The parts of a repository's layout the guard needs. */
export interface Repository {
  /** This worktree's top level. */
  topLevel: string;
  /** The main worktree's top level (the project root); equals topLevel outside linked worktrees. */
  mainRoot: string;
  /** The directory shared by all worktrees (`.git` of the main worktree). */
  commonDir: string;
  /** Whether this clone is shallow. */
  shallow: boolean;
}

/**
 * Describe the repository around `cwd`, or return undefined outside a repository (or in a bare
 * one, which has no files to guard). At a worktree's top level, where git runs hooks, the layout
 * is read from `.git` directly; anywhere else one `git rev-parse` answers.
 */
export async function findRepository(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Repository | undefined> {
  return readLayoutAtTopLevel(cwd, env) ?? askGit(cwd, env);
}

/**
 * The layout of a worktree whose top level is `cwd`, from its `.git` directory or `.git` file
 * (`gitdir: ...`, plus `commondir` for linked worktrees), saving a process on every commit.
 * Undefined when `cwd` has no `.git` or git's location variables are set (then git decides).
 */
function readLayoutAtTopLevel(cwd: string, env: NodeJS.ProcessEnv): Repository | undefined {
  if (env.GIT_DIR || env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return undefined;
  try {
    const topLevel = realpathSync(cwd);
    const dotGit = path.join(topLevel, '.git');
    let gitDir = dotGit;
    if (!statSync(dotGit).isDirectory()) {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
      if (!pointer) return undefined;
      gitDir = path.resolve(topLevel, pointer.trim());
    }
    if (!existsSync(path.join(gitDir, 'HEAD'))) return undefined;
    const commonPointer = readOptional(path.join(gitDir, 'commondir'));
    const commonDir = realpathSync(
      commonPointer ? path.resolve(gitDir, commonPointer.trim()) : gitDir,
    );
    const mainRoot = path.basename(commonDir) === '.git' ? path.dirname(commonDir) : topLevel;
    return { topLevel, mainRoot, commonDir, shallow: existsSync(path.join(commonDir, 'shallow')) };
  } catch {
    return undefined;
  }
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// Only git's answer decides "not a repository": git missing from PATH is an error of its own,
// never a reason to treat the working directory as a project root without git.
async function askGit(cwd: string, env: NodeJS.ProcessEnv): Promise<Repository | undefined> {
  const result = await runGit(
    [
      'rev-parse',
      '--path-format=absolute',
      '--show-toplevel',
      '--git-common-dir',
      '--is-shallow-repository',
    ],
    cwd,
    env,
  );
  const [topLevel, commonDir, shallow] = result.stdout.split('\n');
  if (result.exitCode !== 0 || !topLevel || !commonDir) return undefined;
  // A standard layout keeps the common dir at <main worktree>/.git; anything else (GIT_DIR
  // elsewhere, a separate git dir, a submodule) has no main worktree we can see.
  const mainRoot = path.basename(commonDir) === '.git' ? path.dirname(commonDir) : topLevel;
  return { topLevel, mainRoot, commonDir, shallow: shallow === 'true' };
}

/** Like findRepository, but outside a repository it is an error (exit 3) that says so. */
export async function openRepository(cwd: string, env?: NodeJS.ProcessEnv): Promise<Repository> {
  const repository = await findRepository(cwd, env);
  if (!repository) {
    throw new EnvironmentError(
      `${cwd} is not inside a git repository with a working tree; run scopeguard from a repository, ` +
        'or check explicit paths with `scopeguard check --loops-dir DIR PATH...` from one.',
      'not-a-repo',
    );
  }
  return repository;
}

/**
 * The top levels of every worktree of the repository (main first), read from the common dir's
 * `worktrees/*\/gitdir` files rather than by spawning `git worktree list`.
 */
export function worktreeRoots(repository: Repository): string[] {
  const roots = new Set([repository.mainRoot, repository.topLevel]);
  const adminDir = path.join(repository.commonDir, 'worktrees');
  let names: string[] = [];
  try {
    names = readdirSync(adminDir);
  } catch {
    // no linked worktrees
  }
  for (const name of names) {
    try {
      const gitFile = readFileSync(path.join(adminDir, name, 'gitdir'), 'utf8').trim();
      roots.add(realpathSync(path.dirname(gitFile)));
    } catch {
      // a pruned or half-removed worktree: nothing to map
    }
  }
  return [...roots];
}

/** Whether git compares names case-insensitively in this repository (`core.ignorecase`). */
export async function readIgnoreCase(cwd: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const result = await runGit(['config', '--type=bool', '--get', 'core.ignorecase'], cwd, env);
  return result.exitCode === 0 && result.stdout.trim() === 'true';
}
