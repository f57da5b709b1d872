import { EnvironmentError, UsageError } from '../errors.js';
import { isNormalRelative, resolveLexically } from '../lexical-path.js';
import { resolveScopePath } from '../lock/scope-path.js';
import { relativeInside } from '../relative-inside.js';
import type { Repository } from './repository.js';
import { gitGlobalOptions, runGit, type GitResult } from './run-git.js';

/** Where the changed paths come from. */
export type ChangeSource =
  /** `piped`: what the installed hook piped in, `stagedListCommand`'s output and its trailer. */
  | { kind: 'staged'; piped?: string }
  | { kind: 'worktree' }
  | { kind: 'paths'; paths: string[]; origin: 'arguments' | 'stdin' }
  | { kind: 'range'; base: string; head: string };

/** Repo-relative POSIX paths as git prints them, plus what could not be mapped. */
export interface ChangeSet {
  paths: string[];
  /** Explicit paths outside this worktree: reported, not checked. */
  outside: string[];
  /** For range sources: the commits actually compared. */
  range?: { base: string; head: string; mergeBase: string };
}

// Options every listing uses: NUL-separated names (no quoting, whatever core.quotePath says),
// renames off so that both sides of a rename appear as a deletion and an addition, paths from the
// top level even when diff.relative is set, and no external diff drivers.
const diffOptions = [
  '--name-only',
  '-z',
  '--no-renames',
  '--no-relative',
  '--no-ext-diff',
  '--ignore-submodules=none',
];
const stagedArgs = ['diff', '--cached', ...diffOptions];
const trailerPrefix = 'git-exit:';

/**
 * The shell command the installed hook pipes into `pre-commit --staged-from-stdin`, so git lists
 * the staged files while node starts: the listing `staged` runs, then a trailer with git's exit
 * status (names are NUL-terminated, so the text after the last NUL is the trailer).
 */
export const stagedListCommand = `{ git ${[...gitGlobalOptions, ...stagedArgs].join(' ')}; echo "${trailerPrefix}$?"; }`;

/**
 * Collect a change set. The process environment is passed through untouched: inside a hook it
 * carries `GIT_INDEX_FILE`, which `git commit -a` and `git commit <path>` point at a temporary
 * index that holds exactly what will be committed.
 */
export async function collectChanges(
  source: ChangeSource,
  repository: Repository,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<ChangeSet> {
  switch (source.kind) {
    case 'staged':
      return {
        paths: splitNul(
          source.piped === undefined
            ? await git(stagedArgs, cwd, env)
            : checked(stagedArgs, pipedResult(source.piped)),
        ),
        outside: [],
      };
    case 'worktree':
      return { paths: parseStatus(await git(statusArgs, cwd, env)), outside: [] };
    case 'paths':
      return mapExplicitPaths(source.paths, repository, cwd);
    case 'range':
      return rangeChanges(source.base, source.head, cwd, env);
  }
}

const statusArgs = [
  'status',
  '--porcelain=v1',
  '-z',
  '--no-renames',
  '--untracked-files=all',
  '--ignore-submodules=none',
];

/** `git status --porcelain -z` entries are `XY <path>`; staged, unstaged and untracked alike. */
function parseStatus(output: string): string[] {
  return splitNul(output).map((entry) => entry.slice(3));
}

function splitNul(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}

/** Paths named by the user, relative to cwd, mapped to the worktree's repo-relative form. */
function mapExplicitPaths(paths: string[], repository: Repository, cwd: string): ChangeSet {
  // A plain relative path (the usual kind, by the hundred thousand from stdin) is cwd's place in
  // the worktree joined with it: nothing to resolve, path by path.
  const cwdInside = relativeInside(repository.topLevel, cwd);
  const mapped = new Set<string>();
  const outside: string[] = [];
  for (let index = 0; index < paths.length; index++) {
    const given = paths[index]!;
    const relative =
      cwdInside !== undefined && isNormalRelative(given)
        ? cwdInside === ''
          ? given
          : `${cwdInside}/${given}`
        : (relativeInside(repository.topLevel, resolveLexically(cwd, given)) ??
          relativeInside(repository.topLevel, resolveScopePath(given, cwd)));
    if (relative === undefined) outside.push(given);
    else if (relative !== '') mapped.add(relative);
  }
  return { paths: [...mapped], outside };
}

/** The files changed from the merge base of base and head to head (`base...head`). */
async function rangeChanges(
  base: string,
  head: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<ChangeSet> {
  const baseSha = await verifyCommit(base, cwd, env);
  const headSha = await verifyCommit(head, cwd, env);
  const mergeBase = await runGit(['merge-base', baseSha, headSha], cwd, env);
  if (mergeBase.exitCode !== 0) {
    throw new EnvironmentError(
      `${base} and ${head} have no common ancestor in this clone, so the changes of the range are ` +
        'unknown. If the clone is shallow, fetch the full history (`git fetch --unshallow`).',
      'no-merge-base',
    );
  }
  const paths = splitNul(await git(['diff', ...diffOptions, `${baseSha}...${headSha}`], cwd, env));
  return {
    paths,
    outside: [],
    range: { base: baseSha, head: headSha, mergeBase: mergeBase.stdout.trim() },
  };
}

/**
 * Resolve a user-supplied ref to a commit id. `--end-of-options` makes git treat it as a name
 * even when it starts with `-`, so a ref can never smuggle in an option.
 */
export async function verifyCommit(
  ref: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (ref === '' || ref.includes('\0'))
    throw new UsageError(`invalid ref ${JSON.stringify(ref)}`, 'bad-ref');
  const result = await runGit(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    cwd,
    env,
  );
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `${JSON.stringify(ref)} does not name a commit in this repository (missing ref, typo, or a shallow ` +
        'clone without it: fetch it first).',
      'bad-ref',
    );
  }
  return result.stdout.trim();
}

