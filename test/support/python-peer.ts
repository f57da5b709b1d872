import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

/**
 * The Python original, run as a real peer. Interop tests skip with a message when it is not there,
 * unless SCOPEGUARD_REQUIRE_INTEROP=1 (set by CI), when its absence fails the run.
 */
export const seedDir =
  process.env.SCOPEGUARD_PYTHON_SEED ?? path.resolve(repoRoot, '..', 'shared', 'seed');

function findPeer(): string | undefined {
  if (!existsSync(path.join(seedDir, 'concurrency.py')))
    return `the Python original is not at ${seedDir}`;
  try {
    execFileSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 11)'], {
      stdio: 'ignore',
    });
  } catch {
    return 'python3 (3.11 or newer) is not available';
  }
  return undefined;
}

const missing = findPeer();
if (missing && process.env.SCOPEGUARD_REQUIRE_INTEROP === '1') {
  throw new Error(`interop tests are required (SCOPEGUARD_REQUIRE_INTEROP=1) but ${missing}`);
}
if (missing) console.warn(`skipping interop tests: ${missing}`);

/** True when the Python peer can run here. */
export const pythonAvailable = missing === undefined;

/** Run a Python snippet with the seed on PYTHONPATH; returns stdout. */
export function python(code: string, cwd: string, args: string[] = []): string {
  return execFileSync('python3', ['-c', code, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: seedDir },
  });
}

/** Start a long-running Python snippet with the seed on PYTHONPATH. */
export function spawnPython(code: string, cwd: string, args: string[] = []): ChildProcess {
  return spawn('python3', ['-c', code, ...args], {
    cwd,
    env: { ...process.env, PYTHONPATH: seedDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Acquire `scope` as loop `name` with the Python original's LockManager; true when it got it. */
export function pythonAcquires(root: string, name: string, scope: string[]): boolean {
  const code = [
    'import sys',
    'from pathlib import Path',
    'from concurrency import LockManager',
    'ok = LockManager(Path(sys.argv[1])).acquire(sys.argv[2], sys.argv[3:])',
    'print("acquired" if ok else "conflict")',
  ].join('\n');
  return python(code, root, [path.join(root, '.loops'), name, ...scope]).trim() === 'acquired';
}
