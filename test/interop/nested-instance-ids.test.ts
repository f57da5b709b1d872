import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { acquireNestedId, nestedId, runningDir } from '../support/lock-records.js';
import { killHard, startIdleProcess, track } from '../support/processes.js';
import { python, pythonAcquires, pythonAvailable, pythonVersions } from '../support/python-peer.js';
import { makeTempRepo } from '../support/temp-dir.js';

const pythonHolder = path.join(import.meta.dirname, 'workers', 'python_holder.py');
const id = nestedId;
// Versions before upstream BUG-1788 take no instance id; which one a folder holds, its code says.
const withInstanceIds = pythonVersions.filter((version) =>
  readFileSync(path.join(version.path, 'concurrency.py'), 'utf8').includes('instance_id'),
);

/** Hold `src` with the Python original under `id`, one folder down as it writes such ids. */
async function pythonHoldsNested(root: string, modulePath: string) {
  const holder = track(
    spawn(
      'python3',
      [pythonHolder, path.join(root, '.loops'), 'inkscape', 'src', '--instance', id],
      { cwd: root, env: { ...process.env, PYTHONPATH: modulePath }, stdio: 'pipe' },
    ),
  );
  const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
  expect((await lines.next()).value).toBe('held');
  expect(existsSync(path.join(runningDir(root), `${id}.lock`))).toBe(true);
  return holder;
}

describe.skipIf(!pythonAvailable || withInstanceIds.length === 0).each(withInstanceIds)(
  'an id with "/" that the Python original wrote one folder down ($label)',
  ({ path: modulePath }) => {
    it('is seen and conflicts in scopeguard, and is released by its id', async () => {
      const root = makeTempRepo();
      const holder = await pythonHoldsNested(root, modulePath);
      try {
        const list = await runCli(['locks', 'list'], { cwd: root });
        expect(list.stdout).toMatch(new RegExp(`inkscape +${id} +${holder.pid} `));
        const refused = await runCli(['run', '--name', 'other', '--scope', 'src/a', '--', 'true'], {
          cwd: root,
        });
        expect(refused.code).toBe(75);
        expect(refused.stderr).toContain(`held by loop "inkscape" (instance ${id}`);

        const notForced = await runCli(['locks', 'release', '--instance', id], { cwd: root });
        expect(notForced.code).toBe(1);
        const released = await runCli(['locks', 'release', '--instance', id, '--force'], {
          cwd: root,
        });
        expect(released).toMatchObject({ code: 0, stdout: `released ${id}\n` });
        expect(readdirSync(path.join(runningDir(root), 'generated'))).toEqual([]);
        const granted = await runCli(['run', '--name', 'other', '--scope', 'src/a', '--', 'true'], {
          cwd: root,
        });
        expect(granted.code, granted.stderr).toBe(0);
      } finally {
        holder.stdin.end();
      }
    });

    it('is reaped by scopeguard once its Python holder died', async () => {
      const root = makeTempRepo();
      const holder = await pythonHoldsNested(root, modulePath);
      await killHard(holder);
      const list = await runCli(['locks', 'list'], { cwd: root });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).toContain(id);
      expect(existsSync(path.join(runningDir(root), `${id}.lock`))).toBe(false);
    });
  },
);

describe.skipIf(!pythonAvailable).each(pythonVersions)(
  'an id with "/" that scopeguard acquired, read by the Python original ($label)',
  ({ path: modulePath }) => {
    it('is a flat record Python lists and conflicts with, until scopeguard releases it', async () => {
      const root = makeTempRepo();
      const holder = startIdleProcess();
      const acquired = await acquireNestedId(root, holder.pid);
      expect(acquired, acquired.stderr).toMatchObject({ code: 0, stdout: `${id}\n` });

      const listed = python(
        [
          'import sys',
          'from pathlib import Path',
          'from concurrency import LockManager',
          'for lock in LockManager(Path(sys.argv[1])).list_locks():',
          '    print(lock.loop_name, lock.pid, *lock.scope)',
        ].join('\n'),
        root,
        [path.join(root, '.loops')],
        modulePath,
      );
      expect(listed).toBe(`inkscape ${holder.pid} ${path.join(root, 'src')}\n`);
      expect(pythonAcquires(root, 'other', ['src/a'], modulePath)).toBe(false);

      const released = await runCli(['locks', 'release', '--instance', id, '--force'], {
        cwd: root,
      });
      expect(released.code, released.stderr).toBe(0);
      expect(pythonAcquires(root, 'other', ['src/a'], modulePath)).toBe(true);
    });
  },
);