/** A file moved by the change: both sides are in the change set, each checked on its own. */
export interface Rename {
  from: string;
  to: string;
}

/**
 * The renames of a change set, for showing a conflict as `old -> new`. Listed only when a
 * conflict is found: the listing itself keeps renames off, so that both sides are checked, and
 * a clean commit costs no second git process. Explicit paths have no renames.
 */
export async function listRenames(
  source: ChangeSource,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Rename[]> {
  const renameOptions = ['--name-status', '-z', '-M', '--no-relative', '--no-ext-diff'];
  switch (source.kind) {
    case 'staged':
      return parseNameStatus(await git(['diff', '--cached', ...renameOptions], cwd, env));
    case 'range':
      return parseNameStatus(
        await git(['diff', ...renameOptions, `${source.base}...${source.head}`], cwd, env),
      );
    case 'worktree':
      return parseStatusRenames(
        await git(
          ['status', '--porcelain=v1', '-z', '--renames', '--untracked-files=no'],
          cwd,
          env,
        ),
      );
    case 'paths':
      return [];
  }
}

/** `--name-status -z`: a status word, then one path, or two for a rename or copy (`R100`, `C75`). */
function parseNameStatus(output: string): Rename[] {
  const words = splitNul(output);
  const renames: Rename[] = [];
  for (let index = 0; index < words.length;) {
    const status = words[index]!;
    const sides = /^[RC]/.test(status) ? 2 : 1;
    if (status.startsWith('R')) renames.push({ from: words[index + 1]!, to: words[index + 2]! });
    index += 1 + sides;
  }
  return renames;
}

/** `status --porcelain -z`: `XY new`, followed by the old path for a rename or copy. */
function parseStatusRenames(output: string): Rename[] {
  const words = splitNul(output);
  const renames: Rename[] = [];
  for (let index = 0; index < words.length; index++) {
    const entry = words[index]!;
    const status = entry.slice(0, 2);
    if (!/[RC]/.test(status)) continue;
    const from = words[++index]!;
    if (status.includes('R')) renames.push({ from, to: entry.slice(3) });
  }
  return renames;
}

/** The listing and git's exit status from piped text; exit -1 when the trailer is missing. */
function pipedResult(piped: string): GitResult {
  const listEnd = piped.lastIndexOf('\0') + 1;
  const trailer = new RegExp(`^${trailerPrefix}(\\d+)\\n$`).exec(piped.slice(listEnd));
  // git's own message, if any, went to the hook's standard error.
  if (!trailer)
    return { exitCode: -1, stdout: '', stderr: 'the staged file list piped in ended early' };
  return { exitCode: Number(trailer[1]), stdout: piped.slice(0, listEnd), stderr: '' };
}

async function git(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return checked(args, await runGit(args, cwd, env));
}

function checked(args: string[], result: GitResult): string {
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `git ${args[0]} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
      'git-failed',
    );
  }
  return result.stdout;
}
