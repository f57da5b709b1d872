import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, symlink-resolved temp folder, removed after the current test. */
export function makeTempDir(prefix = 'scopeguard-test-'): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

/**
 * The environment for git and our CLI in tests: inherited `GIT_*` variables stripped (a test run
 * from inside a hook must not leak the outer repository in), global and system config isolated.
 */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && !key.startsWith('SCOPEGUARD_')) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    ...extra,
  };
}

/** Run git in a folder with the isolated environment; returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: isolatedEnv(), encoding: 'utf8' });
}

/** A new git repository (branch main) in a temp folder. */
export function makeTempRepo(): string {
  const dir = makeTempDir('scopeguard-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}
