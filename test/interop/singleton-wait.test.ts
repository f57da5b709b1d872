import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { track } from '../support/processes.js';
import { pythonAvailable, pythonVersions } from '../support/python-peer.js';
import { makeTempRepo } from '../support/temp-dir.js';

const pythonHolder = path.join(import.meta.dirname, 'workers', 'python_holder.py');
// Versions before upstream BUG-2526 know no singletons; which one a folder holds, its code says.
const withSingletons = pythonVersions.filter((version) =>
  readFileSync(path.join(version.path, 'concurrency.py'), 'utf8').includes('caller_singleton'),
);

describe.skipIf(!pythonAvailable || withSingletons.length === 0).each(withSingletons)(
  'a singleton waiter and a Python-held singleton ($label)',
  ({ path: modulePath }) => {
    it('is told who blocks it, and waits until the singleton ends', async () => {
      const root = makeTempRepo();
      const holder = track(
        spawn(
          'python3',
          [pythonHolder, path.join(root, '.loops'), 'autodev', 'src', '--singleton'],
          {
            cwd: root,
            env: { ...process.env, PYTHONPATH: modulePath },
            stdio: 'pipe',
          },
        ),
      );
      const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('held');
      const wait = (...extra: string[]) =>
        runCli(['locks', 'wait', '--scope', 'docs', ...extra], { cwd: root });

      expect((await wait('--timeout', '0.3')).code).toBe(0);
      const blocked = await wait('--name', 'autodev', '--singleton', '--timeout', '0.5');
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain('still held by singleton loop "autodev"');

      const waiting = wait('--name', 'autodev', '--singleton', '--timeout', '60');
      holder.stdin.end();
      expect((await waiting).code).toBe(0);
    });
  },
);
