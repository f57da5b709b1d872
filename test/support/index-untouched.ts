import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { makeTempDir, isolatedEnv } from './temp-dir.js';

const witness = pathToFileURL(
  path.join(path.dirname(new URL(import.meta.url).pathname), 'index-witness.mjs'),
).href;

/**
 * The bytes and modification time of the index of the repository around `cwd` (undefined outside
 * a repository): `git status` without `--no-optional-locks` rewrites it with the same entries,
 * which only the bytes and the time show.
 */
export function indexState(cwd: string): string | undefined {
  let file: string;
  try {
    file = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-path', 'index'], {
      cwd,
      env: isolatedEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
  try {
    const { mtimeNs, size } = statSync(file, { bigint: true });
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    return `${file}: ${digest} size ${size} mtime ${mtimeNs}`;
  } catch (error) {
    return `${file}: unreadable (${(error as NodeJS.ErrnoException).code})`;
  }
}

/** Run `fn` and assert that the index of the repository around `cwd` is byte for byte and in time unchanged. */
export async function expectIndexUntouched<T>(
  cwd: string,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  const before = indexState(cwd);
  const result = await fn();
  expect(indexState(cwd), `${what} changed the index`).toBe(before);
  return result;
}

/**
 * Watch every node process started with `env` (a pre-commit hook run by git, a command run by
 * `scopeguard run`): returns the environment to start them with and a check that each left the
 * index git gave it (GIT_INDEX_FILE) untouched, which returns how many were watched.
 */
export function indexWitness(env: NodeJS.ProcessEnv = {}): {
  env: NodeJS.ProcessEnv;
  check: (what: string) => number;
} {
  const log = path.join(makeTempDir('scopeguard-witness-'), 'index.log');
  return {
    env: {
      ...env,
      NODE_OPTIONS: [env.NODE_OPTIONS, `--import=${witness}`].filter(Boolean).join(' '),
      SCOPEGUARD_TEST_INDEX_LOG: log,
    },
    check(what) {
      let text: string;
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return 0;
      }
      const entries = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { argv: string[]; before: string; after: string });
      for (const entry of entries) {
        expect(entry.after, `${what}: ${entry.argv.join(' ')} changed the index`).toBe(
          entry.before,
        );
      }
      return entries.length;
    },
  };
}
