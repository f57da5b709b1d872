import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  findRepository,
  mainWorktreeUnknown,
  worktreeRoots,
  type Repository,
} from './repository.js';
import { runGit } from './run-git.js';

/** Every place the files of a repository are checked out, and where locks on them are kept. */
export interface Checkouts {
  /**
   * Top levels that hold this repository's files, the main worktree first: every worktree, and
   * for a submodule its folder in every checkout of its superproject.
   */
  roots: string[];
  /**
   * Top levels whose own `.loops` may hold locks on these files (the Python original writes
   * into the checkout it runs in): every worktree, and every checkout of a superproject.
   */
  lockHomes: string[];
  /** What could not be found, for the user. */
  notes: string[];
}

// Submodules inside submodules are followed this far up.
const maxSuperprojects = 8;

/**
 * Find the checkouts of the repository: its worktrees, read from the common dir, and when it is
 * a submodule, its superproject's checkouts (a lock on `sub/` there covers the submodule).
 */
export async function findCheckouts(
  repository: Repository,
  env: NodeJS.ProcessEnv,
  depth = 0,
): Promise<Checkouts> {
  const own = worktreeRoots(repository);
  const checkouts: Checkouts = { roots: [...own], lockHomes: [...own], notes: [] };
  if (mainWorktreeUnknown(repository)) {
    checkouts.notes.push(
      `the main worktree of ${repository.commonDir} is unknown here (git does not record it for a ` +
        'separate git dir), so locks taken there are not seen: run `scopeguard init` there once',
    );
  }
  const superTop = depth < maxSuperprojects ? await superprojectOf(repository, env) : undefined;
  // Inside a hook git points GIT_DIR and friends at the submodule: not at its superproject. Copied
  // only for a submodule: copying process.env reads every variable, on every commit.
  const outerEnv = superTop ? withoutLocation(env) : env;
  const superRepository = superTop && (await findRepository(superTop, outerEnv));
  if (superRepository) {
    const outer = await findCheckouts(superRepository, outerEnv, depth + 1);
    const inside = path.relative(superRepository.topLevel, repository.topLevel);
    checkouts.roots.push(...outer.roots.map((root) => path.join(root, inside)));
    checkouts.lockHomes.push(...outer.lockHomes);
    checkouts.notes.push(...outer.notes);
  }
  checkouts.roots = [...new Set(checkouts.roots)];
  checkouts.lockHomes = [...new Set(checkouts.lockHomes)];
  return checkouts;
}

/**
 * The top level of the superproject when this worktree is a submodule's. Git is asked only when
 * some folder above the worktree holds a `.git`, so a plain repository costs no process.
 */
async function superprojectOf(
  repository: Repository,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  let folder = repository.topLevel;
  let enclosed = false;
  while (!enclosed && path.dirname(folder) !== folder) {
    folder = path.dirname(folder);
    enclosed = existsSync(path.join(folder, '.git'));
  }
  if (!enclosed) return undefined;
  const result = await runGit(
    ['rev-parse', '--show-superproject-working-tree'],
    repository.topLevel,
    env,
  );
  const top = result.stdout.trim();
  return result.exitCode === 0 && top !== '' ? top : undefined;
}

// The variables that tell git which repository to use (`git rev-parse --local-env-vars`).
const locationVariables = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_INDEX_FILE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_SHALLOW_FILE',
  'GIT_GRAFT_FILE',
];

function withoutLocation(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const outer = { ...env };
  for (const name of locationVariables) delete outer[name];
  return outer;
}
