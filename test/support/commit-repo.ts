import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli } from './cli.js';
import { indexWitness } from './index-untouched.js';
import { startIdleProcess } from './processes.js';
import { git, isolatedEnv, makeTempRepo } from './temp-dir.js';

/**
 * The environment for a real `git commit` in e2e tests: isolated like every test git call, with
 * the directory of the node running the tests first on PATH so hooks find `node`.
 */
export function commitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv({
    PATH: [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
    ...extra,
  });
}

export interface GitOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together: git sends a hook's stdout to stderr, a user sees both. */
  output: string;
  /** How many node processes (the guard, in a hook) ran; each was checked not to touch the index. */
  guardRuns: number;
}

/**
 * Run git for real (hooks and all) and collect what a user would see. Every node process git
 * starts (the pre-commit hook's scopeguard) is watched: the index it was given must be byte for
 * byte and in time unchanged when it exits, passing or blocking.
 */
export async function runGit(
  cwd: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<GitOutcome> {
  const witness = indexWitness(extraEnv);
  const outcome = await spawnGit(cwd, args, witness.env);
  return { ...outcome, guardRuns: witness.check(`git ${args.join(' ')}`) };
}

function spawnGit(
  cwd: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
): Promise<Omit<GitOutcome, 'guardRuns'>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: commitEnv(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, output: stdout + stderr }));
  });
}

/** `git commit -m MESSAGE ...args`, hooks enabled; the guard must have run in the hook. */
export async function commit(
  cwd: string,
  message: string,
  args: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<GitOutcome> {
  const outcome = await runGit(cwd, ['commit', '-m', message, ...args], extraEnv);
  expect(outcome.guardRuns, `the hook ran no guard: ${outcome.output}`).toBeGreaterThan(0);
  return outcome;
}

/** Subjects of the commits reachable from HEAD, newest first; empty before the first commit. */
export function commitSubjects(cwd: string): string[] {
  const result = spawnSync('git', ['log', '--format=%s'], {
    cwd,
    env: isolatedEnv(),
    encoding: 'utf8',
  });
  if (result.status !== 0) return [];
  return result.stdout.split('\n').filter(Boolean);
}

/** The paths the commit at HEAD recorded. */
export function filesOfHead(cwd: string): string[] {
  return git(cwd, 'show', '--name-only', '-z', '--format=', 'HEAD').split('\0').filter(Boolean);
}

/** The repo-relative paths staged for the next commit. */
export function stagedFiles(cwd: string): string[] {
  return git(cwd, 'diff', '--cached', '--name-only', '-z', '--no-renames')
    .split('\0')
    .filter(Boolean);
}

/** Write files (creating folders) relative to `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Run `scopeguard init` in `cwd` and require it to succeed. */
export async function initGuard(cwd: string): Promise<string> {
  const result = await runCli(['init'], { cwd });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/**
 * A repository with the plain-git hook installed by `scopeguard init` and one commit (made without
 * any lock) holding `files`.
 */
export async function guardedRepo(files: Record<string, string> = {}): Promise<string> {
  const root = makeTempRepo();
  await initGuard(root);
  writeFiles(root, files);
  git(root, 'add', '-A');
  const first = await commit(root, 'baseline');
  expect(first.code, first.output).toBe(0);
  return root;
}

/**
 * Take a lock named `name` on `scope` (relative to `cwd`) held by a live foreign process
 * (`startIdleProcess()` unless a pid is given); returns the holder's pid. The record is named
 * after the loop unless `instance` says otherwise, so messages name the holder without a generated instance.
 */
export async function holdLock(
  cwd: string,
  name: string,
  scope: string[],
  pid: number = startIdleProcess().pid,
  instance: string = name,
): Promise<number> {
  const result = await runCli(
    [
      'locks',
      'acquire',
      '--name',
      name,
      '--instance',
      instance,
      '--scope',
      ...scope,
      '--pid',
      String(pid),
    ],
    { cwd },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return pid;
}

/** Every file of `.loops/.running/` with its bytes, to prove nothing was modified or deleted. */
export function lockDirSnapshot(root: string): Record<string, string> {
  const dir = path.join(root, '.loops', '.running');
  const snapshot: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return snapshot;
  }
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    snapshot[name] = statSync(file).isFile() ? readFileSync(file, 'latin1') : '<not a file>';
  }
  return snapshot;
}
