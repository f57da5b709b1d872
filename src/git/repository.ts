import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';
import { readIfPresent } from '../read-if-present.js';
import { runGit } from './run-git.js';

/** The parts of a repository's layout the guard needs. */
export interface Repository {
  /** This worktree's top level. */
  topLevel: string;
  /**
   * The main worktree's top level (the project root); equals topLevel outside linked worktrees,
   * and in linked worktrees of a repository whose main worktree cannot be found (a bare one).
   */
  mainRoot: string;
  /** This worktree's own git directory. */
  gitDir: string;
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
    // A `.git` folder shows by its HEAD; anything else is read as a `.git` file (a folder without
    // a HEAD fails the read). No stat: node builds a Stats object for it, costlier than the lookup.
    if (!existsSync(path.join(dotGit, 'HEAD'))) {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
      if (!pointer) return undefined;
      gitDir = path.resolve(topLevel, pointer.trim());
      if (!existsSync(path.join(gitDir, 'HEAD'))) return undefined;
    }
    gitDir = realpathSync(gitDir);
    // A linked worktree's git directory points at the common one; any other is its own.
    const commonPointer = readIfPresent(path.join(gitDir, 'commondir'));
    const commonDir = commonPointer
      ? realpathSync(path.resolve(gitDir, commonPointer.trim()))
      : gitDir;
    return {
      topLevel,
      mainRoot: mainWorktree(topLevel, gitDir, commonDir),
      gitDir,
      commonDir,
      shallow: existsSync(path.join(commonDir, 'shallow')),
    };
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
      '--absolute-git-dir',
      '--git-common-dir',
      '--is-shallow-repository',
    ],
    cwd,
    env,
  );
  const [topLevel, gitDir, commonDir, shallow] = result.stdout.split('\n');
  if (result.exitCode !== 0 || !topLevel || !gitDir || !commonDir) return undefined;
  return {
    topLevel,
    mainRoot: mainWorktree(topLevel, gitDir, commonDir),
    gitDir,
    commonDir,
    shallow: shallow === 'true',
  };
}

// Where the main worktree of a layout without `<main>/.git` is remembered (see recordMainWorktree).
const mainWorktreeRecord = 'scopeguard-main-worktree';

/**
 * The main worktree's top level. A standard layout keeps the common dir at `<main>/.git`; in the
 * main worktree itself it is this one. A linked worktree of any other layout (a separate git
 * dir) learns it only from what `recordMainWorktree` left, and a bare repository has none: then
 * this worktree stands in.
 */
function mainWorktree(topLevel: string, gitDir: string, commonDir: string): string {
  if (path.basename(commonDir) === '.git') return path.dirname(commonDir);
  if (gitDir === commonDir) return topLevel;
  return recordedMainWorktree(commonDir) ?? topLevel;
}

/** The remembered main worktree, if it still exists and still belongs to this common dir. */
function recordedMainWorktree(commonDir: string): string | undefined {
  const recorded = readIfPresent(path.join(commonDir, mainWorktreeRecord))?.trim();
  if (!recorded) return undefined;
  try {
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(path.join(recorded, '.git'), 'utf8'))?.[1];
    if (
      pointer &&
      realpathSync(path.resolve(recorded, pointer.trim())) === realpathSync(commonDir)
    ) {
      return recorded;
    }
  } catch {
    // moved or deleted since: not the main worktree any more
  }
  return undefined;
}

/**
 * True for a linked worktree whose main worktree exists but cannot be found from here: git
 * records nothing that leads from a separate git dir (`git init --separate-git-dir`) to it.
 */
export function mainWorktreeUnknown(repository: Repository): boolean {
  const { topLevel, mainRoot, gitDir, commonDir } = repository;
  if (mainRoot !== topLevel || gitDir === commonDir || path.basename(commonDir) === '.git')
    return false;
  const config = readIfPresent(path.join(commonDir, 'config')) ?? '';
  return !/^\s*bare\s*=\s*true\s*$/im.test(config);
}

/**
 * Remember the main worktree of a layout whose common dir is not `<main>/.git`, so linked
 * worktrees can find it (and the locks taken there). Only from the main worktree itself; a
 * no-op in a standard layout. Written by `scopeguard init`, which already writes into the git dir.
 */
export function recordMainWorktree(repository: Repository): string | undefined {
  const { topLevel, gitDir, commonDir } = repository;
  if (gitDir !== commonDir || path.basename(commonDir) === '.git') return undefined;
  const file = path.join(commonDir, mainWorktreeRecord);
  if (readIfPresent(file)?.trim() === topLevel) return undefined;
  writeFileSync(file, `${topLevel}\n`);
  return `recorded ${topLevel} as the main worktree in ${file}, so linked worktrees see its locks`;
}

/** Like findRepository, but outside a repository it is an error (exit 3) that says so. */
export async function openRepository(cwd: string, env?: NodeJS.ProcessEnv): Promise<Repository> {
  const repository = await findRepository(cwd, env);
  if (!repository) {
    throw new EnvironmentError(
      `${cwd} is not inside a git repository with a working tree: check, pre-commit, ci, init, ` +
        'doctor and uninstall work on one, so run them from inside it (the locks and run commands ' +
        'work anywhere, with the working directory as the project root).',
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
    // Looked for first: most repositories have no linked worktree (see readIfPresent).
    if (existsSync(adminDir)) names = readdirSync(adminDir);
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
