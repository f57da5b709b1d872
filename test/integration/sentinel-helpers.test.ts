import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { track } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The real program behind a command (not a shell shim), or undefined when it is not installed. */
function realProgram(command: string): string | undefined {
  try {
    if (command === 'python3') {
      return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
        encoding: 'utf8',
      }).trim();
    }
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const python = realProgram('python3');

/** Whether a Python process can take the sentinel right now (LOCK_NB). */
function pythonSeesSentinel(file: string): 'held' | 'free' {
  const probe =
    'import fcntl, sys\nf = open(sys.argv[1], "a")\n' +
    'try:\n    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n    print("free")\nexcept BlockingIOError:\n    print("held")';
  return execFileSync(python!, ['-c', probe, file], { encoding: 'utf8' }).trim() as 'held' | 'free';
}

// Linux has util-linux `flock`; macOS and the BSDs do not, and scopeguard falls back to perl, then
// python3. Each fallback is run here for real, with a PATH that offers only that program.
describe.skipIf(!python)('flock(2) through each helper program', () => {
  it.for(['flock', 'perl', 'python3'])(
    '%s takes a lock the Python original respects, and gives it back',
    async (helper, { skip }) => {
      const program = realProgram(helper);
      if (!program) return skip(`${helper} is not installed here`);
      const binDir = makeTempDir();
      symlinkSync(program, path.join(binDir, helper));
      const runningDir = path.join(makeTempDir(), '.running');
      mkdirSync(runningDir);
      const script = [
        `const { holdSentinel, flockHelperName } = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'lock', 'sentinel.js'))});`,
        `const held = await holdSentinel(${JSON.stringify(runningDir)}, 5000);`,
        'console.log("held by " + flockHelperName());',
        'process.stdin.resume();',
        'process.stdin.on("end", () => { held.release(); console.log("released"); });',
      ].join('\n');
      const child = track(
        spawn(process.execPath, ['--input-type=module', '-e', script], {
          env: { PATH: binDir },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe(`held by ${helper}`);
      const sentinel = path.join(runningDir, '.acquire.lock');
      expect(pythonSeesSentinel(sentinel)).toBe('held');
      child.stdin!.end();
      expect((await lines.next()).value).toBe('released');
      expect(pythonSeesSentinel(sentinel)).toBe('free');
    },
  );
});
