import { builtin } from '../builtin.js';
import { scopeLockTrailerKey } from '../guard/scope-lock-trailer.js';
import { EnvironmentError } from '../errors.js';
import { runGit } from './run-git.js';

/** One commit of a range: the files it changes and the values of its `Scope-Lock` trailers. */
export interface RangeCommit {
  sha: string;
  trailers: string[];
  files: string[];
}

/**
 * The commits reachable from `head` but not from `base`, with the files each changes and its
 * `Scope-Lock` trailers, from one `git log`. A merge commit counts with what it changes against
 * its first parent, so a change made while resolving a merge is never hidden from the check.
 */
export async function readRangeCommits(
  base: string,
  head: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<RangeCommit[]> {
  // A header nobody can predict: a file name cannot pose as the start of another commit.
  const marker = `scopeguard-${builtin('node:crypto').randomUUID()}`;
  const args = [
    'log',
    '-z',
    '--no-renames',
    '--diff-merges=first-parent',
    '--name-only',
    '--no-ext-diff',
    `--format=${marker} %H%x1f%(trailers:key=${scopeLockTrailerKey},valueonly,unfold,separator=%x1f)`,
    `${base}..${head}`,
    '--',
  ];
  const result = await runGit(args, cwd, env);
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `git log failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
      'git-failed',
    );
  }
  return parseLog(result.stdout, `${marker} `);
}

/**
 * `git log -z --name-only` writes each commit's header, a NUL, then its file names each ended by
 * a NUL, the first one after a newline.
 */
function parseLog(output: string, header: string): RangeCommit[] {
  const commits: RangeCommit[] = [];
  let current: RangeCommit | undefined;
  let first = false;
  for (const token of output.split('\0')) {
    // An empty commit (no file) leaves its newline before the next header.
    const unwrapped = token.startsWith('\n') ? token.slice(1) : token;
    if (unwrapped.startsWith(header)) {
      const [sha = '', ...trailers] = unwrapped.slice(header.length).split('\x1f');
      current = { sha, trailers: trailers.filter((value) => value !== ''), files: [] };
      commits.push(current);
      first = true;
      continue;
    }
    const name = first ? unwrapped : token;
    first = false;
    if (current && name !== '') current.files.push(name);
  }
  return commits;
}
