import { builtin } from '../builtin.js';
import { existsSync } from 'node:fs';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { EnvironmentError } from '../errors.js';
import { activeTracer } from '../trace.js';

/** The outcome of one git invocation; git's own exit status is data, not an exception. */
export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options before every git command scopeguard runs (see `runGit`). */
export const gitGlobalOptions = ['--no-optional-locks'];

/**
 * Run a read-only git command with arguments passed as an array (never through a shell). The
 * environment is the caller's, untouched: inside a hook git sets `GIT_INDEX_FILE` and friends,
 * and they must reach the child git for `git commit -a` and `git commit <path>` to be seen
 * correctly. `--no-optional-locks` keeps git from writing anyway: `git status` would otherwise
 * refresh and rewrite the index, and scopeguard never writes to the repository it guards. When
 * git cannot be started, or is killed, that is an environment error (exit 3) that says why.
 */
export function runGit(
  args: readonly string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<GitResult> {
  const tracer = activeTracer();
  const run = () => spawnGit(args, cwd, env);
  return tracer ? tracer.git(args, cwd, run) : run();
}

function spawnGit(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv | undefined,
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    builtin('node:child_process').execFile(
      'git',
      [...gitGlobalOptions, ...args],
      { cwd, env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(startFailure(error, args, cwd));
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

function startFailure(
  error: Error & { signal?: NodeJS.Signals | null },
  args: readonly string[],
  cwd: string,
): Error {
  const code = errnoCode(error);
  // spawn says ENOENT both for a missing program and for a missing working directory.
  if (code === 'ENOENT' && existsSync(cwd)) {
    return new EnvironmentError(
      'cannot run git: it is not on PATH (ENOENT). Install git, or add the folder that holds it ' +
        'to PATH.',
      'no-git',
    );
  }
  if (code === undefined && error.signal) {
    return new EnvironmentError(`git ${args[0]} was ended by ${error.signal}`, 'git-killed');
  }
  return environmentErrorFrom(error, 'run git in', cwd);
}
