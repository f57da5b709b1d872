// The Python original as a benchmark peer: where its `concurrency` module is (../shared/seed
// relative to the repo root, or $SCOPEGUARD_PYTHON_SEED) and which interpreter runs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const pythonSeed =
  process.env.SCOPEGUARD_PYTHON_SEED || path.resolve(repoRoot, '../shared/seed');

/**
 * The real interpreter behind `python3` and its version, or null. Timings run `sys.executable`
 * directly, so a version manager's shim (pyenv's is a bash script) does not add its own start-up
 * to Python's.
 */
export function findPython() {
  const probe = spawnSync(
    'python3',
    ['-c', 'import platform, sys; print(sys.executable); print(platform.python_version())'],
    { encoding: 'utf8' },
  );
  if (probe.error || probe.status !== 0) return null;
  const [executable, version] = probe.stdout.trim().split('\n');
  return { executable, version };
}

/** Whether the Python side can run, and why not. */
export function pythonAvailability(interpreter) {
  if (!interpreter) return { ok: false, reason: 'python3 not found' };
  if (!existsSync(path.join(pythonSeed, 'concurrency.py')))
    return { ok: false, reason: `no concurrency.py in ${pythonSeed} (set SCOPEGUARD_PYTHON_SEED)` };
  return { ok: true };
}
