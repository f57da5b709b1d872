import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './cli.js';
import { track } from './processes.js';

/**
 * The Python original, run as a real peer: the directory holding its `concurrency.py`, named by
 * SCOPEGUARD_PYTHON_SEED, else `../shared/seed` beside the repository. It goes on PYTHONPATH, so
 * it must hold no other module named like one of Python's own (little-loops' `fsm` folder has a
 * `types.py`: copy `concurrency.py` out of it). Interop tests skip with a message when the peer
 * cannot run, unless SCOPEGUARD_REQUIRE_INTEROP=1 (set by CI), when that fails the run.
 */
export const seedDir = path.resolve(
  process.env.SCOPEGUARD_PYTHON_SEED || path.join(repoRoot, '..', 'shared', 'seed'),
);

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
  try {
    execFileSync('python3', ['-c', 'from concurrency import LockManager'], {
      env: { ...process.env, PYTHONPATH: seedDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return (
      `the Python original in ${seedDir} does not import (${stderr.split('\n').at(-1)}); ` +
      "does that directory hold a module that shadows one of Python's own, such as types.py?"
    );
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

/** Run a Python snippet with the seed (or another version's module) on PYTHONPATH; returns stdout. */
export function python(
  code: string,
  cwd: string,
  args: string[] = [],
  modulePath: string = seedDir,
): string {
  return execFileSync('python3', ['-c', code, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: modulePath },
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

/**
 * The Python versions a directory may be shared with that are present here: the seed and today's
 * upstream beside it. A folder holding one `concurrency.py` only (the CI workflow checks out one
 * little-loops commit per job) lists that one, and says which it skips.
 */
export const pythonVersions: readonly { label: string; path: string }[] = [
  { label: 'seed', path: seedDir },
  { label: 'upstream a12b9397d', path: path.join(seedDir, 'upstream-a12b9397d') },
].filter((version) => {
  const present = existsSync(path.join(version.path, 'concurrency.py'));
  if (!present && pythonAvailable)
    console.warn(`skipping interop tests against ${version.label}: nothing at ${version.path}`);
  return present;
});

/** Run a Python script file with one version's module on PYTHONPATH; returns stdout. */
export function pythonScript(
  script: string,
  modulePath: string,
  options: { input?: string; cwd: string },
): string {
  return execFileSync('python3', [script], {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONPATH: modulePath },
  });
}

/** Acquire `scope` as loop `name` with the Python original's LockManager; true when it got it. */
export function pythonAcquires(
  root: string,
  name: string,
  scope: string[],
  modulePath: string = seedDir,
): boolean {
  const code = [
    'import sys',
    'from pathlib import Path',
    'from concurrency import LockManager',
    'ok = LockManager(Path(sys.argv[1])).acquire(sys.argv[2], sys.argv[3:])',
    'print("acquired" if ok else "conflict")',
  ].join('\n');
  return (
    python(code, root, [path.join(root, '.loops'), name, ...scope], modulePath).trim() ===
    'acquired'
  );
}

/**
 * A Python process that acquires `scope` as loop `name` with the Python original in `root`'s
 * `.loops` and holds it until killed (at the latest when the test ends); resolves once it holds,
 * with the moment its line arrived.
 */
export async function holdInPython(
  root: string,
  name: string,
  scope: string[],
): Promise<{ child: ChildProcess & { pid: number }; heldAt: number }> {
  const child = track(
    spawnPython(
      'import sys, time\nfrom pathlib import Path\nfrom concurrency import LockManager\n' +
        'ok = LockManager(Path(sys.argv[1])).acquire(sys.argv[2], sys.argv[3:])\n' +
        'print("acquired" if ok else "conflict", flush=True)\ntime.sleep(300)',
      root,
      [path.join(root, '.loops'), name, ...scope],
    ),
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Python holder exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  if (line !== 'acquired') {
    child.kill('SIGKILL');
    throw new Error(`the Python original did not acquire ${scope.join(', ')}: ${line}`);
  }
  return { child: child as ChildProcess & { pid: number }, heldAt: Date.now() };
}
