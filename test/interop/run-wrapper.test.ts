import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath } from '../support/cli.js';
import { eventually, track } from '../support/processes.js';
import { pythonAcquires, pythonAvailable } from '../support/python-peer.js';
import { isolatedEnv, makeTempRepo } from '../support/temp-dir.js';

function isGone(pid: number): true | undefined {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? true : undefined;
  }
}

describe.skipIf(!pythonAvailable)('a run wrapper killed by a signal it cannot forward', () => {
  for (const signal of ['SIGKILL', 'SIGQUIT'] as const) {
    it(`${signal}: the command keeps the scope until it ends, for the Python original too`, async () => {
      const root = makeTempRepo();
      // The command prints its pid, then becomes `sleep` in the same process.
      const wrapper = track(
        spawn(
          process.execPath,
          [
            binPath,
            'run',
            '--name',
            'job',
            '--instance',
            'job',
            '--scope',
            'src',
            '--',
            'sh',
            '-c',
            'echo $$; exec sleep 300',
          ],
          { cwd: root, env: isolatedEnv(), stdio: ['ignore', 'pipe', 'inherit'], detached: true },
        ),
      );
      try {
        const commandPid = Number(
          await new Promise<string>((resolve) =>
            createInterface({ input: wrapper.stdout }).once('line', resolve),
          ),
        );
        const record = JSON.parse(
          readFileSync(path.join(root, '.loops', '.running', 'job.lock'), 'utf8'),
        );
        expect(record.pid).toBe(commandPid);

        const ended = new Promise((resolve) => wrapper.once('exit', (_code, how) => resolve(how)));
        wrapper.kill(signal);
        expect(await ended).toBe(signal);
        expect(isGone(commandPid)).toBeUndefined();
        expect(pythonAcquires(root, 'python', ['src/deep'])).toBe(false);

        process.kill(commandPid, 'SIGKILL');
        // An orphan is reaped by init, which may take a moment; until then its pid still exists.
        await eventually(() => isGone(commandPid), 30_000);
        expect(pythonAcquires(root, 'python', ['src/deep'])).toBe(true);
      } finally {
        try {
          process.kill(-wrapper.pid!, 'SIGKILL');
        } catch {
          // the whole group is gone already
        }
      }
    });
  }
});
