import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import { binPath, repoRoot } from './cli.js';
import { commitEnv, writeFiles } from './commit-repo.js';
import { git, makeTempDir, makeTempRepo } from './temp-dir.js';

/**
 * The pre-commit framework (a Python program from the distribution's packages). Its tests skip
 * with a message when it is not installed, unless CI or SCOPEGUARD_REQUIRE_PRE_COMMIT=1 is set:
 * then a missing framework fails the run.
 */
function findFramework(): string | undefined {
  const probe = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return 'the pre-commit framework is not installed (`apt-get install pre-commit` or `pip install pre-commit`)';
}

const missing = findFramework();
if (missing && (process.env.CI || process.env.SCOPEGUARD_REQUIRE_PRE_COMMIT === '1')) {
  throw new Error(`the pre-commit framework tests are required (CI) but ${missing}`);
}
if (missing) console.warn(`skipping the pre-commit framework tests: ${missing}`);

export const preCommitFrameworkAvailable = missing === undefined;

/**
 * What the environment of hooks adds (for `runGit` and `runManager`): scopeguard on PATH the way a global install puts it (the framework's
 * `language: system` entry runs it by name), the framework's cache in a folder of its own, no colors.
 */
export function managerEnv(): NodeJS.ProcessEnv {
  const bin = makeTempDir('scopeguard-bin-');
  symlinkSync(binPath, path.join(bin, 'scopeguard'));
  return {
    PATH: [bin, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
    PRE_COMMIT_HOME: makeTempDir('scopeguard-pre-commit-home-'),
    NO_COLOR: '1',
    // lefthook's hook runs its binary, not the node wrapper npm links: the wrapper is not the guard,
    // and the index checks watch every node process a hook starts.
    LEFTHOOK_BIN: lefthookExe,
  };
}

/**
 * A repository with one commit holding `files`, made without hooks, and scopeguard resolvable from
 * node_modules/.bin as in a project that has it as a dev dependency.
 */
export function projectRepo(files: Record<string, string>): string {
  const root = makeTempRepo();
  writeFiles(root, { '.gitignore': 'node_modules/\n', ...files });
  mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(binPath, path.join(root, 'node_modules', '.bin', 'scopeguard'));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--no-verify', '-m', 'baseline');
  return root;
}

/** Run a hook manager's own installer in `root` (`env` from `managerEnv`), and require it to succeed. */
export function runManager(
  root: string,
  env: NodeJS.ProcessEnv,
  command: string,
  args: string[],
): void {
  const result = spawnSync(command, args, { cwd: root, env: commitEnv(env), encoding: 'utf8' });
  expect(result.status, `${command} ${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
}

/** lefthook 2.2.1 and simple-git-hooks from this project's dev dependencies. */
export const lefthookBin = path.join(repoRoot, 'node_modules', 'lefthook', 'bin', 'index.js');
const lefthookExe = (
  createRequire(lefthookBin)('../get-exe.js') as { getExePath: () => string }
).getExePath();
export const simpleGitHooksBin = path.join(repoRoot, 'node_modules', 'simple-git-hooks', 'cli.js');
