import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../support/cli.js';
import { track } from '../support/processes.js';
import { pythonAvailable, pythonVersions } from '../support/python-peer.js';
import { makeTempRepo } from '../support/temp-dir.js';

const nestedHolder = path.join(import.meta.dirname, 'workers', 'nested_holder.py');

// Today's little-loops lets a nested run through when the overlapping lock is an ancestor's.
describe.skipIf(!pythonAvailable).each(pythonVersions)(
  'a scopeguard run nested in a Python-held lock ($label)',
  ({ path: modulePath }) => {
    it('is granted inside the holder, and refused to a sibling', async () => {
      const root = makeTempRepo();
      const holder = track(
        spawn(
          'python3',
          [
            nestedHolder,
            path.join(root, '.loops'),
            'outer',
            path.join(root, 'src'),
            '--',
            process.execPath,
            binPath,
            'run',
            '--name',
            'inner',
            '--scope',
            'src/a',
            '--',
            'true',
          ],
          { cwd: root, env: { ...process.env, PYTHONPATH: modulePath }, stdio: 'pipe' },
        ),
      );
      const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
      try {
        expect((await lines.next()).value).toBe('held');
        expect((await lines.next()).value).toBe('0');
        const sibling = await runCli(
          ['run', '--name', 'sibling', '--scope', 'src/a', '--', 'true'],
          {
            cwd: root,
          },
        );
        expect(sibling.code).toBe(75);
        expect(sibling.stderr).toContain('held by loop "outer"');
      } finally {
        holder.stdin.end();
      }
    });
  },
);
